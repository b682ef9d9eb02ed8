"""Wording of multi-hop chains in the generic pack (multihop.v2, yesno.v2): short sentences.

Version 1 described a chain's end by nesting relative clauses ("a disease that a drug that a
drug that myalgia is an adverse effect of interacts with causes"), which readers cannot parse.
Version 2 states each fact but the last as its own sentence, with intermediates unnamed ("a
certain drug", then "that drug"), and asks about the last fact only.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from kgsynth.generate import SampleFactory
from kgsynth.model import Sample
from tests.generate.graphs import legal, medical, untyped

GRAPHS = {"medical": medical, "legal": legal, "untyped": untyped}

#: A relative clause whose body holds an indefinite noun phrase with its own relative clause:
#: "a disease that a drug that ...", "a drug that treats a disease that has ...".
NESTED = re.compile(
    r"\b(?:that|which|whose)\b[^.?]*?\ban? (?:[\w-]+ ){1,3}?(?:that|which|whose)\b", re.IGNORECASE
)


@cache
def _generic_questions(graph: str, type_name: str, hops: int) -> tuple[tuple[Sample, frozenset[str]], ...]:
    """Generic-pack English questions on chains of ``hops`` hops, with the type labels they may use."""
    fixture = GRAPHS[graph]()
    made = []
    for seed in range(3):
        factory = SampleFactory(fixture.graph, seed=seed)
        for path in fixture.chains(max_hops=3):
            if path.hops != hops:
                continue
            sample = factory.make(path, type_name)
            if sample is not None and sample.made_by.startswith("template:generic/"):
                labels = frozenset(factory.vocabulary.type_label(e.type) for e in path.entities)
                made.append((sample, labels))
    return tuple(made)


def _without_names(sample: Sample, labels: frozenset[str]) -> str:
    """The question with entity names and back-references ("that drug") replaced by placeholders.

    Names may hold "." ("Smith v. Jones") and "that drug" is a determiner, not a relative clause.
    """
    text = sample.question
    for entity in sorted(sample.path.entities, key=lambda e: -len(e.name)):
        text = text.replace(entity.name, "NAME")
    words = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.sub(rf"\b(?:that|this|the second|the third) (?:{words})\b", "REF", text, flags=re.IGNORECASE)


@pytest.mark.parametrize("hops", [2, 3])
@pytest.mark.parametrize("type_name", ["multihop", "yesno"])
@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_generic_chain_question_has_no_nested_relative_clause(graph: str, type_name: str, hops: int) -> None:
    made = _generic_questions(graph, type_name, hops)
    assert made, f"no {hops}-hop {type_name} sample from the generic pack on the {graph} fixture"
    for sample, labels in made:
        assert not NESTED.search(_without_names(sample, labels)), sample.question


@pytest.mark.parametrize("hops", [2, 3])
@pytest.mark.parametrize("type_name", ["multihop", "yesno"])
@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_generic_chain_question_has_one_sentence_per_hop(graph: str, type_name: str, hops: int) -> None:
    for sample, labels in _generic_questions(graph, type_name, hops):
        sentences = re.findall(r"[^.?]+[.?]", _without_names(sample, labels))
        assert len(sentences) == hops, sample.question


@pytest.mark.parametrize("seed", range(4))
def test_generic_multihop_question_tells_a_drug_chain_as_sentences(seed: int) -> None:
    fixture = medical()
    path = fixture.chain("lisinopril", "ibuprofen", "warfarin", "aspirin")  # interacts_with, 3 times
    sample = SampleFactory(fixture.graph, pack="generic", seed=seed).make(path, "multihop")
    assert sample is not None
    that = "Lisinopril interacts with a certain drug. That drug interacts with a second drug."
    this = "Lisinopril interacts with a certain drug. This drug interacts with a second drug."
    assert sample.question in {
        f"{that} Which drug does the second drug interact with?",
        f"{that} Name one drug which the second drug interacts with.",
        f"{this} Name a drug that the second drug interacts with.",
    }
