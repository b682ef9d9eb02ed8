"""The Neo4j store's failures that need no server: connection errors, driver-error mapping,
names refused before any query, and dangling references found while planning a write.

An unreachable server is real (a closed local port). A refused password cannot be produced
without a server, so ``map_driver_errors`` is given the driver's own exception classes.
"""

from __future__ import annotations

import socket

import pytest
from neo4j.exceptions import (
    AuthError,
    CypherSyntaxError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from kgsynth.errors import (
    SchemaError,
    StoreConnectionError,
    StoreError,
    UnknownEntityTypeError,
    UnknownRelationError,
)
from kgsynth.model import (
    Chunk,
    Document,
    Entity,
    EntityType,
    GraphBatch,
    Mention,
    Relation,
    Schema,
)
from kgsynth.store import _cypher, open_store
from kgsynth.store.neo4j import Neo4jStore, check_references, map_driver_errors, plan_write


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_neo4j_store_unreachable_server_names_url_and_setting(scheme: str, closed_port: int) -> None:
    url = f"{scheme}://127.0.0.1:{closed_port}"
    with pytest.raises(StoreConnectionError) as caught:
        Neo4jStore(url, user="neo4j", password="not-the-password")
    assert (f'"{url}"' in str(caught.value), "KGSYNTH_STORE__URL" in str(caught.value)) == (True, True)


def test_open_store_unreachable_neo4j_raises_connection_error(closed_port: int) -> None:
    with pytest.raises(StoreConnectionError, match="cannot reach Neo4j"):
        open_store(f"bolt://127.0.0.1:{closed_port}", password="not-the-password")


def test_neo4j_store_connection_error_never_shows_password(closed_port: int) -> None:
    with pytest.raises(StoreConnectionError) as caught:
        Neo4jStore(f"bolt://127.0.0.1:{closed_port}", user="alice", password="s3cret-Pa55word")
    assert "s3cret-Pa55word" not in str(caught.value)


MAPPED = [
    (
        AuthError("The client is unauthorized due to authentication failure."),
        StoreConnectionError,
        'refused the credentials of user "alice". Set KGSYNTH_NEO4J_USER and KGSYNTH_NEO4J_PASSWORD',
    ),
    (
        ServiceUnavailable("Couldn't connect to db.example:7687"),
        StoreConnectionError,
        'cannot reach Neo4j at "bolt://db.example:7687"',
    ),
    (
        SessionExpired("Failed to read from defunct connection"),
        StoreConnectionError,
        'cannot reach Neo4j at "bolt://db.example:7687"',
    ),
    (CypherSyntaxError("Invalid input 'MATC'"), StoreError, "rejected a statement"),
    (TransientError("Deadlock detected"), StoreError, "its transaction was rolled back"),
]


@pytest.mark.parametrize(
    ("driver_error", "ours", "message"), MAPPED, ids=[type(error).__name__ for error, _, _ in MAPPED]
)
def test_map_driver_errors_turns_driver_error_into_ours(
    driver_error: Exception, ours: type[StoreError], message: str
) -> None:
    with pytest.raises(StoreError) as caught, map_driver_errors("bolt://db.example:7687", "alice"):
        raise driver_error
    assert (type(caught.value), message in str(caught.value), caught.value.__cause__) == (
        ours,
        True,
        driver_error,
    )


def test_map_driver_errors_leaves_our_errors_alone() -> None:
    ours = StoreError('relation "rel:1" refers to entity "Drug:x"')
    with pytest.raises(StoreError) as caught, map_driver_errors("bolt://db.example:7687"):
        raise ours
    assert caught.value is ours


@pytest.mark.parametrize(
    ("builder", "name", "error"),
    [
        (_cypher.entity_label, "Medication", UnknownEntityTypeError),
        (_cypher.upsert_entities, "Medication", UnknownEntityTypeError),
        (_cypher.remove_entity_label, "Medication", UnknownEntityTypeError),
        (_cypher.relationship_type, "cures", UnknownRelationError),
        (_cypher.upsert_relations, "cures", UnknownRelationError),
        (_cypher.relation_id_constraint, "cures", UnknownRelationError),
        (_cypher.relations_of_type, "cures", UnknownRelationError),
        (_cypher.relations_page, "cures", UnknownRelationError),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_cypher_builder_refuses_name_outside_schema(
    builder: object, name: str, error: type[SchemaError], schema: Schema
) -> None:
    with pytest.raises(error, match=f'"{name}" is not in the schema fixture'):
        builder(schema, name)  # type: ignore[operator]


def test_cypher_label_refuses_injection_even_past_schema_validation() -> None:
    # model_construct skips pydantic validation, as a careless caller might.
    name = "Drug`) DETACH DELETE (n"
    schema = Schema.model_construct(entity_types=(EntityType.model_construct(name=name),), relation_types=())
    with pytest.raises(SchemaError, match="cannot be a Neo4j label"):
        _cypher.entity_label(schema, name)


def test_plan_write_unknown_entity_type_names_entity(schema: Schema) -> None:
    batch = GraphBatch(entities=(Entity.make("Medication", "aspirin"),))
    with pytest.raises(UnknownEntityTypeError, match='entity "Medication:aspirin": entity type "Medication"'):
        plan_write(schema, batch)


def test_plan_write_unknown_relation_names_relation(
    schema: Schema, aspirin: Entity, headache: Entity
) -> None:
    relation = Relation(subject=aspirin.id, predicate="cures", object=headache.id)
    batch = GraphBatch(entities=(aspirin, headache), relations=(relation,))
    with pytest.raises(UnknownRelationError, match=f'relation "{relation.id}": relation "cures"'):
        plan_write(schema, batch)


def test_plan_write_reserved_type_refused_without_schema() -> None:
    batch = GraphBatch(entities=(Entity.make("Document", "x"),))
    with pytest.raises(UnknownEntityTypeError, match="is a name kgsynth reserves"):
        plan_write(Schema(), batch)


def test_check_references_dangling_relation_end_names_entity(
    schema: Schema, aspirin: Entity, aspirin_treats_headache: Relation
) -> None:
    plan = plan_write(schema, GraphBatch(entities=(aspirin,), relations=(aspirin_treats_headache,)))
    with pytest.raises(
        StoreError, match='refers to entity "Symptom:headache", which is neither in the batch'
    ):
        check_references(plan, stored_entities=[], stored_documents=[], url="bolt://db.example:7687")


def test_check_references_accepts_stored_relation_end(
    schema: Schema, aspirin: Entity, aspirin_treats_headache: Relation
) -> None:
    plan = plan_write(schema, GraphBatch(entities=(aspirin,), relations=(aspirin_treats_headache,)))
    assert check_references(plan, ["Symptom:headache"], [], "bolt://db.example:7687") is None


@pytest.mark.parametrize("kind", ["mention", "chunk"])
def test_check_references_missing_document_names_document(kind: str, schema: Schema, aspirin: Entity) -> None:
    document = Document.from_text("Aspirin helps.")
    if kind == "mention":
        mention = Mention(entity_id=aspirin.id, document_id=document.id, start=0, end=7, text="Aspirin")
        batch = GraphBatch(entities=(aspirin,), mentions=(mention,))
    else:
        batch = GraphBatch(chunks=(Chunk.of(document, 0, 7),))
    plan = plan_write(schema, batch)
    with pytest.raises(StoreError, match=f'{kind} ".*" refers to document "{document.id}"'):
        check_references(
            plan, stored_entities=[aspirin.id], stored_documents=[], url="bolt://db.example:7687"
        )
