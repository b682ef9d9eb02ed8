"""Find a Neo4j for the contract suite's Neo4j leg, or skip it with the exact reason.

Order: ``KGSYNTH_NEO4J_URI`` if set; else a testcontainers Neo4j (pinned image) if a Docker
engine answers; else ``pytest.skip`` naming both things that were missing.
"""

from __future__ import annotations

import os

import pytest

NEO4J_IMAGE = "neo4j:5.26-community"
_container = None


def _docker_answers() -> str | None:
    """None if a Docker engine answers, else why not."""
    try:
        import docker  # testcontainers depends on it

        docker.from_env(timeout=3).ping()
    except Exception as exc:  # any failure means: no usable engine
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    return None


def neo4j_connection_or_skip() -> tuple[str, str, str]:
    """(uri, user, password) of a Neo4j to test against, or skip the test saying why there is none."""
    global _container
    uri = os.environ.get("KGSYNTH_NEO4J_URI")
    if uri:
        return (
            uri,
            os.environ.get("KGSYNTH_NEO4J_USER", "neo4j"),
            os.environ.get("KGSYNTH_NEO4J_PASSWORD", ""),
        )
    if _container is None:
        why = _docker_answers()
        if why is not None:
            pytest.skip(
                "Neo4j leg skipped: KGSYNTH_NEO4J_URI is not set and no Docker engine answers "
                f"for testcontainers ({why})"
            )
        from testcontainers.neo4j import Neo4jContainer

        _container = Neo4jContainer(NEO4J_IMAGE)
        _container.start()
    return (_container.get_connection_url(), "neo4j", _container.password)
