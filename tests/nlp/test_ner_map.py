"""Statistical NER labels mapped onto ontology types."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from kgsynth.errors import ConfigError
from kgsynth.model import EntityType, Schema
from kgsynth.nlp.candidates import candidates
from kgsynth.nlp.ner_map import NerMap, resolve_ner_labels


def _doc_with_ents(words: list[str], ents: list[tuple[int, int, str]]) -> Doc:
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return doc


def test_ner_map_turns_mapped_labels_into_typed_candidates() -> None:
    doc = _doc_with_ents(
        ["Acme", "Corp", "pays", "John", "Smith", "in", "Texas", "on", "May", "1", ",", "2020"],
        [(0, 2, "ORG"), (3, 5, "PERSON"), (6, 7, "GPE"), (8, 12, "DATE")],
    )
    NerMap({"ORG": "Organization", "PERSON": "Person", "DATE": "Date"})(doc)
    assert [(s.text, s.label_, s.id_) for s in candidates(doc)] == [
        ("Acme Corp", "Organization", "ner:ORG"),
        ("John Smith", "Person", "ner:PERSON"),
        ("May 1 , 2020", "Date", "ner:DATE"),
    ]


def test_ner_map_drops_dates_that_are_durations() -> None:
    doc = _doc_with_ents(["for", "six", "months"], [(1, 3, "DATE")])
    NerMap({"DATE": "Date"})(doc)
    assert candidates(doc) == []


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (
            ("Party", "Organization", "Person", "Date"),
            {"ORG": "Organization", "PERSON": "Person", "NORP": "Party", "DATE": "Date"},
        ),
        (("Party",), {"ORG": "Party", "PERSON": "Party", "NORP": "Party"}),
        (("Drug", "Disease"), {}),
    ],
)
def test_default_ner_labels_use_the_types_the_schema_has(types: tuple[str, ...], expected: dict) -> None:
    schema = Schema(entity_types=tuple(EntityType(name=t) for t in types))
    assert resolve_ner_labels(schema, None) == expected


def test_explicit_ner_labels_naming_an_unknown_type_are_refused() -> None:
    schema = Schema(name="tiny", entity_types=(EntityType(name="Drug"),))
    with pytest.raises(ConfigError, match=r'ner_labels maps "ORG" to "Company".*Types present: Drug'):
        resolve_ner_labels(schema, {"ORG": "Company"})
