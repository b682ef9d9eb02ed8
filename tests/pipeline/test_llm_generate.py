"""``llm_generate`` with ``FakeLLM``: regeneration, restart, budget stop, resume, cache, judges, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgsynth.errors import ConfigError, InputError, TemplateError
from kgsynth.generate.prompts import PromptTemplate
from kgsynth.llm import Budget, FakeLLM, ReplyCache
from kgsynth.pipeline.gate import Gate
from kgsynth.pipeline.journal import Journal
from kgsynth.pipeline.judge import Judges, refuse_self_judging
from kgsynth.pipeline.llm_generate import LLMSpec, llm_generate, seed_for
from kgsynth.pipeline.synthesize import SynthesisSpec
from kgsynth.store import GraphStore, open_store
from kgsynth.verify import Checker, check
from tests.pipeline.llm_demo import Echo, build_demo

SYNTH = SynthesisSpec(n=4, hops=(1, 2), types=("factoid", "multihop", "yesno", "mcq"), seed=3)
SPEC = LLMSpec(concurrency=1, retries=1)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Iterator[GraphStore]:
    with open_store(str(build_demo(tmp_path_factory.mktemp("demo")))) as store:
        yield store


@pytest.fixture(scope="module")
def gate(demo_store) -> Gate:
    return Gate(Checker(demo_store, closed_world=True))


def run(store, gate, llm, path: Path, *, spec=SPEC, synth=SYNTH, resume=False, judges=None):
    journal = Journal(path, "fp", resume=resume)
    try:
        return llm_generate(store, synth, spec, llm, gate, journal, judges=judges)
    finally:
        journal.close()


def test_llm_generate_accepts_grounded_replies_that_recheck_as_supported(demo_store, gate, tmp_path):
    llm = FakeLLM(Echo(demo_store, SYNTH, SPEC).script())
    result = run(demo_store, gate, llm, tmp_path / "j.jsonl")
    assert len(result.samples) == 4 and result.complete
    assert [s.made_by for s in result.samples] == ["llm:fake"] * 4
    assert [r.status for r in check(result.samples, demo_store)] == ["supported"] * 4


def test_llm_generate_writes_explanations_whose_passages_recheck_as_supported(demo_store, gate, tmp_path):
    synth = SynthesisSpec(n=3, hops=(1, 3), types=("explanation",), seed=3)
    llm = FakeLLM(Echo(demo_store, synth, SPEC).script())
    result = run(demo_store, gate, llm, tmp_path / "j.jsonl", synth=synth)
    assert [(s.type, s.made_by) for s in result.samples] == [("explanation", "llm:fake")] * 3
    assert [r.status for r in check(result.samples, demo_store)] == ["supported"] * 3
    # stripped of kgsynth's provenance, the question and passage alone still check as supported
    bare = [{"question": s.question, "answer": s.answer} for s in result.samples]
    assert [r.status for r in check(bare, demo_store)] == ["supported"] * 3


def test_llm_generate_records_provenance_on_each_sample(demo_store, gate, tmp_path):
    llm = FakeLLM(Echo(demo_store, SYNTH, SPEC).script())
    sample = run(demo_store, gate, llm, tmp_path / "j.jsonl").samples[0]
    meta = sample.meta
    assert meta["llm.template"] == "qa/en/qa.v1"
    assert meta["llm.attempt"] == "0" and meta["llm.finish_reason"] == "stop"
    assert meta["llm.seed"] == str(seed_for(3, meta["work_item"], 0))
    assert json.loads(meta["llm.params"])["seed"] == int(meta["llm.seed"])
    assert "claims" in json.loads(meta["llm.gate"])["passed"]
    assert {"llm.template_hash", "llm.prompt_hash", "llm.endpoint", "llm.model", "llm.usage"} <= set(meta)


def test_llm_generate_feeds_the_failure_back_then_accepts(demo_store, gate, tmp_path):
    echo = Echo(demo_store, SYNTH, SPEC)
    unanswerable = lambda messages: {**echo(messages), "question": "What is the answer to this question?"}  # noqa: E731
    llm = FakeLLM([unanswerable, *echo.script()])
    result = run(demo_store, gate, llm, tmp_path / "j.jsonl", synth=SYNTH.model_copy(update={"n": 1}))
    assert result.samples[0].meta["llm.attempt"] == "1"
    feedback = llm.calls[1].messages[-1]["content"]
    assert feedback.startswith("That reply was rejected: unanswerable: the question names none of")
    assert result.report.reasons["unanswerable"] == 1


def test_llm_generate_restarts_fresh_after_the_feedback_turns(demo_store, gate, tmp_path):
    echo = Echo(demo_store, SYNTH, SPEC)
    bad = lambda messages: {**echo(messages), "question": "What is the answer to this question?"}  # noqa: E731
    llm = FakeLLM([bad, bad, *echo.script()])
    result = run(demo_store, gate, llm, tmp_path / "j.jsonl", synth=SYNTH.model_copy(update={"n": 1}))
    assert result.samples[0].meta["llm.attempt"] == "2"
    assert len(llm.calls[2].messages) == 2  # the base prompt again, no feedback turns
    assert llm.calls[2].params.seed != llm.calls[0].params.seed


def test_llm_generate_rejects_an_item_out_of_attempts_with_its_reasons(demo_store, gate, tmp_path):
    echo = Echo(demo_store, SYNTH, SPEC)
    leak = lambda messages: {**echo(messages), "question": "What is the answer to this question?"}  # noqa: E731
    spec = LLMSpec(concurrency=1, retries=0, max_items=1)
    result = run(demo_store, gate, FakeLLM([leak]), tmp_path / "j.jsonl", spec=spec, synth=SYNTH)
    assert not result.complete and result.samples == []
    assert result.rejects[0].buckets == ["unanswerable"]
    assert "all 1 work items are done" in result.report.stop_reason


def test_llm_generate_stops_scheduling_at_the_budget(demo_store, gate, tmp_path):
    llm = FakeLLM(Echo(demo_store, SYNTH, SPEC).script(), budget=Budget(max_tokens=1))
    result = run(demo_store, gate, llm, tmp_path / "j.jsonl")
    assert len(llm.calls) == 1
    assert len(result.samples) == 1 and not result.complete
    assert result.report.stop_reason.startswith("token budget reached")


def test_llm_generate_resumes_after_a_crash_without_duplicates_or_losses(demo_store, gate, tmp_path):
    path = tmp_path / "j.jsonl"
    full = run(demo_store, gate, FakeLLM(Echo(demo_store, SYNTH, SPEC).script()), tmp_path / "full.jsonl")
    run(demo_store, gate, FakeLLM(Echo(demo_store, SYNTH, SPEC).script()), path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]) + lines[3][:40], encoding="utf-8")  # killed while writing item 3
    echo = Echo(demo_store, SYNTH, SPEC)
    resumed = run(demo_store, gate, FakeLLM(echo.script()), path, resume=True)
    assert [s.id for s in resumed.samples] == [s.id for s in full.samples]
    assert len(echo.asked) == 2  # only the two items the journal lacked
    items = [json.loads(line).get("item") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(items) == len(set(items)) == 4


def test_llm_generate_refuses_a_journal_of_other_settings(tmp_path):
    Journal(tmp_path / "j.jsonl", "one", resume=False).close()
    with pytest.raises(ConfigError, match="written by a run with other settings"):
        Journal(tmp_path / "j.jsonl", "two", resume=True)


def test_llm_generate_fully_cached_rerun_makes_no_request(demo_store, gate, tmp_path):
    cache = ReplyCache(tmp_path / "cache.db")
    first = FakeLLM(Echo(demo_store, SYNTH, SPEC).script(), cache=cache)
    run(demo_store, gate, first, tmp_path / "a.jsonl")
    again = FakeLLM([], cache=cache)
    result = run(demo_store, gate, again, tmp_path / "b.jsonl")
    assert first.requests == 4 and again.requests == 0
    assert len(result.samples) == 4


def test_llm_generate_keeps_judge_scores_and_treats_unreadable_verdicts_as_missing(
    demo_store, gate, tmp_path
):
    echo = Echo(demo_store, SYNTH, SPEC)
    good = {"fluency": 4, "answerability": 5, "difficulty": 2, "reason": "clear"}
    judge_a, judge_b = (
        FakeLLM([good] * 10, model="judge-a"),
        FakeLLM(["no verdict here"] * 20, model="judge-b"),
    )
    judges = Judges([judge_a, judge_b], PromptTemplate("judge", "rubric.v1", "en"))
    synth = SYNTH.model_copy(update={"n": 1})
    result = run(demo_store, gate, FakeLLM(echo.script()), tmp_path / "j.jsonl", synth=synth, judges=judges)
    scores = json.loads(result.samples[0].meta["llm.judges"])
    assert scores[0] == {"judge": "judge-a", **good}
    assert scores[1]["missing"] is True and "fluency" not in scores[1]


def test_llm_generate_min_score_rejects_low_scores_only(demo_store, gate, tmp_path):
    echo = Echo(demo_store, SYNTH, SPEC)
    low = {"fluency": 1, "answerability": 2, "difficulty": 1, "reason": "stiff"}
    judges = Judges([FakeLLM([low] * 10, model="judge-a")], PromptTemplate("judge", "rubric.v1", "en"))
    spec = LLMSpec(concurrency=1, retries=0, max_items=1, min_score=3)
    result = run(demo_store, gate, FakeLLM(echo.script()), tmp_path / "j.jsonl", spec=spec, judges=judges)
    assert result.rejects[0].buckets == ["judge"]
    assert result.rejects[0].reasons == ["judge: judge-a scored 1.5 < --min-score 3"]


GOOD = {"fluency": 4, "answerability": 5, "difficulty": 2, "reason": "clear"}


def _pairwise_run(demo_store, gate, tmp_path, *picks):
    """One item, reworded, judged by one judge whose pairwise replies are ``picks`` in order.

    The first comparison shows the LLM sample as pair A, the second as pair B.
    """
    echo = Echo(
        demo_store, SYNTH, SPEC, change=lambda reply, frame: {**reply, "question": "So, " + reply["question"]}
    )
    replies = [p if isinstance(p, str) and len(p) > 3 else {"better": p, "reason": "r"} for p in picks]
    judge = FakeLLM([GOOD, *replies], model="judge-a")
    judges = Judges(
        [judge],
        PromptTemplate("judge", "rubric.v1", "en"),
        pairwise=PromptTemplate("judge", "pairwise.v1", "en"),
    )
    spec = LLMSpec(concurrency=1, retries=0, max_items=1, pairwise=True)
    result = run(demo_store, gate, FakeLLM(echo.script()), tmp_path / "j.jsonl", spec=spec, judges=judges)
    return result, judge


@pytest.mark.parametrize(
    ("picks", "outcome"),
    [
        (("A", "B"), "llm"),
        (("A", "A"), "tie"),
        (("tie", "tie"), "tie"),
        (("A", "no verdict here", "no verdict here"), "missing"),
    ],
)
def test_pairwise_judging_keeps_a_sample_unless_the_template_wins_both_orders(
    demo_store, gate, tmp_path, picks, outcome
):
    result, judge = _pairwise_run(demo_store, gate, tmp_path, *picks)
    verdict = json.loads(result.samples[0].meta["llm.pairwise"])[0]
    assert (verdict["judge"], verdict["outcome"]) == ("judge-a", outcome)
    # the first comparison shows the LLM sample (its question starts "So, ") as A, the second as B
    sample = result.samples[0].question
    first, second = (call.messages[-1]["content"] for call in judge.calls[1:3])
    assert first.index(sample) < first.index("Pair B") and second.index(sample) > second.index("Pair B")


def test_pairwise_judging_rejects_when_the_template_wins_both_orders(demo_store, gate, tmp_path):
    result, _ = _pairwise_run(demo_store, gate, tmp_path, "B", "A")
    assert (result.samples, result.rejects[0].buckets) == ([], ["judge"])
    assert result.rejects[0].reasons == ["judge: judge-a preferred the template sample in both orders"]


def test_pairwise_needs_a_judge(demo_store, gate, tmp_path):
    with pytest.raises(ConfigError, match="--pairwise needs at least one --judge"):
        run(demo_store, gate, FakeLLM([]), tmp_path / "j.jsonl", spec=LLMSpec(pairwise=True))


def test_judges_must_be_another_model():
    with pytest.raises(ConfigError, match='--judge model "fake" is the generator\'s model'):
        refuse_self_judging(FakeLLM(model="fake"), [FakeLLM(model="fake")])


def test_llm_generate_refuses_a_few_shot_file_that_is_not_jsonl(demo_store, gate, tmp_path):
    shots = tmp_path / "shots.jsonl"
    shots.write_text('{"question": "Q?", "answer": "A"}\nnot json\n', encoding="utf-8")
    spec = LLMSpec(few_shot=str(shots), shots=1)
    with pytest.raises(InputError, match=r"shots.jsonl, line 2: not JSONL \(Expecting value, column 1\)"):
        run(demo_store, gate, FakeLLM([]), tmp_path / "j.jsonl", spec=spec)


def test_llm_generate_puts_few_shot_examples_of_the_type_in_the_prompt(demo_store, gate, tmp_path):
    shots = tmp_path / "shots.jsonl"
    shots.write_text('{"type": "factoid", "question": "Which drug treats gout?", "answer": "allopurinol"}\n')
    llm = FakeLLM(Echo(demo_store, SYNTH, SPEC).script())
    run(
        demo_store, gate, llm, tmp_path / "j.jsonl", spec=LLMSpec(few_shot=str(shots), shots=1, concurrency=1)
    )
    prompts = {call.messages[1]["content"] for call in llm.calls}
    assert sum("Which drug treats gout?" in p for p in prompts) == 1  # one factoid item of four


def test_llm_generate_names_an_undefined_template_variable(demo_store, gate, tmp_path):
    (tmp_path / "pack" / "en").mkdir(parents=True)
    (tmp_path / "pack" / "en" / "qa.v1.j2").write_text(
        "{% block system %}s{% endblock %}{% block user %}{{ no_such_thing }}{% endblock %}", encoding="utf-8"
    )
    spec = LLMSpec(prompts_dir=str(tmp_path / "pack"))
    with pytest.raises(TemplateError, match=r"qa\.v1\.j2 \(block user\): 'no_such_thing' is undefined"):
        run(demo_store, gate, FakeLLM([]), tmp_path / "j.jsonl", spec=spec)
