"""Relations: pattern families, coordination, domain/range, co-occurrence, negation, hedging."""

from __future__ import annotations

import pytest

from kgsynth.nlp import ExtractionPipeline

from .conftest import relation_view


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Aspirin is indicated for headache.",
            ("Aspirin", "treats", "headache", False, False, "pattern:treats:is_indicated_for"),
        ),
        (
            "Aspirin (ASA) is indicated for the treatment of headache.",
            ("Aspirin", "treats", "headache", False, False, "pattern:treats:is_indicated_for"),
        ),
        (
            "Warfarin-induced seizures were seen.",
            ("Warfarin", "causes", "seizures", False, False, "pattern:causes:x_induced_y"),
        ),
        (
            "Acme Corp. shall pay $5,000 to the bank.",
            ("Acme Corp.", "pays", "$5,000", False, False, "pattern:pays:party_shall_pay"),
        ),
        (
            "This Agreement shall be governed by and construed in accordance with "
            "the laws of the State of Delaware.",
            (
                "Agreement",
                "governed_by",
                "State of Delaware",
                False,
                False,
                "pattern:governed_by:governed_by_the_laws_of",
            ),
        ),
    ],
)
def test_pattern_families_read_their_relation(
    blank_pipeline: ExtractionPipeline, text: str, expected: tuple
) -> None:
    assert expected in relation_view(blank_pipeline.extract_one(text))


def test_pattern_extends_over_coordinated_objects(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("Warfarin often causes seizures, headache and peptic ulcer.")
    assert [(s, o) for s, p, o, *_ in relation_view(facts) if p == "causes"] == [
        ("Warfarin", "seizures"),
        ("Warfarin", "headache"),
        ("Warfarin", "peptic ulcer"),
    ]


def test_domain_and_range_reject_a_wrong_type_pair(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("Hypertension-induced seizures were seen.")
    assert [m.type for m in facts.mentions] == ["Disease", "Disease"]
    assert facts.relations == ()


def test_cooccurrence_needs_a_trigger_word(blank_pipeline: ExtractionPipeline) -> None:
    assert relation_view(blank_pipeline.extract_one("Aspirin and headache were noted.")) == []


def test_cooccurrence_gives_a_lower_confidence_relation(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("Aspirin often relieves a tension headache.")
    assert [(r.rule, r.confidence) for r in facts.relations] == [("cooccurrence:treats", 0.3)]


def test_directed_cooccurrence_needs_the_trigger_between_the_mentions(
    blank_pipeline: ExtractionPipeline,
) -> None:
    assert relation_view(blank_pipeline.extract_one("Relieves nothing: aspirin, headache.")) == []


def test_symmetric_cooccurrence_gives_one_relation_per_pair(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("An interaction of warfarin with propranolol was seen.")
    assert [(s, p, o) for s, p, o, *_ in relation_view(facts)] == [
        ("warfarin", "interacts_with", "propranolol")
    ]


@pytest.mark.parametrize(
    ("text", "negated", "hedged"),
    [
        ("There is no evidence that warfarin causes seizures.", True, False),
        ("Warfarin did not cause seizures.", True, False),
        ("Warfarin may cause seizures.", False, True),
        ("These data suggest that warfarin causes seizures.", False, True),
        ("Warfarin causes seizures.", False, False),
        ("No rash was seen, but warfarin causes seizures.", False, False),
        ("Warfarin-induced seizures were not observed.", True, False),
    ],
)
def test_negation_and_hedging_cues_set_the_flags(
    blank_pipeline: ExtractionPipeline, text: str, negated: bool, hedged: bool
) -> None:
    [relation] = blank_pipeline.extract_one(text).relations
    assert (relation.predicate, relation.negated, relation.hedged) == ("causes", negated, hedged)


def test_shall_not_negates_an_obligation(blank_pipeline: ExtractionPipeline) -> None:
    assert relation_view(blank_pipeline.extract_one("Acme Corp. shall not pay $10.")) == [
        ("Acme Corp.", "pays", "$10", True, False, "pattern:pays:party_shall_pay")
    ]


def test_a_cue_the_pattern_requires_does_not_negate(blank_pipeline: ExtractionPipeline) -> None:
    assert relation_view(blank_pipeline.extract_one("Aspirin should not be combined with warfarin.")) == [
        (
            "Aspirin",
            "interacts_with",
            "warfarin",
            False,
            False,
            "pattern:interacts_with:x_not_combined_with_y",
        )
    ]


def test_relation_sentence_offsets_cover_the_sentence(blank_pipeline: ExtractionPipeline) -> None:
    text = "Nothing here. Warfarin causes seizures."
    [relation] = blank_pipeline.extract_one(text).relations
    assert text[relation.sentence_start : relation.sentence_end] == "Warfarin causes seizures."


def test_cooccurrence_does_not_retype_a_pair_a_pattern_read(blank_pipeline: ExtractionPipeline) -> None:
    text = "Aspirin is indicated for headache. Later aspirin induced headache in one case."
    assert [(s, p, o) for s, p, o, *_ in relation_view(blank_pipeline.extract_one(text))] == [
        ("Aspirin", "treats", "headache")
    ]


def test_cooccurrence_reads_the_pair_without_a_pattern(blank_pipeline: ExtractionPipeline) -> None:
    text = "Later aspirin induced headache in one case."
    assert [(s, p, o) for s, p, o, *_ in relation_view(blank_pipeline.extract_one(text))] == [
        ("aspirin", "causes", "headache")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The interaction of aspirin with warfarin has not been studied.",
        "The interaction of aspirin with warfarin was not formally evaluated.",
    ],
)
def test_not_studied_hedges_instead_of_negating(blank_pipeline: ExtractionPipeline, text: str) -> None:
    assert [(r.negated, r.hedged) for r in blank_pipeline.extract_one(text).relations] == [(False, True)]


def test_a_negation_cue_inside_a_name_does_not_negate(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("Aspirin treats migraine without aura.")
    assert (
        "Aspirin",
        "treats",
        "migraine without aura",
        False,
        False,
        "cooccurrence:treats",
    ) in relation_view(facts)
