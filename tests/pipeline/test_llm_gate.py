"""The grounding gate: every bucket has a sample it must reject, and the grounded sample is accepted.

Each case starts from the reply a perfect model would give for a real work item of the demo
graph and changes one thing, so the rejection asserted is caused by that change alone.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kgsynth.generate.prompted import LLMDraft, PathFrame
from kgsynth.generate.response_schema import qa_schema
from kgsynth.llm import Reply, Usage
from kgsynth.pipeline.gate import Gate, draft_of
from kgsynth.pipeline.llm_generate import work_items
from kgsynth.pipeline.synthesize import SynthesisSpec
from kgsynth.store import GraphStore, open_store
from kgsynth.verify import Checker
from tests.pipeline.llm_demo import build_demo, grounded


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Iterator[GraphStore]:
    with open_store(str(build_demo(tmp_path_factory.mktemp("demo")))) as store:
        yield store


@pytest.fixture(scope="module")
def frames(demo_store) -> dict[str, PathFrame]:
    """The first work item of each type (multi-hop with 2 hops) as frames."""
    spec = SynthesisSpec(n=20, hops=(1, 2), types=("factoid", "multihop", "yesno", "mcq", "explanation"))
    found: dict[str, PathFrame] = {}
    for _, sample in work_items(demo_store, spec, 16):
        found.setdefault(sample.type, PathFrame.of(sample))
    return found


@pytest.fixture(scope="module")
def gate(demo_store) -> Gate:
    return Gate(Checker(demo_store, closed_world=True))


def review(gate: Gate, frame: PathFrame, reply: dict):
    draft = LLMDraft.read(reply)
    sample = frame.sample(draft, made_by="llm:test", cot=True, meta={})
    return gate.review(frame, draft, sample)


@pytest.mark.parametrize("type_name", ["factoid", "multihop", "yesno", "mcq", "explanation"])
def test_gate_accepts_the_grounded_reply(gate, frames, type_name):
    result = review(gate, frames[type_name], grounded(frames[type_name]))
    assert result.accepted, result.summary()
    assert result.claims["qa"] == "supported"


def _other_entity(frame: PathFrame) -> str:
    return next(e.name for e in frame.reference.path.entities if e.name != frame.reference.answer)


def _first_fact(reply: dict, frame: PathFrame) -> dict:
    return {**reply, "reasoning": reply["reasoning"][:1]}


def _false_step(reply: dict, frame: PathFrame) -> dict:
    fact = frame.facts[0]
    text = f"{fact.subject} does not {fact.relation.split()[0]} {fact.object}."
    return {**reply, "reasoning": [{"fact": fact.id, "text": text}, *reply["reasoning"][1:]]}


CASES = [
    ("factoid", "format", lambda r, f: {k: v for k, v in r.items() if k != "answer"}),
    (
        "factoid",
        "citation",
        lambda r, f: {**r, "reasoning": [{"fact": "F9", "text": r["reasoning"][0]["text"]}]},
    ),
    ("factoid", "citation", lambda r, f: {**r, "reasoning": [{"fact": "F1", "text": "This is well known."}]}),
    ("multihop", "chain", _first_fact),
    ("factoid", "answer", lambda r, f: {**r, "answer": _other_entity(f)}),
    ("yesno", "label", lambda r, f: {**r, "answer": "No" if r["answer"] == "Yes" else "Yes"}),
    ("mcq", "label", lambda r, f: {**r, "answer": next(o for o in f.options if o != r["answer"])}),
    ("factoid", "unanswerable", lambda r, f: {**r, "question": "What is the answer to this question?"}),
    ("factoid", "leak", lambda r, f: {**r, "question": f"{r['question'].rstrip('?')}, {r['answer']}?"}),
    ("factoid", "claims", _false_step),
]


@pytest.mark.parametrize(("type_name", "bucket", "change"), CASES, ids=[f"{t}-{b}" for t, b, _ in CASES])
def test_gate_rejects_into_the_named_bucket(gate, frames, type_name, bucket, change):
    frame = frames[type_name]
    result = review(gate, frame, change(grounded(frame), frame))
    assert not result.accepted
    assert bucket in result.buckets, result.summary()


def test_gate_puts_a_truncated_reply_in_format(gate, frames):
    frame = frames["factoid"]
    reply = Reply(
        text='{"question": "Which', finish_reason="length", usage=Usage(), attempts=1, latency=0.0,
        model="m", failure="length", failure_detail="cut at max_tokens",
    )  # fmt: skip
    draft = draft_of(reply)
    result = gate.review(frame, draft, frame.sample(draft, made_by="llm:m", cot=True, meta={}), reply)
    assert result.buckets == ("format",)


def test_gate_reads_a_reply_that_broke_the_schema_to_name_the_rule(gate, frames):
    frame = frames["factoid"]
    reply_value = {**grounded(frame), "reasoning": [{"fact": "F7", "text": "x"}]}
    import json

    reply = Reply(
        text=json.dumps(reply_value), finish_reason="stop", usage=Usage(), attempts=1, latency=0.0,
        model="m", failure="schema", failure_detail="$.reasoning[0].fact: 'F7' is not one of ['F1']",
    )  # fmt: skip
    draft = draft_of(reply)
    result = gate.review(frame, draft, frame.sample(draft, made_by="llm:m", cot=True, meta={}), reply)
    assert result.buckets[0] == "citation"


# --------------------------------------------------------------------------- explanations


@pytest.fixture(scope="module")
def explanation(demo_store) -> PathFrame:
    """A two-hop explanation: its passage must state both facts."""
    spec = SynthesisSpec(n=4, hops=(2, 2), types=("explanation",))
    return next(PathFrame.of(sample) for _, sample in work_items(demo_store, spec, 4))


def test_explanation_reply_schema_takes_a_bounded_passage_not_an_enum(explanation):
    answer = qa_schema(explanation, cot=True)["properties"]["answer"]
    assert ("enum" in answer, answer["maxLength"] > 100, explanation.answers) == (False, True, ())


def test_gate_accepts_an_explanation_reworded_as_one_sentence(gate, explanation):
    reply = grounded(explanation)
    # The reference passage reads "A <r1> B. C <r2> B." or the like; one sentence joined by "and"
    # still states both facts, which is all the gate asks.
    sentences = [step["text"].rstrip(".") for step in reply["reasoning"]]
    passage = f"{sentences[0]}, and {sentences[1][0].lower() + sentences[1][1:]}."
    result = review(gate, explanation, {**reply, "answer": passage})
    assert result.accepted, (passage, result.summary())


def test_gate_rejects_an_explanation_that_leaves_a_fact_out(gate, explanation):
    reply = grounded(explanation)
    result = review(gate, explanation, {**reply, "answer": reply["reasoning"][0]["text"] + " That is all."})
    assert [str(r) for r in result.rejections] == ["answer: the passage does not state F2"]


def test_gate_rejects_an_explanation_adding_a_false_fact(gate, explanation):
    reply = grounded(explanation)
    fact = explanation.facts[0]
    false = f" {fact.subject} does not {fact.relation.split()[0]} {fact.object}."
    result = review(gate, explanation, {**reply, "answer": reply["answer"] + false})
    assert result.buckets == ("claims",), result.summary()
