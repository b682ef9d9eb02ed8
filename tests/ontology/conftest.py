"""Helpers for ontology tests: small Turtle files written into tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

PREFIXES = """\
@prefix ex:   <https://example.org/onto#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix obo:  <http://purl.obolibrary.org/obo/> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
"""

WriteOntology = Callable[..., Path]


@pytest.fixture
def write_ontology(tmp_path: Path) -> WriteOntology:
    """Write ``body`` (Turtle, with the common prefixes prepended) to ``tmp_path / name``."""

    def write(body: str, name: str = "onto.ttl", prefixes: bool = True) -> Path:
        path = tmp_path / name
        path.write_text((PREFIXES if prefixes else "") + body, encoding="utf-8")
        return path

    return write
