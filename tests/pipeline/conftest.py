"""Fixtures for the synthesis tests: a real SQLite store holding a seeded synthetic graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kgsynth.store import GraphStore, open_store
from tests.walks.graphs import SCHEMA, chain_graph, medical_graph


@pytest.fixture(scope="module")
def kg_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("kg") / "kg.db")
    with open_store(path) as store:
        store.ensure_schema(SCHEMA)
        store.write(medical_graph(seed=5, per_type=30))
    return path


@pytest.fixture
def store(kg_path: str) -> Iterator[GraphStore]:
    with open_store(kg_path) as opened:
        yield opened


@pytest.fixture
def short_store(tmp_path) -> Iterator[GraphStore]:
    """A store whose longest path has 2 hops."""
    with open_store(str(tmp_path / "short.db")) as opened:
        opened.ensure_schema(SCHEMA)
        opened.write(chain_graph(2))
        yield opened
