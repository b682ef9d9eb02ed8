"""Graph stores: the embedded SQLite default and Neo4j, behind one ``GraphStore`` protocol."""

from __future__ import annotations

from kgsynth.store.base import DEFAULT_BATCH_SIZE, Direction, GraphStore
from kgsynth.store.open import is_neo4j_url, open_store

__all__ = ["DEFAULT_BATCH_SIZE", "Direction", "GraphStore", "is_neo4j_url", "open_store"]
