"""``open_store(url)``: pick the backend from the URL, importing the Neo4j driver only when asked."""

from __future__ import annotations

from kgsynth.errors import MissingDependencyError
from kgsynth.store.base import GraphStore

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def is_neo4j_url(url: str) -> bool:
    """Whether ``url`` names a Neo4j server rather than a SQLite file."""
    return url.startswith(NEO4J_SCHEMES)


def open_store(
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    timeout: float | None = None,
    create: bool = True,
) -> GraphStore:
    """Open the store at ``url``: a SQLite file path, ``:memory:``, or a ``neo4j://`` / ``bolt://`` URL.

    Neo4j credentials not given here come from ``KGSYNTH_NEO4J_USER``, ``KGSYNTH_NEO4J_PASSWORD``
    and ``KGSYNTH_NEO4J_DATABASE``; ``timeout`` (seconds to connect, default 10) from
    ``KGSYNTH_STORE__TIMEOUT``. With ``create=False`` a SQLite path with no store behind it is
    refused instead of created (commands that only read pass it).

    Example:
        >>> with open_store(":memory:") as store:
        ...     store.stats().relations
        0
    """
    if is_neo4j_url(url):
        try:
            from kgsynth.store.neo4j import Neo4jStore
        except ModuleNotFoundError as exc:
            if exc.name != "neo4j":
                raise
            raise MissingDependencyError(
                'the neo4j store needs the Neo4j driver: pip install "kgsynth[neo4j]"'
            ) from exc
        return Neo4jStore(url, user=user, password=password, database=database, timeout=timeout)
    from kgsynth.store.sqlite import SQLiteStore

    return SQLiteStore(url, create=create)
