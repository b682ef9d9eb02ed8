"""Explanation samples: a question naming the two ends of a chain, answered by a passage of its facts."""

from __future__ import annotations

from kgsynth.generate import SampleFactory
from kgsynth.model import Relation
from tests.generate.graphs import medical

FIXTURE = medical()


def test_explanation_passage_states_every_fact_of_the_chain_in_order() -> None:
    factory = SampleFactory(FIXTURE.graph, pack="medical", seed=3)
    sample = factory.make(FIXTURE.chain("lisinopril", "hypertension", "headache"), "explanation")
    assert sample is not None
    assert sample.answer == "Lisinopril treats hypertension. Headache is a symptom of hypertension."
    assert ("lisinopril" in sample.question, "headache" in sample.question.casefold()) == (True, True)
    checked = [(c.subject, c.predicate, c.object, c.expect) for c in sample.checks]
    assert checked == [(r.subject, r.predicate, r.object, "holds") for r in sample.path.relations]
    assert (sample.hops, sample.type, sample.choices) == (2, "explanation", ())


def test_chinese_explanation_joins_sentences_without_spaces() -> None:
    factory = SampleFactory(FIXTURE.graph, pack="medical", language="zh", seed=3)
    sample = factory.make(FIXTURE.chain("lisinopril", "hypertension", "headache"), "explanation")
    assert sample is not None
    sentences = [step.text for step in sample.reasoning]
    assert (len(sentences), sample.answer) == (2, sentences[0] + sentences[1])
    assert sample.answer.count("。") == 2 and " " not in sample.answer.replace("ACE inhibitor", "")


def test_explanation_skips_a_path_of_four_hops() -> None:
    factory = SampleFactory(FIXTURE.graph, pack="medical")
    path = FIXTURE.chain("aspirin", "migraine", "headache", "influenza", "fever")
    assert factory.make(path, "explanation") is None
    assert factory.skipped == {"explanation: needs 1-3 hops, path has 4": 1}


def test_explanation_skips_a_path_through_a_negated_fact() -> None:
    path = FIXTURE.chain("aspirin", "migraine")
    negated = Relation(**{**path.relations[0].model_dump(), "negated": True})
    factory = SampleFactory(FIXTURE.graph, pack="medical")
    made = factory.make(path.model_copy(update={"relations": (negated,)}), "explanation")
    assert (made, dict(factory.skipped)) == (None, {"explanation: path has a negated fact": 1})
