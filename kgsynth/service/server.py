"""``python -m kgsynth.service``: the web server and its worker processes, what ``kgsynth serve`` runs.

The CLI (a sibling layer that never imports this package) resolves the store from the config
and runs this module with plain arguments. The worker runs as a child process with the same
settings (``KGSYNTH_SERVICE_SETTINGS``, without the token; the LLM endpoint, if any, is in
them, and its key stays in ``OPENAI_API_KEY``); stopping the server (Ctrl-C,
SIGTERM) stops it, and it hands a running task back to the queue.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

from kgsynth.config import Config
from kgsynth.errors import KgsynthError
from kgsynth.service.settings import SETTINGS_ENV, ServiceSettings, llm_endpoint

logger = logging.getLogger(__name__)


def serve(settings: ServiceSettings, *, workers: int = 1, quiet: bool = False) -> None:
    """Run the web server (blocking) with ``workers`` worker processes beside it.

    Raises:
        ConfigError: a non-loopback ``host`` without a token.
    """
    import uvicorn

    from kgsynth.service.app import create_app

    settings.check_bind()
    app = create_app(settings)
    children = [start_worker(settings) for _ in range(workers)]
    llm = f", LLM {settings.llm_endpoint.model}" if settings.llm_endpoint is not None else ""
    print(
        f"kgsynth serve: http://{settings.host}:{settings.port}/ (data in {settings.data_dir}, "
        f"{workers} worker{'s' if workers != 1 else ''}{llm})",
        file=sys.stderr,
        flush=True,
    )
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning" if quiet else "info")
    finally:
        stop_workers(children)


def start_worker(settings: ServiceSettings) -> subprocess.Popen[bytes]:
    """A worker process with the same settings (the token stays in this process).

    uvicorn ends its process by re-raising the SIGTERM it caught, so ``serve``'s ``finally``
    may never run: the worker therefore also gets SIGTERM from the kernel when this process
    dies (Linux ``PR_SET_PDEATHSIG``) and watches its parent (``worker.py``).
    """
    env = {**os.environ, SETTINGS_ENV: settings.model_copy(update={"token": None}).model_dump_json()}
    return subprocess.Popen(
        [sys.executable, "-m", "kgsynth.service.worker"], env=env, preexec_fn=_die_with_parent
    )


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_workers(children: list[subprocess.Popen[bytes]], timeout: float = 15.0) -> None:
    """SIGTERM each worker (it hands its task back), SIGKILL any still running after ``timeout``."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kgsynth.service", description=__doc__)
    parser.add_argument("--store", default="kgsynth.db")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-upload-mb", type=float, default=200.0)
    parser.add_argument("--allowed-host", action="append", default=[])
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--config", default=None, help="kgsynth.toml whose [llm] names the endpoint")
    parser.add_argument("--llm", default=None, help="a name of [llm.endpoints] or a URL")
    parser.add_argument("--llm-model", default=None)
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve; a ``KgsynthError`` is one ``Error:`` line and exit code 1."""
    args = _arguments(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO)
    try:
        endpoint = llm_endpoint(Config.load(args.config).llm, args.llm, args.llm_model)
        settings = ServiceSettings.for_store(
            args.store,
            host=args.host,
            port=args.port,
            max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
            allowed_hosts=tuple(args.allowed_host),
            lease_seconds=args.lease,
            llm_endpoint=endpoint,
            **({"data_dir": args.data_dir} if args.data_dir is not None else {}),
        )
        serve(settings, workers=args.workers, quiet=args.quiet)
    except KgsynthError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


__all__ = ["main", "serve", "start_worker", "stop_workers"]
