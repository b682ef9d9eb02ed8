"""Regular inflection used for triggers and lexicon variants."""

from __future__ import annotations

import pytest

from kgsynth.nlp.morphology import base_verb, plural, singular, verb_forms


@pytest.mark.parametrize(
    ("verb", "expected"),
    [
        ("induce", {"induce", "induces", "induced", "inducing"}),
        ("cause", {"cause", "causes", "caused", "causing"}),
        ("apply", {"apply", "applies", "applied", "applying"}),
        ("pay", {"pay", "pays", "payed", "paying"}),
        ("lead to", {"lead to", "leads to", "leaded to", "leading to"}),
    ],
)
def test_verb_forms_lists_regular_inflections(verb: str, expected: set[str]) -> None:
    assert set(verb_forms(verb)) >= expected


@pytest.mark.parametrize(
    ("word", "expected"), [("induces", "induce"), ("leads to", "lead to"), ("applies", "apply")]
)
def test_base_verb_undoes_third_person(word: str, expected: str) -> None:
    assert base_verb(word) == expected


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("seizures", "seizure"),
        ("arrhythmias", "arrhythmia"),
        ("heart attacks", "heart attack"),
        ("therapies", "therapy"),
        ("diabetes", "diabetes"),
        ("sepsis", "sepsis"),
        ("ASA", "ASA"),
        ("antibiotics", "antibiotic"),
        ("virus", "virus"),
    ],
)
def test_singular_keeps_words_that_only_look_plural(noun: str, expected: str) -> None:
    assert singular(noun) == expected


@pytest.mark.parametrize(
    ("noun", "expected"), [("seizure", "seizures"), ("therapy", "therapies"), ("virus", "viruses")]
)
def test_plural_of_last_word(noun: str, expected: str) -> None:
    assert plural(noun) == expected
