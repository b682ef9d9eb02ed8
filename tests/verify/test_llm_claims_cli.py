"""``kgsynth check --claims llm``: the endpoint options, the LLM summary line, one-line errors.

The endpoint is the scripted OpenAI-compatible server of ``tests/llm/fake_server.py``;
``test_llm_claims_server.py`` runs a real model.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import kgsynth.cli.check  # noqa: F401  (registers check on the app)
from kgsynth.cli import app
from tests.llm.fake_server import FakeOpenAIServer, json_reply
from tests.ports import free_port

TEXT = "Ibuprofen treats headache."
CLAIM = {
    "sentence": TEXT,
    "subject": "Ibuprofen",
    "subject_type": "Drug",
    "relation": "treats",
    "object": "headache",
    "object_type": "Symptom",
}


pytestmark = pytest.mark.usefixtures("no_llm_endpoint_env")


def invoke(graph, tmp_path, *options: str):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", encoding="utf-8")
    args = ["check", str(source), "--store", graph.url, "-o", str(tmp_path / "out.jsonl"), "--claims", "llm"]
    return CliRunner().invoke(app, [*args, *options])


def test_llm_claims_cli_checks_proposals_against_the_graph(graph, tmp_path) -> None:
    with FakeOpenAIServer() as server:
        server.script(json_reply({"claims": [CLAIM, {**CLAIM, "relation": "heals"}]}))
        result = invoke(graph, tmp_path, "--llm-base-url", server.base_url, "--llm-model", "fake-model")
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert (line["verdict"], [(c["verdict"], c["rule"]) for c in line["claims"]]) == (
        "not_fully_supported",
        [("not_in_graph", "llm:fake-model")],
    )
    assert (
        "LLM claims (fake-model): 2 proposed for 1 texts, 1 kept, 1 dropped (1 relation not in the ontology)"
        in result.output
    )


def test_llm_claims_cli_unreachable_endpoint_is_one_line_and_no_output(graph, tmp_path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = invoke(graph, tmp_path, "--llm-base-url", url, "--llm-model", "m")
    assert result.exit_code == 1
    assert result.output.count("Error:") == 1 and result.output.strip().splitlines()[-1].startswith(
        f"Error: {url}: "
    )
    assert not (tmp_path / "out.jsonl").exists()


def test_llm_claims_cli_without_an_endpoint_is_refused(graph, tmp_path) -> None:
    result = invoke(graph, tmp_path)
    assert (result.exit_code, result.output.strip().splitlines()[-1]) == (
        1,
        "Error: --claims llm needs an LLM endpoint: pass --llm-base-url and --llm-model "
        "(or set KGSYNTH_LLM_BASE_URL and KGSYNTH_LLM_MODEL).",
    )
