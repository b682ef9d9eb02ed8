"""Names of the text's graph neighbours found where the pipeline found none; sentences that name nothing."""

from __future__ import annotations

import pytest

from kgsynth.model import EntityType, RelationType, Schema
from kgsynth.verify import check
from kgsynth.verify.neighbour_find import find_neighbour_names, name_words
from tests.verify.conftest import found_mention, thing_graph

SCHEMA = Schema(
    name="dishes",
    entity_types=(EntityType(name="Thing"),),
    relation_types=(
        RelationType(name="mainIngredients", label="main ingredients"),
        RelationType(name="mediaType", label="media type"),
        RelationType(name="author"),
        RelationType(name="officialColour", label="official colour"),
    ),
)
NAMES = {
    "dish": "Ajoblanco",
    "list": "Bread, almonds, garlic, water, olive oil",
    "book": "The Ram Rebellion",
    "cover": "E-book",
    "writer": "Eric Flint",
}
FACTS = (("dish", "mainIngredients", "list"), ("book", "mediaType", "cover"), ("book", "author", "writer"))


def _names(entity: str) -> tuple[str, ...]:
    return {"a": ("Olive oil",), "b": ("Bread, almonds & olive oil",), "c": ("Garlic",), "d": ("Hardcover",)}[
        entity
    ]


@pytest.fixture(scope="module")
def dishes(tmp_path_factory):
    with thing_graph(tmp_path_factory.mktemp("dishes"), SCHEMA, NAMES, FACTS) as graph:
        yield graph


def test_name_words_ignore_case_accents_punctuation_and_and():
    assert name_words("Bread, Almonds & Güner and oil") == ("bread", "almonds", "guner", "oil")


def test_find_neighbour_names_matches_a_list_written_with_and_and_encloses_its_parts():
    sentence = "It holds bread, almonds and olive oil."
    [found] = find_neighbour_names(sentence, [found_mention("olive oil", sentence)], ["a", "b"], _names)
    assert (sentence[found.start : found.end], found.entity_id, found.enclosed) == (
        "bread, almonds and olive oil",
        "b",
        (0,),
    )


def test_find_neighbour_names_never_cuts_through_a_mention():
    sentence = "It holds bread, almonds and olive oil sauce."
    # "olive oil sauce" overlaps the list only in part: the list is not taken.
    assert find_neighbour_names(sentence, [found_mention("olive oil sauce", sentence)], ["b"], _names) == []


@pytest.mark.parametrize(
    ("ignored", "expected"),
    [(frozenset(), ["garlic"]), (frozenset({"garlic"}), [])],
)
def test_find_neighbour_names_skips_relation_words(ignored, expected):
    sentence = "Add garlic."
    found = find_neighbour_names(sentence, [], ["c"], _names, ignored)
    assert [sentence[f.start : f.end] for f in found] == expected


def test_find_neighbour_names_leaves_a_name_the_pipeline_already_found():
    sentence = "It comes in Hardcover."
    assert find_neighbour_names(sentence, [found_mention("Hardcover", sentence)], ["d"], _names) == []


@pytest.mark.parametrize(
    "text",
    [
        "The main ingredients of Ajoblanco are bread, almonds, garlic, water and olive oil.",
        "The Ram Rebellion is available as an E book.",
    ],
)
def test_check_supports_a_text_once_a_neighbour_name_is_found(dishes, text):
    store, pipeline, _ = dishes
    [result] = check([text], store, pipeline=pipeline)
    assert result.status == "supported", result.reason
    assert any(v.claim.object.method == "neighbour:found" for v in result.verdicts)


def test_check_a_lower_case_name_that_is_no_neighbour_stays_unread(dishes):
    store, pipeline, _ = dishes
    # "paperback" is no entity next to The Ram Rebellion: "media" stays unexplained.
    [result] = check(["The Ram Rebellion has the media type paperback."], store, pipeline=pipeline)
    assert result.status == "not_fully_supported"


def test_check_relation_words_of_a_sentence_that_names_nothing_block_support(dishes):
    store, pipeline, _ = dishes
    text = "The Ram Rebellion was written by Eric Flint. Its official colour is blue."
    [result] = check([text], store, pipeline=pipeline)
    assert result.status == "not_fully_supported"
    assert '"official colour"' in result.reason or '"official"' in result.reason


def test_name_words_read_initials_with_and_without_dots_alike():
    assert name_words("T. S. Thakur") == name_words("TS Thakur") == ("ts", "thakur")


def _titles(entity: str) -> tuple[str, ...]:
    return {
        "pm": ("Prime Minister of Azerbaijan",),
        "az": ("Azerbaijan",),
        "club": ("Drogheda United F.C.",),
    }[entity]


@pytest.mark.parametrize(("anchors", "expected"), [(["az"], ["Prime Minister"]), ([], [])])
def test_find_neighbour_names_reads_a_title_of_an_anchor_by_its_head(anchors, expected):
    sentence = "Its leader is the Prime Minister."
    found = find_neighbour_names(sentence, [], ["pm"], _titles, anchors=anchors)
    assert [sentence[f.start : f.end] for f in found] == expected


@pytest.mark.parametrize(("unlinked", "expected"), [(frozenset({0}), [(0,)]), (frozenset(), [])])
def test_find_neighbour_names_may_cut_through_an_unlinked_mention(unlinked, expected):
    sentence = "He plays for Drogheda United F.C. now."
    mention = found_mention("F.C. now", sentence)
    found = find_neighbour_names(sentence, [mention], ["club"], _titles, unlinked=unlinked)
    assert [f.enclosed for f in found] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Maryland's Carrol County lies south.", ["Carrol County"]),  # one letter short
        ("Maryland's Karroll Countx lies south.", ["Karroll Countx"]),  # one letter wrong in each word
        ("Maryland's Carl County lies south.", []),  # two letters short
    ],
)
def test_find_neighbour_names_forgives_one_wrong_letter_in_a_long_word(sentence, expected):
    found = find_neighbour_names(sentence, [], ["carroll"], lambda _: ("Carroll County",))
    assert [sentence[f.start : f.end] for f in found] == expected
