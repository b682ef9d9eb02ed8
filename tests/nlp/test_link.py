"""Entity resolution: exact, synonym, abbreviation, fuzzy and new, with blocking."""

from __future__ import annotations

import pytest

from kgsynth.model import Entity, Schema, entity_id
from kgsynth.nlp import EntityResolver
from kgsynth.nlp.lexicon import LexiconEntry


@pytest.fixture
def resolver(test_schema: Schema) -> EntityResolver:
    resolver = EntityResolver(
        test_schema,
        lexicon=[LexiconEntry(type="Drug", name="aspirin", synonyms=("acetylsalicylic acid", "ASA"))],
    )
    resolver.seed(
        [
            Entity.make("Drug", "acetaminophen", aliases=("paracetamol",)),
            Entity.make("Disease", "congestive heart failure"),
            Entity.make("Disease", "seizure"),
        ]
    )
    return resolver


@pytest.mark.parametrize(
    ("type_name", "name", "expected_id", "method"),
    [
        ("Drug", "Acetaminophen", "Drug:acetaminophen", "exact"),
        ("Drug", "acetaminophen.", "Drug:acetaminophen", "exact"),
        ("Disease", "Seizures", "Disease:seizure", "exact"),
        ("Drug", "paracetamol", "Drug:acetaminophen", "synonym"),
        ("Drug", "ASA", "Drug:aspirin", "synonym"),
        ("Disease", "CHF", "Disease:congestive heart failure", "abbreviation"),
        ("Drug", "acetaminophn", "Drug:acetaminophen", "fuzzy"),
        ("Drug", "ibuprofen", "Drug:ibuprofen", "new"),
    ],
)
def test_resolver_method_for_each_kind_of_name(
    resolver: EntityResolver, type_name: str, name: str, expected_id: str, method: str
) -> None:
    resolution = resolver.resolve(type_name, name)
    assert (resolution.entity_id, resolution.method) == (expected_id, method)


def test_fuzzy_resolution_records_its_score(resolver: EntityResolver) -> None:
    assert 0.9 <= resolver.resolve("Drug", "acetaminophn").score < 1.0


def test_fuzzy_never_compares_across_types(resolver: EntityResolver) -> None:
    assert resolver.resolve("Chemical", "acetaminophn").method == "new"


def test_fuzzy_only_compares_within_a_block(resolver: EntityResolver) -> None:
    # One letter off, but the first three letters and the word initials differ: another block.
    assert resolver.resolve("Drug", "xcetaminophen").method == "new"


def test_new_entity_id_comes_from_the_model(resolver: EntityResolver) -> None:
    resolution = resolver.resolve("Disease", "migraines")
    assert (resolution.entity_id, resolution.canonical_name) == (entity_id("Disease", "migraine"), "migraine")


def test_new_capitalised_name_keeps_its_final_s(resolver: EntityResolver) -> None:
    assert resolver.resolve("Organization", "Sears").canonical_name == "Sears"


def test_new_entity_is_known_from_then_on(resolver: EntityResolver) -> None:
    first = resolver.resolve("Drug", "ibuprofen")
    assert resolver.resolve("Drug", "Ibuprofen").entity_id == first.entity_id


def test_same_name_in_another_type_is_another_entity(resolver: EntityResolver) -> None:
    assert resolver.resolve("Chemical", "acetaminophen").entity_id == "Chemical:acetaminophen"
