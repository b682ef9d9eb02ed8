"""``kgsynth build --extractor llm``: the endpoint options, one-line errors, nothing written when refused.

The endpoint is the scripted OpenAI-compatible server of ``tests/llm/fake_server.py`` on
127.0.0.1 (a real server will not refuse a key or a model on demand); what a real model does
is in ``test_llm_extract_server.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import kgsynth.cli.build  # noqa: F401  (registers build on the app)
from kgsynth.cli import app
from kgsynth.store import open_store
from tests.llm.fake_server import FakeOpenAIServer, json_reply
from tests.ports import free_port

TEXT = "Aspirin treats headache."
REPLY = {
    "relations": [
        {
            "quote": "Aspirin treats headache",
            "subject": "Aspirin",
            "subject_type": "Drug",
            "relation": "treats",
            "object": "headache",
            "object_type": "Symptom",
        }
    ]
}


pytestmark = pytest.mark.usefixtures("no_llm_endpoint_env")


def run_build(tmp_path: Path, *options: str):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    args = ["build", str(tmp_path / "a.txt"), "--store", str(tmp_path / "kg.db"), "--ontology", "medical"]
    return CliRunner().invoke(app, [*args, "--extractor", "llm", *options])


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_llm_extract_cli_builds_through_the_endpoint(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        server.script(json_reply(REPLY))
        result = run_build(tmp_path, "--llm-base-url", server.base_url, "--llm-model", "fake-model")
    assert result.exit_code == 0, result.output
    assert "; LLM fake-model: 1 relations proposed, 1 kept, 0 rejected" in result.output
    with open_store(str(tmp_path / "kg.db")) as store:
        (relation,) = store.relations()
        (evidence,) = relation.evidence
        assert (relation.subject, relation.object, evidence.extractor) == (
            "Drug:aspirin",
            "Symptom:headache",
            "llm:fake-model",
        )


def test_llm_extract_cli_reads_the_endpoint_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAIServer() as server:
        server.script(json_reply(REPLY))
        monkeypatch.setenv("KGSYNTH_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("KGSYNTH_LLM_MODEL", "fake-model")
        result = run_build(tmp_path)
        assert (result.exit_code, server.requests[0]["model"]) == (0, "fake-model")


def test_llm_extract_cli_without_an_endpoint_is_refused_before_writing(tmp_path: Path) -> None:
    result = run_build(tmp_path)
    assert result.exit_code == 1
    assert last_line(result.output) == (
        "Error: --extractor llm needs an LLM endpoint: pass --llm-base-url and --llm-model "
        "(or set KGSYNTH_LLM_BASE_URL and KGSYNTH_LLM_MODEL)."
    )
    assert not (tmp_path / "kg.db").exists()


def test_llm_extract_cli_bad_base_url_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KGSYNTH_LLM_BASE_URL", "localhost:8080")
    result = run_build(tmp_path, "--llm-model", "m")
    assert (result.exit_code, last_line(result.output)) == (
        1,
        'Error: environment variable KGSYNTH_LLM_BASE_URL: base_url "localhost:8080" must start with '
        "http:// or https://.",
    )


def test_llm_extract_cli_unreachable_endpoint_is_one_line_and_no_store(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    result = run_build(tmp_path, "--llm-base-url", url, "--llm-model", "m")
    assert result.exit_code == 1
    assert result.output.count("Error:") == 1 and last_line(result.output).startswith(f"Error: {url}: ")
    assert not (tmp_path / "kg.db").exists()


def test_llm_extract_cli_unknown_model_is_one_line_and_no_store(tmp_path: Path) -> None:
    with FakeOpenAIServer(models=("served-model",)) as server:
        result = run_build(tmp_path, "--llm-base-url", server.base_url, "--llm-model", "nosuch")
    assert result.exit_code == 1
    assert last_line(result.output) == (
        f'Error: model "nosuch" is not served at {server.base_url}. Models served: served-model'
    )
    assert not (tmp_path / "kg.db").exists()


def test_llm_extract_cli_refused_key_is_one_line_and_no_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "wrong")
    with FakeOpenAIServer(api_key="right") as server:
        result = run_build(tmp_path, "--llm-base-url", server.base_url, "--llm-model", "fake-model")
    assert result.exit_code == 1
    assert last_line(result.output).startswith(f"Error: {server.base_url} refused the API key (HTTP 401")
    with open_store(str(tmp_path / "kg.db")) as store:
        assert store.stats().documents == 0
