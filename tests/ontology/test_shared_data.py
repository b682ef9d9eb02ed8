"""Every ontology file in ../shared/data either loads or fails with a one-line OntologyError.

Real third-party ontologies (Disease Ontology, LKIF Core, FIBO) exercise constructs our own
files do not: restrictions, imports, deprecated terms, DOCTYPE entities, OBO. The files are used
in place and never copied into the repository; without them these tests are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgsynth.errors import OntologyError
from kgsynth.ontology import load_ontology

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SUFFIXES = {".owl", ".ttl", ".rdf", ".obo"}
ONTOLOGY_FILES = (
    sorted(p for p in SHARED_DATA.rglob("*") if p.suffix.lower() in SUFFIXES) if SHARED_DATA.is_dir() else []
)
PARAMS = [pytest.param(p, id=str(p.relative_to(SHARED_DATA))) for p in ONTOLOGY_FILES] or [
    pytest.param(None, marks=pytest.mark.skip(reason=f"{SHARED_DATA} is absent (shared development data)"))
]


@pytest.mark.parametrize("path", PARAMS)
def test_load_ontology_shared_file_loads_or_fails_in_one_line(path):
    try:
        schema = load_ontology(path)
    except OntologyError as exc:
        assert str(exc) and "\n" not in str(exc) and str(path) in str(exc)
    else:
        assert len(schema.entity_types) > 0


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent (shared development data)")
@pytest.mark.parametrize(
    ("relative", "entity_types"),
    [
        ("disease-ontology/DO_IEDB_slim.owl", 154),  # the README counts 154 disease classes
        ("lkif-core/lkif-top.owl", 6),  # 7 owl:Class elements, one of them owl:Thing (the root)
    ],
)
def test_load_ontology_shared_file_has_expected_class_count(relative, entity_types):
    assert len(load_ontology(SHARED_DATA / relative).entity_types) == entity_types


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent (shared development data)")
def test_load_ontology_disease_ontology_reads_obo_synonyms():
    schema = load_ontology(SHARED_DATA / "disease-ontology" / "DO_IEDB_slim.owl")
    aspirin_allergy = schema.entity_type("DOID_0040002")
    assert (aspirin_allergy.label, aspirin_allergy.synonyms) == (
        "aspirin allergy", ("acetylsalicylic acid allergy", "ASA allergy"),
    )  # fmt: skip


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent (shared development data)")
def test_load_ontology_shared_obo_file_is_refused_with_owl_hint():
    with pytest.raises(OntologyError, match=r"OBO flat-file .* \(DO_IEDB_slim\.owl is next to it\)"):
        load_ontology(SHARED_DATA / "disease-ontology" / "DO_IEDB_slim.obo")
