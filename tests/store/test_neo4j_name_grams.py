"""A Neo4j store written before entities had ``name_grams`` (the words of the fuzzy index).

Such a store still answers fuzzy lookups read-only (one text-index probe per trigram), and its
next write gives every entity the trigrams once, after which lookups ask the full-text index.
"""

from __future__ import annotations

import logging

import pytest

from kgsynth.model import Entity, GraphBatch, Schema
from kgsynth.store import _cypher
from kgsynth.store.neo4j import Neo4jStore
from tests.store.neo4j_env import neo4j_connection_or_skip

pytestmark = pytest.mark.neo4j

NAMES = ("Paracetamol", "Ibuprofen Lysine", "Acetylsalicylic Acid")


def _strip_name_grams(store: Neo4jStore) -> None:
    """Make the store look like one an older kgsynth wrote: no trigrams, no mark."""
    store._driver.execute_query(
        "MATCH (e:Entity) REMOVE e.name_grams WITH count(*) AS n MATCH (m:KgsynthMeta {key: $key}) DELETE m",
        {"key": _cypher.NAME_GRAMS_KEY},
        database_=store.database,
    )


def _without_grams(store: Neo4jStore) -> int:
    records = store._driver.execute_query(
        "MATCH (e:Entity) WHERE e.name_grams IS NULL RETURN count(e) AS n", database_=store.database
    ).records
    return records[0]["n"]


def _statements_of(caplog: pytest.LogCaptureFixture) -> set[str]:
    """Names of the statements the store logged running (``neo4j: <name> (n rows): <cypher>``)."""
    messages = (r.getMessage() for r in caplog.records if r.name == "kgsynth.store.neo4j")
    return {m.removeprefix("neo4j: ").split(":")[0].split(" (")[0] for m in messages}


def test_old_store_answers_fuzzy_lookups_then_upgrades_on_its_next_write(
    neo4j_store: Neo4jStore, schema: Schema, caplog: pytest.LogCaptureFixture
) -> None:
    entities = tuple(Entity.make("Drug", name) for name in NAMES)
    neo4j_store.ensure_schema(schema)
    neo4j_store.write(GraphBatch(entities=entities))
    _strip_name_grams(neo4j_store)
    caplog.set_level(logging.DEBUG, logger="kgsynth.store.neo4j")

    uri, user, password = neo4j_connection_or_skip()
    with Neo4jStore(uri, user=user, password=password, database=neo4j_store.database) as old:
        before = [m.entity.name for m in old.find_entities("ibuprofen lysin", fuzzy=True)]
        used_before = _statements_of(caplog)
        caplog.clear()
        old.ensure_schema(schema)
        upgraded = _without_grams(old)
        after = [m.entity.name for m in old.find_entities("ibuprofen lysin", fuzzy=True)]
        used_after = _statements_of(caplog)

    assert (before, after, upgraded) == (["Ibuprofen Lysine"], ["Ibuprofen Lysine"], 0)
    fuzzy = {"entity_candidates_by_contains", "entity_candidates"}
    assert used_before & fuzzy == {"entity_candidates_by_contains"}
    assert (used_after & fuzzy, "backfill_name_grams" in used_after) == ({"entity_candidates"}, True)
