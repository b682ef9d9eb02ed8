"""Fixtures shared by the whole suite: a small schema and a few facts built by hand."""

from __future__ import annotations

import pytest

from kgsynth.model import Entity, EntityType, Evidence, GraphBatch, Relation, RelationType, Schema
from tests.llm_server import gemma3_server, smollm2_server

# The real llama.cpp servers, each started at most once per session for every package.
__all__ = ["gemma3_server", "smollm2_server"]


@pytest.fixture
def schema() -> Schema:
    """A ten-type medical/legal schema, enough for every store operation."""
    return Schema(
        name="fixture",
        entity_types=(
            EntityType(name="Chemical", synonyms=("chemical", "substance")),
            EntityType(name="Drug", parents=("Chemical",), synonyms=("drug", "medication")),
            EntityType(name="Disease", synonyms=("disease", "disorder")),
            EntityType(name="Symptom", synonyms=("symptom",)),
            EntityType(name="Gene"),
            EntityType(name="Party"),
            EntityType(name="Agreement"),
            EntityType(name="Jurisdiction"),
            EntityType(name="Date"),
            EntityType(name="Amount"),
        ),
        relation_types=(
            RelationType(name="treats", domain=("Drug",), range=("Disease", "Symptom"), synonyms=("treat",)),
            RelationType(name="causes", domain=("Chemical",), range=("Disease", "Symptom")),
            RelationType(name="interacts_with", domain=("Drug",), range=("Drug",), symmetric=True),
            RelationType(name="has_symptom", domain=("Disease",), range=("Symptom",)),
            RelationType(name="party_to", domain=("Party",), range=("Agreement",)),
            RelationType(name="governed_by", domain=("Agreement",), range=("Jurisdiction",), functional=True),
        ),
    )


@pytest.fixture
def aspirin() -> Entity:
    return Entity.make("Drug", "aspirin", aliases=("acetylsalicylic acid", "ASA"))


@pytest.fixture
def headache() -> Entity:
    return Entity.make("Symptom", "headache")


@pytest.fixture
def aspirin_treats_headache(aspirin: Entity, headache: Entity) -> Relation:
    return Relation(
        subject=aspirin.id,
        predicate="treats",
        object=headache.id,
        confidence=0.9,
        evidence=(
            Evidence(
                document_id="doc:1",
                start=0,
                end=30,
                sentence="Aspirin treats tension headache.",
                extractor="pattern:treats",
            ),
        ),
    )


@pytest.fixture
def small_batch(aspirin: Entity, headache: Entity, aspirin_treats_headache: Relation) -> GraphBatch:
    return GraphBatch(entities=(aspirin, headache), relations=(aspirin_treats_headache,))


@pytest.fixture
def no_llm_endpoint_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No LLM endpoint or key from the developer's shell reaches the test (CLI error paths need none)."""
    for name in ("KGSYNTH_LLM_BASE_URL", "KGSYNTH_LLM_MODEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which Neo4j the Neo4j leg ran against (its version as the server reports it)."""
    from tests.store.neo4j_env import neo4j_connection

    connection = neo4j_connection()
    if connection is None:
        terminalreporter.write_line("neo4j: no Neo4j server was used in this run")
        return
    from neo4j import GraphDatabase

    with GraphDatabase.driver(connection.uri, auth=(connection.user, connection.password)) as driver:
        records, _, _ = driver.execute_query("CALL dbms.components() YIELD name, versions, edition")
    for record in records:
        terminalreporter.write_line(
            f"neo4j: ran {record['name']} {', '.join(record['versions'])} {record['edition']} "
            f"at {connection.uri} (from {connection.origin})"
        )
