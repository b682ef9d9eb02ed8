"""Find a Neo4j for the Neo4j leg of the suite, or skip it with the exact reason.

Order: ``KGSYNTH_NEO4J_URI`` if set; else a real Neo4j community server started from the Maven
Central jars (``tests/neo4j/server.py``), once per test session; else a testcontainers Neo4j
(pinned image) if a Docker engine answers; else ``pytest.skip`` naming what was missing.
With ``KGSYNTH_REQUIRE_NEO4J=1`` (set by ``scripts/test.sh`` in CI) the leg never skips: a
missing server is a failure.
"""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass

import pytest

from tests.neo4j.server import LocalNeo4j, ServerError, resolve_jars

NEO4J_IMAGE = "neo4j:5.26-community"
REQUIRE_ENV = "KGSYNTH_REQUIRE_NEO4J"


@dataclass(frozen=True)
class Connection:
    """Where the Neo4j of this test session is, and how it was found."""

    uri: str
    user: str
    password: str
    origin: str


_connection: Connection | None = None
_failure: str | None = None


def _docker_answers() -> str | None:
    """None if a Docker engine answers, else why not."""
    try:
        import docker  # testcontainers depends on it

        docker.from_env(timeout=3).ping()
    except Exception as exc:  # any failure means: no usable engine
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    return None


def _from_maven() -> Connection:
    server = LocalNeo4j.create()
    atexit.register(server.remove)
    server.start()
    return Connection(server.uri, server.user, server.password, "maven")


def _from_docker() -> Connection:
    from testcontainers.neo4j import Neo4jContainer

    container = Neo4jContainer(NEO4J_IMAGE)
    container.start()
    atexit.register(container.stop)
    return Connection(container.get_connection_url(), "neo4j", container.password, "testcontainers")


def _find() -> Connection:
    uri = os.environ.get("KGSYNTH_NEO4J_URI")
    if uri:
        user = os.environ.get("KGSYNTH_NEO4J_USER", "neo4j")
        return Connection(uri, user, os.environ.get("KGSYNTH_NEO4J_PASSWORD", ""), "KGSYNTH_NEO4J_URI")
    try:
        resolve_jars()
    except ServerError as maven_missing:
        why = _docker_answers()
        if why is None:
            return _from_docker()
        raise ServerError(
            f"Neo4j leg: KGSYNTH_NEO4J_URI is not set, the Maven jars are unavailable ({maven_missing}) "
            f"and no Docker engine answers for testcontainers ({why})"
        ) from maven_missing
    return _from_maven()


def neo4j_connection() -> Connection | None:
    """The session's Neo4j if one was found (without starting one)."""
    return _connection


def neo4j_connection_or_skip() -> tuple[str, str, str]:
    """(uri, user, password) of a Neo4j to test against, or skip (fail if required) saying why."""
    global _connection, _failure
    if _connection is None and _failure is None:
        try:
            _connection = _find()
        except ServerError as exc:
            _failure = str(exc)
    if _connection is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but no Neo4j could be had: {_failure}", pytrace=False)
        pytest.skip(str(_failure))
    return _connection.uri, _connection.user, _connection.password
