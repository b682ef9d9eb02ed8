"""Helpers for the RDF tests: the demo graph's path and a store's content in comparable form."""

from __future__ import annotations

from pathlib import Path

from kgsynth.store import GraphStore

REPO = Path(__file__).resolve().parents[2]
PHARMA = REPO / "examples" / "rdf" / "pharma.ttl"
SHARED_DATA = REPO / ".." / "shared" / "data"

EntityRow = tuple[str, str, str, frozenset[str]]


def entity_rows(store: GraphStore) -> set[EntityRow]:
    """Every entity as (id, type, name, aliases): what a round trip must keep."""
    return {(e.id, e.type, e.name, frozenset(e.aliases)) for page in store.iter_entities() for e in page}


def relation_keys(store: GraphStore) -> set[tuple[str, str, str, bool]]:
    """Every relation's (subject, predicate, object, negated)."""
    return {r.key for page in store.iter_relations(with_evidence=False) for r in page}
