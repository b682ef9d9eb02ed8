"""What a real Neo4j 5.26 server shows about the Neo4j store: query plans, schema, limits.

Each test confirms a property with the server's own ``EXPLAIN`` or schema listing rather than
by reading the Cypher: index use, constraints in place before the first write, no scans of
every relationship when a document is deleted or relations are fetched by id.
"""

from __future__ import annotations

from typing import Any

import pytest

from kgsynth.errors import StoreError
from kgsynth.model import Document, Entity, Evidence, GraphBatch, Mention, Relation, Schema
from kgsynth.store import _cypher
from kgsynth.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j

SCANS = {"AllNodesScan", "NodeByLabelScan", "DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan"}
SCANS |= {"DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan"}


def _operators(store: Neo4jStore, statement: str, **params: Any) -> list[str]:
    """The operator names of the plan Neo4j makes for ``statement``, root first."""
    summary = store._driver.execute_query("EXPLAIN " + statement, params, database_=store.database).summary
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        found.append(node["operatorType"].split("@")[0])
        for child in node.get("children", []):
            walk(child)

    walk(summary.plan)
    return found


def _names(store: Neo4jStore, statement: str) -> set[str]:
    records = store._driver.execute_query(statement, database_=store.database).records
    return {r["name"] for r in records}


def _fact(subject: Entity, obj: Entity, document_id: str) -> Relation:
    evidence = Evidence(document_id=document_id, start=0, end=5, sentence="x", extractor="test")
    return Relation(subject=subject.id, predicate="treats", object=obj.id, evidence=(evidence,))


@pytest.fixture
def loaded(neo4j_store: Neo4jStore, small_batch: GraphBatch) -> Neo4jStore:
    """The store after one write (no ``ensure_schema``), with a document and a mention."""
    document = Document.from_text("Aspirin treats headache.")
    aspirin = small_batch.entities[0]
    mention = Mention(entity_id=aspirin.id, document_id=document.id, start=0, end=7, text="Aspirin")
    neo4j_store.write(small_batch.model_copy(update={"documents": (document,), "mentions": (mention,)}))
    return neo4j_store


def test_neo4j_write_before_ensure_schema_creates_constraints_first(loaded: Neo4jStore) -> None:
    constraints = _names(loaded, "SHOW CONSTRAINTS YIELD name")
    wanted = {
        "kgsynth_entity_id",
        "kgsynth_document_id",
        "kgsynth_mention_id",
        "kgsynth_rel_treats_id_unique",
    }
    assert wanted - constraints == set()


def test_neo4j_entity_merge_seeks_the_unique_index(loaded: Neo4jStore, schema: Schema) -> None:
    operators = _operators(loaded, _cypher.upsert_entities(schema, "Drug"), rows=[], separator="", max_keys=1)
    assert ("NodeUniqueIndexSeek(Locking)" in operators, SCANS & set(operators)) == (True, set())


def test_neo4j_mention_merge_seeks_the_relationship_constraint(loaded: Neo4jStore) -> None:
    operators = _operators(loaded, _cypher.UPSERT_MENTIONS, rows=[])
    assert ("DirectedRelationshipUniqueIndexSeek(Locking)" in operators, SCANS & set(operators)) == (
        True,
        set(),
    )


def test_neo4j_fuzzy_candidates_ask_the_full_text_index(loaded: Neo4jStore) -> None:
    query = _cypher.name_grams_query(["asp", "spi"], ["Drug"])
    operators = _operators(loaded, _cypher.ENTITY_CANDIDATES, query=query, limit=5)
    index = loaded._driver.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, state, options WHERE name = $name RETURN state, options",
        {"name": _cypher.NAME_GRAMS_INDEX},
        database_=loaded.database,
    ).records
    analyzer = index[0]["options"]["indexConfig"]["fulltext.analyzer"] if index else None
    assert ("ProcedureCall" in operators, SCANS & set(operators), analyzer) == (True, set(), "whitespace")


def test_neo4j_old_store_fuzzy_candidates_use_text_index_with_unwound_values(loaded: Neo4jStore) -> None:
    statement = _cypher.ENTITY_CANDIDATES_BY_CONTAINS
    operators = _operators(loaded, statement, grams=["asp"], types=None, limit=5)
    assert ("NodeIndexContainsScan" in operators, SCANS & set(operators)) == (True, set())


def test_neo4j_relations_by_id_seek_each_type_without_scanning(loaded: Neo4jStore, schema: Schema) -> None:
    loaded.ensure_schema(schema)
    operators = _operators(loaded, _cypher.relations_with_ids(["treats", "causes"]), ids=["rel:x"])
    seeks = operators.count("DirectedRelationshipUniqueIndexSeek")
    assert (seeks, SCANS & set(operators)) == (2, set())


