"""FactChecker: each verdict kind against a real SQLite store holding a hand-built graph."""

from __future__ import annotations

import pytest

from kgsynth.verify.factcheck import FactChecker
from tests.verify.conftest import SCHEMA, claim, mention

ASPIRIN = mention("aspirin", "Drug:aspirin", 0)
HEADACHE = mention("headache", "Symptom:headache", 15)


@pytest.fixture
def checker(graph) -> FactChecker:
    return FactChecker(graph, SCHEMA)


def test_factcheck_supported_carries_the_triple_and_its_source_document(checker):
    verdict = checker.verify(claim(ASPIRIN, "treats", HEADACHE))
    assert verdict.status == "supported"
    assert [(r.subject, r.predicate, r.object) for r in verdict.evidence] == [
        ("Drug:aspirin", "treats", "Symptom:headache")
    ]
    assert verdict.evidence[0].evidence[0].document_id == "doc:aspirin-leaflet"


def test_factcheck_symmetric_relation_matches_the_reverse_triple(checker):
    stated = claim(ASPIRIN, "interacts_with", mention("warfarin", "Drug:warfarin", 20))
    verdict = checker.verify(stated)
    assert verdict.status == "supported"
    assert verdict.evidence[0].subject == "Drug:warfarin"


def test_factcheck_inverse_relation_matches_the_inverse_triple(checker):
    verdict = checker.verify(claim(HEADACHE, "treated_by", ASPIRIN))
    assert verdict.status == "supported"
    assert verdict.evidence[0].predicate == "treats"
    assert verdict.reason == "held as the inverse treats"


def test_factcheck_functional_property_with_another_object_is_contradicted(checker):
    verdict = checker.verify(claim(ASPIRIN, "belongs_to_class", mention("opioid", "DrugClass:opioid", 20)))
    assert verdict.status == "contradicted"
    assert [r.object for r in verdict.evidence] == ["DrugClass:nsaid"]
    assert "functional" in verdict.reason


@pytest.mark.parametrize(
    ("subject", "object_", "negated", "status"),
    [
        ("Drug:aspirin", "Symptom:headache", True, "contradicted"),  # claim denies a stored fact
        ("Drug:ibuprofen", "Disease:seizure", False, "contradicted"),  # graph stores the negation
        ("Drug:ibuprofen", "Disease:seizure", True, "supported"),  # both say "does not cause"
    ],
)
def test_factcheck_negation_either_way(checker, subject, object_, negated, status):
    predicate = "treats" if object_ == "Symptom:headache" else "causes"
    stated = claim(mention("x", subject, 0), predicate, mention("y", object_, 5), negated=negated)
    verdict = checker.verify(stated)
    assert verdict.status == status
    assert len(verdict.evidence) == 1


def test_factcheck_types_outside_domain_are_contradicted(checker):
    verdict = checker.verify(claim(HEADACHE, "treats", ASPIRIN))
    assert verdict.status == "contradicted"
    assert verdict.reason == "Symptom:headache is a Symptom, but the subject of treats must be Drug"


def test_factcheck_subclass_satisfies_the_domain(checker):
    # causes needs a Chemical; a Drug is one, so an absent fact is merely not in the graph.
    verdict = checker.verify(claim(ASPIRIN, "causes", mention("seizure", "Disease:seizure", 20)))
    assert verdict.status == "not_in_graph"


def test_factcheck_not_in_graph_names_the_relations_that_do_link_the_pair(checker):
    verdict = checker.verify(claim(ASPIRIN, "causes", HEADACHE))
    assert verdict.status == "not_in_graph"
    assert verdict.reason == (
        "no causes fact links Drug:aspirin and Symptom:headache (the graph links them by treats)"
    )


def test_factcheck_unlinkable_names_the_entity(checker):
    verdict = checker.verify(claim(ASPIRIN, "treats", mention("fooitis", None, 15, "Disease")))
    assert verdict.status == "unlinkable"
    assert verdict.reason == 'no graph entity for "fooitis" (Disease)'


def test_factcheck_two_hop_path_supports_a_statement_naming_both_relations(checker):
    stated = claim(
        mention("warfarin", "Drug:warfarin", 0), "treats", mention("migraine", "Disease:migraine", 40)
    )
    verdict = checker.verify(stated, context=frozenset({"treats", "interacts_with"}))
    assert verdict.status == "supported"
    assert [(r.subject, r.predicate, r.object) for r in verdict.evidence] == [
        ("Drug:warfarin", "interacts_with", "Drug:aspirin"),
        ("Drug:aspirin", "treats", "Disease:migraine"),
    ]


def test_factcheck_two_hop_path_needs_the_other_relation_named(checker):
    stated = claim(
        mention("warfarin", "Drug:warfarin", 0), "treats", mention("migraine", "Disease:migraine", 40)
    )
    assert checker.verify(stated, context=frozenset({"treats"})).status == "not_in_graph"
