"""Fixtures for the RDF import/export tests: small RDF files in tmp_path and an in-memory store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kgsynth.store import GraphStore, open_store

PREFIXES = """\
@prefix ex:   <https://example.org/kg/> .
@prefix exo:  <https://example.org/onto#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""

WriteRdf = Callable[..., Path]


@pytest.fixture
def write_rdf(tmp_path: Path) -> WriteRdf:
    """Write ``body`` to ``tmp_path / name``; Turtle bodies get the common prefixes prepended."""

    def write(body: str, name: str = "graph.ttl", prefixes: bool | None = None) -> Path:
        path = tmp_path / name
        with_prefixes = name.endswith(".ttl") if prefixes is None else prefixes
        path.write_text((PREFIXES if with_prefixes else "") + body, encoding="utf-8")
        return path

    return write


@pytest.fixture
def store() -> Iterator[GraphStore]:
    with open_store(":memory:") as opened:
        yield opened
