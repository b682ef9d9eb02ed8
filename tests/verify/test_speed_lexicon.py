"""``RelationLexicon.signals`` tries its patterns only where a relation word starts: as a full scan."""

from __future__ import annotations

import pytest

from kgsynth.ontology import load_ontology
from kgsynth.verify import paraphrases
from kgsynth.verify.lexicon import RelationLexicon
from tests.verify.conftest import SCHEMA

TEXTS = (
    "Aspirin treats headache.",
    "ASPIRIN TREATED HEADACHE",
    "Mistreats and pretreatment are no treatment words here, treats_x neither.",
    "Warfarin is used in the treatment of stroke and is used to treat clots; it is a side effect of X.",
    "It is caused by and due to and secondary to nothing: caused  by,\tdue\nto.",
    "İstanbul Ébola-treated 2treat treat2 treat-ment çausés is a member of the class",
    "the                 belongs to class                 .",
    "",
    "   ",
)


def _full_scan(lexicon: RelationLexicon, text: str) -> dict[str, list[tuple[int, int]]]:
    """What ``signals`` must equal: every relation's mention pattern run over the whole text."""
    lowered = text.lower()
    found = {}
    for name in lexicon.phrases:
        spans = [m.span() for m in lexicon._mention_finder(name).finditer(lowered)]
        if spans:
            found[name] = spans
    return found


@pytest.mark.parametrize("schema_name", ["medical", "legal", "fixture"])
@pytest.mark.parametrize("text", TEXTS)
def test_signals_equal_a_full_scan(schema_name, text):
    schema = SCHEMA if schema_name == "fixture" else load_ontology(schema_name)
    lexicon = RelationLexicon.for_schema(schema)
    assert lexicon.signals(text) == _full_scan(lexicon, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aspirin treats headache.", [(8, 14)]),
        ("Aspirin treats and treats again.", [(8, 14), (19, 25)]),
        ("Aspirin mistreats headache.", None),
        ("Aspirin treats_x headache.", None),
        ("Ébtreats headache.", None),
    ],
)
def test_signals_find_a_word_only_where_it_starts(text, expected):
    assert RelationLexicon(SCHEMA).signals(text).get("treats") == expected


def test_signals_search_in_full_a_relation_whose_words_hold_other_characters(monkeypatch):
    # A paraphrase with an apostrophe cannot be looked up by word start; it is searched for in full.
    monkeypatch.setitem(paraphrases.PARAPHRASES, "symptom", ("shows signs of", "o'symptom"))
    lexicon = RelationLexicon(SCHEMA)
    assert lexicon.signals("Migraine o'symptom headache.")["has_symptom"] == [(9, 18)]
