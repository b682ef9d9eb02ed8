"""``kgsynth generate --llm`` end to end through a scripted OpenAI-compatible server on loopback.

Bad input (unreachable endpoint, 401, unknown model, a server ignoring the schema, a budget of
0) ends in one ``Error:`` line, exit code 1, and no output file; a stream of grounded replies
writes the samples, the rejects file and the acceptance table; a dry run calls nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kgsynth.cli.generate  # noqa: F401  (registers generate on the app)
from kgsynth.cli import app
from kgsynth.generate.prompted import PathFrame
from kgsynth.pipeline.llm_generate import work_items
from kgsynth.pipeline.synthesize import SynthesisSpec
from kgsynth.store import open_store
from kgsynth.verify import check
from tests.llm.fake_server import Answer, FakeOpenAIServer, json_reply
from tests.pipeline.llm_demo import build_demo, grounded
from tests.ports import free_port

MODEL = "fake-model"
ARGS = ["--n", "2", "--hops", "1-2", "--types", "factoid,yesno", "--retries", "0", "--max-items", "2"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"))


def config(tmp_path: Path, base_url: str, model: str = MODEL) -> Path:
    """A kgsynth.toml naming one endpoint that fails fast and takes one request at a time."""
    path = tmp_path / "kgsynth.toml"
    path.write_text(
        f'[llm.endpoints.gen]\nbase_url = "{base_url}"\nmodel = "{model}"\nmax_attempts = 2\n'
        "backoff_base = 0\nmax_concurrency = 1\ntimeout = 5\n",
        encoding="utf-8",
    )
    return path


def generate(demo: Path, tmp_path: Path, base_url: str, *extra: str, model: str = MODEL, quiet: bool = True):
    out = tmp_path / "out.jsonl"
    cli = ["-c", str(config(tmp_path, base_url, model))] + (["-q"] if quiet else [])
    args = [*cli, "generate", "--store", str(demo), "-o", str(out), "--llm", "gen", *ARGS, *extra]
    return CliRunner().invoke(app, args), out


def grounded_replies(demo: Path) -> list[Answer]:
    """Replies that pass the gate for the two work items ``ARGS`` makes."""
    spec = SynthesisSpec.of(n=2, hops=(1, 2), types=("factoid", "yesno"))
    with open_store(str(demo)) as store:
        return [json_reply(grounded(PathFrame.of(s))) for _, s in work_items(store, spec, 2)]


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith((out.stem, f".{out.stem}")))


def test_llm_cli_unreachable_endpoint_is_one_line_and_leaves_nothing(demo, tmp_path):
    result, out = generate(demo, tmp_path, f"http://127.0.0.1:{free_port()}/v1")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: ")
    assert "127.0.0.1" in result.output
    assert leftovers(out) == []


def test_llm_cli_wrong_key_is_one_line(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "wrong")
    with FakeOpenAIServer(models=(MODEL,), api_key="right") as server:
        result, out = generate(demo, tmp_path, server.base_url)
    assert result.exit_code == 1
    assert result.output.count("Error: ") == 1 and "401" in result.output
    assert leftovers(out) == []


def test_llm_cli_unknown_model_is_one_line(demo, tmp_path):
    with FakeOpenAIServer(models=(MODEL,)) as server:
        result, out = generate(demo, tmp_path, server.base_url, model="no-such-model")
    assert result.exit_code == 1
    assert result.output.count("Error: ") == 1 and "no-such-model" in result.output
    assert leftovers(out) == []


def test_llm_cli_server_ignoring_the_schema_gets_nothing_accepted(demo, tmp_path):
    prose = Answer(text="Sure! Here is a great question about medicine for you.")
    with FakeOpenAIServer(models=(MODEL,), default=prose) as server:
        result, out = generate(demo, tmp_path, server.base_url)
    assert result.exit_code == 1
    assert (
        result.output.strip().splitlines()[-1].startswith("Error: accepted 0 of 2 samples (2 items rejected")
    )
    assert not out.exists()
    rejects = [json.loads(line) for line in (tmp_path / "out.rejects.jsonl").read_text().splitlines()]
    assert [r["buckets"] for r in rejects] == [["format"], ["format"]]


def test_llm_cli_budget_of_zero_is_refused_before_any_request(demo, tmp_path):
    with FakeOpenAIServer(models=(MODEL,)) as server:
        result, out = generate(demo, tmp_path, server.base_url, "--budget", "0")
        assert server.count == 0
    assert result.exit_code == 1
    assert (
        result.output.strip() == "Error: --budget 0: no request could be sent; give a positive dollar amount."
    )
    assert leftovers(out) == []


def test_llm_cli_pairwise_without_a_judge_is_refused_before_any_request(demo, tmp_path):
    with FakeOpenAIServer(models=(MODEL,)) as server:
        result, out = generate(demo, tmp_path, server.base_url, "--pairwise")
        assert server.count == 0
    assert (result.exit_code, result.output.strip()) == (
        1,
        "Error: --pairwise needs at least one --judge to compare with.",
    )
    assert leftovers(out) == []


def test_llm_cli_dry_run_prints_prompts_and_calls_nothing(demo, tmp_path):
    with FakeOpenAIServer(models=(MODEL,)) as server:
        result, out = generate(demo, tmp_path, server.base_url, "--dry-run")
        assert server.count == 0
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [r["messages"][0]["role"] for r in records] == ["system", "system"]
    assert "dry run: 2 prompts for fake-model" in result.stderr
    assert leftovers(out) == []


def test_llm_cli_writes_grounded_samples_rejects_and_the_table(demo, tmp_path):
    replies = grounded_replies(demo)
    with FakeOpenAIServer(models=(MODEL,)) as server:
        server.script(*replies)
        result, out = generate(demo, tmp_path, server.base_url, quiet=False)
    assert result.exit_code == 0, result.output
    samples = [json.loads(line) for line in out.read_text().splitlines()]
    assert [s["made_by"] for s in samples] == ["llm:fake-model"] * 2
    assert (tmp_path / "out.rejects.jsonl").read_text() == ""
    assert "acceptance" in result.stderr and "factoid" in result.stderr
    from kgsynth.model import Sample

    with open_store(str(demo)) as store:
        statuses = [r.status for r in check([Sample.model_validate(s) for s in samples], store)]
    assert statuses == ["supported", "supported"]


def test_llm_cli_writes_a_dataset_card_naming_the_model_and_no_secret(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-1234")
    replies = grounded_replies(demo)
    with FakeOpenAIServer(models=(MODEL,)) as server:
        server.script(*replies)
        result, _ = generate(demo, tmp_path, server.base_url)
    assert result.exit_code == 0, result.output
    card = (tmp_path / "out.card.md").read_text(encoding="utf-8")
    assert card.startswith(
        "# kgsynth dataset (LLM-written, accepted by the graph)\n\n2 question-answer samples"
    )
    assert '"models": [\n      "fake-model"\n    ]' in card
    assert f"kgsynth check out.jsonl --store {demo}" in card
    assert "sk-test-secret" not in card


def test_llm_cli_short_run_writes_no_card(demo, tmp_path):
    with FakeOpenAIServer(models=(MODEL,)) as server:
        server.script(*[json_reply({"answer": "not grounded"})] * 4)
        result, out = generate(demo, tmp_path, server.base_url)
    assert result.exit_code == 1
    assert not (tmp_path / "out.card.md").exists() and not out.exists()


def test_llm_cli_token_budget_stops_a_zero_priced_endpoint(demo, tmp_path):
    replies = grounded_replies(demo)
    with FakeOpenAIServer(models=(MODEL,)) as server:
        server.script(*replies)
        result, out = generate(demo, tmp_path, server.base_url, "--budget-tokens", "1")
        sent = server.count
    assert result.exit_code == 1
    assert "stopped: token budget reached:" in result.output
    assert "(raise --budget-tokens to go on)" in result.output
    assert sent == 1  # the first reply spent the budget: the second item was never sent
    assert not out.exists()
