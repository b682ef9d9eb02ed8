"""The ``store`` fixture: every contract test runs once per ``GraphStore`` backend, on an empty store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kgsynth.store.base import GraphStore
from kgsynth.store.sqlite import SQLiteStore
from tests.store.neo4j_env import neo4j_connection_or_skip


def _open(backend: str, tmp_path: Path) -> GraphStore:
    if backend == "sqlite":
        return SQLiteStore(str(tmp_path / "kg.db"))
    uri, user, password = neo4j_connection_or_skip()
    from kgsynth.store.neo4j import Neo4jStore  # lazily: the driver is an optional extra

    return Neo4jStore(uri, user=user, password=password, database=None)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each backend; emptied with ``clear()`` so a shared Neo4j starts clean too."""
    with _open(request.param, tmp_path) as graph:
        graph.clear()
        yield graph


@pytest.fixture
def neo4j_store() -> Iterator[GraphStore]:
    """The real Neo4j of this session, emptied (indexes and constraints included), as a store."""
    uri, user, password = neo4j_connection_or_skip()
    from kgsynth.store.neo4j import Neo4jStore

    with Neo4jStore(uri, user=user, password=password) as graph:
        graph.clear()
        yield graph