@pytest.mark.parametrize("builder", [_cypher.delete_relations_of_document, _cypher.strip_document_evidence])
def test_neo4j_document_deletion_seeks_relations_by_id(loaded: Neo4jStore, builder: Any) -> None:
    operators = _operators(loaded, builder("treats"), ids=["rel:x"], document_id="doc")
    seek = "DirectedRelationshipUniqueIndexSeek(Locking)"  # locking: the write holds what it read
    assert (seek in operators, SCANS & set(operators)) == (True, set())


def test_neo4j_delete_document_removes_only_its_facts(
    neo4j_store: Neo4jStore, aspirin: Entity, headache: Entity
) -> None:
    fever = Entity.make("Symptom", "fever")
    kept = _fact(aspirin, fever, "doc:b")
    batch = GraphBatch(
        documents=(Document(id="doc:a", text="a"), Document(id="doc:b", text="b")),
        entities=(aspirin, headache, fever),
        relations=(_fact(aspirin, headache, "doc:a"), kept),
    )
    neo4j_store.write(batch)
    report = neo4j_store.delete_document("doc:a")
    remaining = [r.id for r in neo4j_store.relations()]
    assert (report.relations, report.entities, remaining) == (1, 1, [kept.id])


def test_neo4j_store_names_the_database_it_resolved(neo4j_store: Neo4jStore) -> None:
    assert neo4j_store.database == "neo4j"


def test_neo4j_write_session_shares_execute_query_bookmarks(
    neo4j_store: Neo4jStore, small_batch: GraphBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver = neo4j_store._driver
    seen: list[object] = []
    real_session = driver.session

    def spy(**config: Any) -> Any:
        seen.append(config.get("bookmark_manager"))
        return real_session(**config)

    monkeypatch.setattr(driver, "session", spy)
    neo4j_store.write(small_batch)
    assert seen == [driver.execute_query_bookmark_manager]


def test_neo4j_long_alias_list_is_written_and_first_aliases_found(neo4j_store: Neo4jStore) -> None:
    aliases = tuple(f"alias number {i} " + "x" * 40 for i in range(600))  # about 30,000 characters
    entity = Entity.make("Drug", "aspirin", aliases=aliases)
    neo4j_store.write(GraphBatch(entities=(entity,)))
    first = [m.entity.id for m in neo4j_store.find_entities(aliases[0])]
    last = [m.entity.id for m in neo4j_store.find_entities(aliases[-1])]
    stored = neo4j_store.get_entity(entity.id)
    assert (first, last, stored is not None and len(stored.aliases)) == ([entity.id], [], 600)


def test_neo4j_entity_id_too_long_to_index_is_refused_before_writing(neo4j_store: Neo4jStore) -> None:
    entity = Entity.make("Drug", "y" * 3000)
    with pytest.raises(StoreError, match="Neo4j cannot index a key over 2000 characters"):
        neo4j_store.write(GraphBatch(entities=(entity, Entity.make("Drug", "aspirin"))))
    assert neo4j_store.stats().entities == 0


def test_neo4j_clear_drops_kgsynth_schema_and_keeps_other_indexes(loaded: Neo4jStore) -> None:
    loaded._driver.execute_query(
        "CREATE INDEX other_app_index IF NOT EXISTS FOR (n:OtherApp) ON (n.key)", database_=loaded.database
    )
    try:
        loaded.clear()
        names = _names(loaded, "SHOW INDEXES YIELD name") | _names(loaded, "SHOW CONSTRAINTS YIELD name")
        ours = {n for n in names if n.startswith("kgsynth_")}
        assert (ours, "other_app_index" in names) == (set(), True)
    finally:
        loaded._driver.execute_query("DROP INDEX other_app_index IF EXISTS", database_=loaded.database)


def test_the_store_asks_the_server_for_no_notifications(neo4j_store: Any, caplog) -> None:
    # A fresh database makes the server warn that `text` and `metadata` do not exist yet, for
    # every lookup; logged as warnings they flooded stderr (and stalled a build whose stderr was
    # a pipe). A property no database has stands in for "not yet" on this shared server.
    with caplog.at_level("INFO", logger="neo4j"), caplog.at_level("INFO"):
        neo4j_store._driver.execute_query("MATCH (n) RETURN n.kgsynth_never_written AS x LIMIT 1")
    assert [r.getMessage()[:60] for r in caplog.records if "notification" in r.getMessage()] == []
