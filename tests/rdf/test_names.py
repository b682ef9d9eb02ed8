"""IRIs <-> kgsynth ids and schema names."""

from __future__ import annotations

import pytest

from kgsynth.model import IDENTIFIER
from kgsynth.rdf.names import (
    display_name,
    entity_id_of,
    entity_iri,
    identifier,
    is_absolute_iri,
    local_name,
    minted_schema_name,
    schema_iri,
    unique_identifier,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://kgsynth.dev/data/pharma/aspirin", True),
        ("http://dbpedia.org/resource/Aarhus", True),
        ("urn:isbn:0451450523", True),
        ("Drug:aspirin", False),
        ("MESH:D001241", False),
        ("http://example.org/has space", False),
        ("aspirin", False),
    ],
)
def test_is_absolute_iri_tells_iris_from_ids_and_curies(value, expected):
    assert is_absolute_iri(value) is expected


@pytest.mark.parametrize(
    ("entity_id", "iri"),
    [
        ("https://example.org/kg/aspirin", "https://example.org/kg/aspirin"),
        ("Drug:aspirin", "https://kgsynth.dev/entity/Drug%3Aaspirin"),
        ("Disease:type 2 diabetes", "https://kgsynth.dev/entity/Disease%3Atype%202%20diabetes"),
        ("Drug:a/b#c", "https://kgsynth.dev/entity/Drug%3Aa%2Fb%23c"),
    ],
)
def test_entity_iri_keeps_iris_and_mints_the_rest(entity_id, iri):
    assert entity_iri(entity_id) == iri


@pytest.mark.parametrize(
    "entity_id", ["Drug:aspirin", "Disease:type 2 diabetes", "Drug:a/b#c%d", "https://example.org/x", "ü:ß"]
)
def test_entity_id_of_inverts_entity_iri(entity_id):
    assert entity_id_of(entity_iri(entity_id)) == entity_id


@pytest.mark.parametrize(
    ("name", "iri", "expected"),
    [
        ("treats", "", "https://kgsynth.dev/schema/treats"),
        (
            "treats",
            "https://kgsynth.dev/ontology/medical#treats",
            "https://kgsynth.dev/ontology/medical#treats",
        ),
    ],
)
def test_schema_iri_prefers_the_schema_iri(name, iri, expected):
    assert schema_iri(name, iri) == expected


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("https://kgsynth.dev/schema/treats", "treats"),
        ("https://kgsynth.dev/schema/not%20a%20name", None),
        ("https://kgsynth.dev/ontology/medical#treats", None),
    ],
)
def test_minted_schema_name_reads_back_only_our_own_names(iri, expected):
    assert minted_schema_name(iri) == expected


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("https://kgsynth.dev/ontology/medical#Drug", "Drug"),
        ("http://dbpedia.org/resource/Jacob_Bundsgaard", "Jacob_Bundsgaard"),
        ("http://example.org/a/b/", "b"),
        ("urn:isbn:0451450523", "0451450523"),
        ("http://example.org/caf%C3%A9", "café"),
    ],
)
def test_local_name_is_the_last_segment_decoded(iri, expected):
    assert local_name(iri) == expected


def test_display_name_turns_underscores_into_spaces():
    assert (
        display_name("http://dbpedia.org/resource/Adams_County,_Pennsylvania") == "Adams County, Pennsylvania"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Drug", "Drug"),
        ("ISBN number", "ISBN_number"),
        ("1634", "_1634"),
        ("", "_"),
        ("café-au-lait", "caf__au_lait"),
    ],
)
def test_identifier_makes_a_valid_schema_name(text, expected):
    assert identifier(text) == expected


@pytest.mark.parametrize("text", ["has part", "9lives", "Ümlaut", "a.b:c"])
def test_identifier_matches_the_model_pattern(text):
    import re

    assert re.match(IDENTIFIER, identifier(text))


@pytest.mark.parametrize(
    ("text", "taken", "expected"),
    [
        ("Person", set(), "Person"),
        ("Person", {"Person"}, "Person_2"),
        ("Person", {"Person", "Person_2"}, "Person_3"),
        ("Document", set(), "Document_2"),
        ("Thing", set(), "Thing_2"),
    ],
)
def test_unique_identifier_avoids_taken_and_reserved_names(text, taken, expected):
    assert unique_identifier(text, taken) == expected
