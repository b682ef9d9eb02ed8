"""Samples for the export tests: every question type, both languages, with and without evidence."""

from __future__ import annotations

import pytest

from kgsynth.generate import QUESTION_TYPES, SampleFactory
from kgsynth.model import Relation, Sample
from kgsynth.store.snapshot import GraphSnapshot
from tests.generate.graphs import Fixture, medical, untyped


def make_samples(fixture: Fixture, language: str = "en", seed: int = 0) -> list[Sample]:
    factory = SampleFactory(fixture.graph, language=language, seed=seed)
    made = []
    for type_name in QUESTION_TYPES:
        for path in fixture.chains(max_hops=2, limit=120):
            sample = factory.make(path, type_name)
            if sample is not None:
                made.append(sample)
    return made


def without_evidence(fixture: Fixture) -> Fixture:
    """The same graph as if imported from RDF: relations asserted, with no evidence."""
    bare = [Relation(subject=r.subject, predicate=r.predicate, object=r.object) for r in fixture.relations]
    graph = GraphSnapshot.from_graph(fixture.entities.values(), bare, schema=fixture.graph.schema)
    return Fixture(fixture.entities, bare, graph, fixture.symmetric)


@pytest.fixture(scope="session")
def med_fixture() -> Fixture:
    return medical()


@pytest.fixture(scope="session")
def mixed_samples(med_fixture: Fixture) -> list[Sample]:
    """English and Chinese samples; some relations with evidence, some without (an RDF import)."""
    return (
        make_samples(med_fixture)
        + make_samples(without_evidence(untyped()))
        + make_samples(med_fixture, language="zh")
    )
