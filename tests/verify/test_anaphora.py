"""Definite references ("the country's leader"), units after numbers, and spent co-occurrence words."""

from __future__ import annotations

import pytest

from kgsynth.model import Entity, EntityType, GraphBatch, Relation, RelationType, Schema
from kgsynth.nlp import build_pipeline
from kgsynth.store import open_store
from kgsynth.verify import check
from kgsynth.verify.anaphora import Reference, definite_references, resolve_reference
from kgsynth.verify.store_names import write_store_lexicon


def _blank(sentence: str, *names: str) -> tuple[str, set[int]]:
    """The sentence with ``names`` blanked as ``sentences.masked`` does, and where they start."""
    starts = set()
    for name in names:
        start = sentence.index(name)
        starts.add(start)
        sentence = sentence[:start] + " " * len(name) + sentence[start + len(name) :]
    return sentence, starts


@pytest.mark.parametrize(
    ("sentence", "names", "nouns"),
    [
        ("The country's Prime Minister is Klaus Iohannis.", ("Klaus Iohannis",), ["country"]),
        ("The memorial was designed by Hilmi Guner.", ("Hilmi Guner",), ["memorial"]),
        ("That book comes from Ireland.", ("Ireland",), ["book"]),
        ("Izmir is located in the country.", ("Izmir",), ["country"]),
        ("The capital of Romania is Bucharest.", ("Romania", "Bucharest"), []),  # "of": a relation
        ("The currency is the Sri Lankan Rupee.", ("Sri Lankan Rupee",), []),  # states a value
        ("One of the rivers is the Ganges.", ("Ganges",), []),  # plural
        ("The same is true of Aarhus.", ("Aarhus",), []),  # no kind of thing
    ],
)
def test_definite_references_find_noun_phrases_that_point_back(sentence, names, nouns):
    plain, starts = _blank(sentence, *names)
    assert [r.noun for r in definite_references(plain, 0, starts)] == nouns


def test_definite_references_offsets_are_the_texts():
    [reference] = definite_references("The school was founded.", 100)
    assert (reference.start, reference.end) == (104, 110)


@pytest.mark.parametrize(
    ("noun", "related", "expected"),
    [
        ("memorial", set(), "memorial"),  # the name says it, even when the graph relates nothing
        ("country", {"romania"}, "romania"),  # else the one the graph relates to this sentence
        ("country", set(), None),  # else nothing
    ],
)
def test_resolve_reference_prefers_the_name_then_the_graph(noun, related, expected):
    names = {
        "university": ("1 Decembrie 1918 University",),
        "romania": ("Romania",),
        "memorial": ("Baku Memorial",),
    }
    found = resolve_reference(
        Reference(0, len(noun), noun),
        ["university", "romania", "memorial"],
        names.__getitem__,
        related.__contains__,
    )
    assert found == expected


@pytest.fixture
def places(tmp_path):
    """A DBpedia-like graph: a university in Romania, Romania's leader, a city's parts and a runway."""
    schema = Schema(
        name="places",
        entity_types=(EntityType(name="Thing"),),
        relation_types=(
            RelationType(name="country"),
            RelationType(name="leaderName"),
            RelationType(name="isPartOf", label="is part of", synonyms=("part of",)),
            RelationType(name="runwayLength"),
            RelationType(name="elevation_in_metres"),
        ),
    )
    names = ("1 Decembrie 1918 University", "Romania", "Klaus Iohannis", "Abilene", "Taylor County")
    university, romania, leader, abilene, county = (Entity.make("Thing", n) for n in names)
    states, airport, length = (Entity.make("Thing", n) for n in ("United States", "Agra Airport", "3500.0"))
    facts = (
        (university, "country", romania),
        (romania, "leaderName", leader),
        (abilene, "isPartOf", county),
        (abilene, "country", states),
        (airport, "runwayLength", length),
    )
    with open_store(str(tmp_path / "kg.db")) as store:
        store.ensure_schema(schema)
        store.write(
            GraphBatch(
                entities=(university, romania, leader, abilene, county, states, airport, length),
                relations=tuple(Relation(subject=s.id, predicate=p, object=o.id) for s, p, o in facts),
            )
        )
        write_store_lexicon(store, schema, tmp_path / "lexicon.tsv")
        yield store, build_pipeline(schema, model="blank", lexicon=tmp_path / "lexicon.tsv")


def test_claims_definite_reference_stands_for_the_entity_the_graph_relates(places):
    store, pipeline = places
    text = "1 Decembrie 1918 University is in Romania. The country's leader is Klaus Iohannis."
    [result] = check([text], store, pipeline=pipeline)
    assert result.status == "supported"
    assert [(v.claim.subject.text, v.claim.subject.method, v.claim.predicate) for v in result.verdicts][
        -1
    ] == (
        "country",
        "definite",
        "leaderName",
    )


def test_claims_unit_after_a_claimed_number_is_no_unread_relation_word(places):
    store, pipeline = places
    [result] = check(["Agra Airport has a runway length of 3500.0 metres."], store, pipeline=pipeline)
    assert result.status == "supported", result.reason


def test_claims_cooccurrence_word_another_claim_read_does_not_block_the_graphs_fact(places):
    store, pipeline = places
    # "part" is read by Abilene isPartOf Taylor County; United States is Abilene's country.
    [result] = check(["Abilene is part of Taylor County, in the United States."], store, pipeline=pipeline)
    assert sorted((v.claim.predicate, v.claim.object.text, v.status) for v in result.verdicts) == [
        ("country", "United States", "supported"),
        ("isPartOf", "Taylor County", "supported"),
    ]
