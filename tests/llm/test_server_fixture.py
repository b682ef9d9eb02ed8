"""The real-server fixture fails (or skips, only when asked) with a clear reason when it cannot start."""

from __future__ import annotations

import pytest

from tests import llm_server


@pytest.fixture
def no_llama_cpp(monkeypatch):
    real = llm_server.importlib.util.find_spec
    monkeypatch.setattr(
        llm_server.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llama_cpp" else real(name, *a),
    )


def test_missing_llama_cpp_fails_naming_the_install_command(no_llama_cpp, monkeypatch):
    monkeypatch.delenv(llm_server.SKIP_ENV, raising=False)
    with pytest.raises(
        pytest.fail.Exception, match=r"llama_cpp is not installed: pip install \"llama-cpp-python"
    ):
        next(llm_server._serve(llm_server.smollm2_path, llm_server.SMOLLM2))


def test_missing_llama_cpp_skips_only_when_asked(no_llama_cpp, monkeypatch):
    monkeypatch.setenv(llm_server.SKIP_ENV, "1")
    with pytest.raises(
        pytest.skip.Exception, match=r"KGSYNTH_SKIP_LLM_SERVER=1 and no smollm2-135m-instruct"
    ):
        next(llm_server._serve(llm_server.smollm2_path, llm_server.SMOLLM2))


def test_a_server_that_dies_at_start_fails_with_its_log_tail(tmp_path):
    bogus = tmp_path / "not-a-model.gguf"
    bogus.write_bytes(b"not a gguf file")
    server = llm_server.LocalModelServer(bogus, llm_server.SMOLLM2)
    with pytest.raises(llm_server.ServerError, match=r"llama_cpp.server exited with \d+:\n(.|\n)*gguf"):
        server.start(timeout=60)
