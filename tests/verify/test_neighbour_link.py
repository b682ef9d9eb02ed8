"""Graph-guided linking of names the store lookup missed, relation words no claim reads, paraphrases."""

from __future__ import annotations

import pytest

from kgsynth.model import EntityType, LinkedMention, RelationType, Schema
from kgsynth.verify import check
from kgsynth.verify.link import StoreLinker
from kgsynth.verify.neighbour_link import NeighbourLinker, fold, initials
from kgsynth.verify.place_names import place_expansions
from tests.verify.conftest import found_mention, thing_graph

SCHEMA = Schema(
    name="places",
    entity_types=(EntityType(name="Thing"),),
    relation_types=(
        RelationType(name="almaMater"),
        RelationType(name="nationality"),
        RelationType(name="designer"),
        RelationType(name="mission"),
        RelationType(name="ingredient"),
        RelationType(name="country"),
        RelationType(name="leaderName"),
        RelationType(name="isbnNumber"),
    ),
)
NAMES = {
    "aldrin": "Buzz Aldrin",
    "mit": "Massachusetts Institute of Technology",
    "usa": "United States",
    "memorial": "Baku Turkish Martyrs' Memorial",
    "designers": "Hüseyin Bütüner and Hilmi Güner",
    "apollo12": "Apollo 12",
    "sauce": "Amatriciana sauce",
    "italy": "Italy",
    "tomato": "Tomato",
    "aarhus": "Aarhus",
    "leader": "Jacob Bundsgaard",
}
FACTS = (
    ("aldrin", "almaMater", "mit"),
    ("aldrin", "nationality", "usa"),
    ("memorial", "designer", "designers"),
    ("aldrin", "mission", "apollo12"),
    ("sauce", "country", "italy"),
    ("sauce", "ingredient", "tomato"),
    ("aarhus", "leaderName", "leader"),
)


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    with thing_graph(tmp_path_factory.mktemp("places"), SCHEMA, NAMES, FACTS) as graph:
        yield graph


def _relink(places, sentence: str, anchor: str, other: str) -> tuple[LinkedMention, set[int]]:
    """Link ``other`` (a name the store lookup misses) in a sentence that also names ``anchor``."""
    store, _, _ = places
    linker = StoreLinker(store, SCHEMA)
    mentions = [found_mention(anchor, sentence), found_mention(other, sentence)]
    linked = [linker.link(m) for m in mentions]
    candidates = [linker.resolve(m.type, m.canonical, m.text).candidates for m in mentions]
    dropped = NeighbourLinker(store, linker, {"isbn", "number"}).relink(
        sentence, mentions, linked, candidates
    )
    return linked[1], dropped


@pytest.mark.parametrize(
    ("sentence", "anchor", "other", "entity", "method"),
    [
        ("Buzz Aldrin graduated from MIT.", "Buzz Aldrin", "MIT", "mit", "neighbour:initials"),
        ("Buzz Aldrin was an American.", "Buzz Aldrin", "American", "usa", "neighbour:place"),
        (
            "Baku Turkish Martyrs' Memorial was designed by Hilmi Guner.",
            "Baku Turkish Martyrs' Memorial",
            "Hilmi Guner",
            "designers",
            "neighbour:words",
        ),
    ],
)
def test_neighbour_link_finds_a_neighbour_by_a_shorter_or_other_name(
    places, sentence, anchor, other, entity, method
):
    mention, _ = _relink(places, sentence, anchor, other)
    assert (mention.entity_id, mention.method) == (places[2][entity].id, method)


def test_neighbour_link_keeps_numbers_apart(places):
    mention, _ = _relink(places, "Buzz Aldrin flew on Apollo 8.", "Buzz Aldrin", "Apollo")
    assert mention.entity_id is None


@pytest.mark.parametrize("other", ["first", "ISBN"])
def test_neighbour_link_drops_number_and_relation_words(places, other):
    _, dropped = _relink(places, f"Buzz Aldrin was {other}.", "Buzz Aldrin", other)
    assert dropped == {1}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Atatürk Monument (İzmir)", "ataturk monument izmir"), ("Madrid–Barajas", "madrid barajas")],
)
def test_fold_ignores_accents_case_and_punctuation(name, expected):
    assert fold(name) == expected


def test_initials_of_a_name_skip_small_words():
    assert "MIT" in initials("Massachusetts Institute of Technology, Sc.D. 1963")


def test_place_expansions_replace_a_demonym_or_short_form():
    assert place_expansions("US Navy") == ["United States Navy"]


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("St. Louis", ["Saint Louis"]),
        ("Saint Louis", ["St. Louis"]),
        ("Mt. Hood", ["Mount Hood"]),
        ("St. Paul, Minn.", ["Saint Paul Minnesota"]),
        ("W.Va.", ["West Virginia"]),
        ("Miss Smith", []),  # a state's abbreviation only with its dot
    ],
)
def test_place_expansions_read_dotted_abbreviations_both_ways(text, expanded):
    assert place_expansions(text) == expanded


@pytest.mark.parametrize(
    ("coverage", "status"),
    [("all", "not_fully_supported"), ("mentions", "supported")],
)
def test_claims_relation_word_without_a_claim_blocks_support_under_coverage_all(places, coverage, status):
    store, pipeline, _ = places
    # "Pasta" is no name the graph knows, so "ingredient" is said of something no claim reads.
    [result] = check(
        ["Pasta is an ingredient in Amatriciana sauce from Italy."],
        store,
        pipeline=pipeline,
        coverage=coverage,
    )
    assert result.status == status


def test_claims_paraphrase_of_a_label_word_signals_the_relation(places):
    store, pipeline, _ = places
    [result] = check(["Aarhus is led by Jacob Bundsgaard."], store, pipeline=pipeline, implicit=False)
    assert [(v.claim.predicate, v.status) for v in result.verdicts] == [("leaderName", "supported")]
