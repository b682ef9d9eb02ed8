"""``kgsynth generate --llm`` against real local models (llama.cpp: SmolLM2-135M, Gemma 3 270M).

The models are weak, so these tests assert the pipeline, not the model: the run writes accepted
samples or stops with a clear reason; the rejects file and the acceptance table exist; every
accepted sample re-checks as supported; every rejected item names its buckets; the gate rejects
an ungrounded version of a real reply; a second, different model scores as a judge.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kgsynth.cli.generate  # noqa: F401  (registers generate on the app)
from kgsynth.cli import app
from kgsynth.generate.prompted import LLMDraft, PathFrame
from kgsynth.generate.prompts import PromptTemplate
from kgsynth.generate.response_schema import qa_schema
from kgsynth.llm import Endpoint, OpenAIBackend, SamplingParams, complete_sync
from kgsynth.model import Sample
from kgsynth.pipeline.gate import BUCKETS, Gate
from kgsynth.pipeline.judge import Judges
from kgsynth.pipeline.llm_generate import work_items
from kgsynth.pipeline.synthesize import SynthesisSpec
from kgsynth.store import open_store
from kgsynth.verify import Checker, check
from tests.llm_server import gemma3_server, smollm2_server  # noqa: F401  (fixtures)
from tests.pipeline.llm_demo import build_demo, grounded

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def run(demo, smollm2_server, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("run")
    out = folder / "out.jsonl"
    args = [
        "generate", "--store", str(demo), "-o", str(out), "--llm", smollm2_server.base_url,
        "--model", smollm2_server.model, "--n", "1", "--max-items", "2", "--hops", "1",
        "--types", "factoid,yesno", "--retries", "0", "--max-tokens", "160",
    ]  # fmt: skip
    return CliRunner().invoke(app, args), out


def test_real_llm_run_accepts_or_stops_with_a_clear_reason(run):
    result, out = run
    last = result.output.strip().splitlines()[-1]
    if result.exit_code == 0:
        assert last.startswith(f"wrote 1 LLM samples to {out}")
    else:
        assert result.exit_code == 1 and last.startswith("Error: accepted 0 of 1 samples")
        assert not out.exists()


def test_real_llm_run_writes_rejects_and_the_acceptance_table(run):
    result, out = run
    assert "acceptance" in result.stderr
    rejects = [json.loads(line) for line in out.with_name("out.rejects.jsonl").read_text().splitlines()]
    assert all(r["buckets"] and set(r["buckets"]) <= set(BUCKETS) for r in rejects)


def test_real_llm_accepted_samples_recheck_as_supported(run, demo):
    _, out = run
    samples = (
        [Sample.model_validate_json(line) for line in out.read_text().splitlines()] if out.exists() else []
    )
    with open_store(str(demo)) as store:
        assert all(r.status == "supported" for r in check(samples, store))
    assert all(s.made_by == "llm:smollm2-135m-instruct" for s in samples)


def test_real_llm_gate_rejects_an_ungrounded_reply(demo, smollm2_server):  # noqa: F811
    spec = SynthesisSpec(n=1, hops=(1, 1), types=("factoid",))
    with open_store(str(demo)) as store:
        frame = PathFrame.of(work_items(store, spec, 1)[0][1])
        prompt = PromptTemplate("qa", "qa.v1", "en").render(**frame.context(cot=True))
        backend = OpenAIBackend(Endpoint(base_url=smollm2_server.base_url, model=smollm2_server.model))
        reply = complete_sync(
            backend,
            list(prompt.messages),
            schema=qa_schema(frame, cot=True),
            params=SamplingParams(max_tokens=160),
        )
        draft = LLMDraft.read(reply.parsed) if reply.ok else LLMDraft.read_text(reply.text)
        wrong = next(e.name for e in frame.reference.path.entities if e.name != frame.reference.answer)
        ungrounded = LLMDraft(
            question=draft.question or "Which is it?", reasoning=draft.reasoning, answer=wrong
        )
        sample = frame.sample(ungrounded, made_by="llm:smollm2", cot=True, meta={})
        result = Gate(Checker(store, closed_world=True)).review(frame, ungrounded, sample)
    assert not result.accepted
    assert "answer" in result.buckets


def test_real_llm_second_model_scores_as_a_judge(demo, gemma3_server):  # noqa: F811
    spec = SynthesisSpec(n=1, hops=(1, 1), types=("factoid",))
    with open_store(str(demo)) as store:
        frame = PathFrame.of(work_items(store, spec, 1)[0][1])
    sample = frame.sample(LLMDraft.read(grounded(frame)), made_by="llm:x", cot=True, meta={})
    judge = OpenAIBackend(Endpoint(base_url=gemma3_server.base_url, model=gemma3_server.model))
    judges = Judges([judge], PromptTemplate("judge", "rubric.v1", "en"), max_tokens=120)
    (verdict,) = asyncio.run(judges.score(frame, sample, seed=1))
    assert verdict.judge == "gemma3-270m"
    if verdict.scores is None:  # unreadable: missing, never 0
        assert verdict.reason.startswith("unreadable verdict")
    else:
        assert set(verdict.scores) == {"fluency", "answerability", "difficulty"}
        assert all(1 <= v <= 5 for v in verdict.scores.values())


def test_real_llm_second_model_compares_pairs_in_both_orders(demo, gemma3_server):  # noqa: F811
    spec = SynthesisSpec(n=1, hops=(1, 1), types=("factoid",))
    with open_store(str(demo)) as store:
        frame = PathFrame.of(work_items(store, spec, 1)[0][1])
    reworded = {**grounded(frame), "question": "Tell me: " + grounded(frame)["question"]}
    sample = frame.sample(LLMDraft.read(reworded), made_by="llm:x", cot=True, meta={})
    judge = OpenAIBackend(Endpoint(base_url=gemma3_server.base_url, model=gemma3_server.model))
    judges = Judges(
        [judge],
        PromptTemplate("judge", "rubric.v1", "en"),
        max_tokens=120,
        pairwise=PromptTemplate("judge", "pairwise.v1", "en"),
    )
    (verdict,) = asyncio.run(judges.compare(frame, sample, seed=1))
    # decoding is held to the schema, so both answers are readable choices
    picks = (verdict.llm_first, verdict.llm_second)
    assert (verdict.judge, all(p in ("llm", "reference", "tie") for p in picks)) == ("gemma3-270m", True), (
        verdict.reasons
    )
    assert verdict.outcome in ("llm", "reference", "tie")
