"""Fixtures for the walk tests: the seeded synthetic graph, as a store and as snapshots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kgsynth.model import GraphBatch
from kgsynth.store import GraphStore, open_store
from kgsynth.store.snapshot import GraphSnapshot
from tests.walks.graphs import SCHEMA, medical_graph


@pytest.fixture(scope="module")
def batch() -> GraphBatch:
    return medical_graph(seed=3)


@pytest.fixture(scope="module")
def graph(batch: GraphBatch) -> GraphSnapshot:
    return GraphSnapshot.from_graph(batch.entities, batch.relations, schema=SCHEMA)


@pytest.fixture
def store(tmp_path, batch: GraphBatch) -> Iterator[GraphStore]:
    with open_store(str(tmp_path / "kg.db")) as opened:
        opened.ensure_schema(SCHEMA)
        opened.write(batch)
        yield opened
