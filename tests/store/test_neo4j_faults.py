"""Faults the Neo4j store meets on real connections: a silent server, a wrong password, an unknown
database. Each ends in one ``StoreConnectionError`` that names the setting to fix, within the
configured timeout, never a hang.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from kgsynth.errors import StoreConnectionError
from kgsynth.store.neo4j import Neo4jStore, timeout_from_env
from tests.store.neo4j_env import neo4j_connection_or_skip


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that accepts TCP connections and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"bolt://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_neo4j_silent_server_fails_within_timeout_naming_the_setting(silent_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(StoreConnectionError) as caught:
        Neo4jStore(silent_server, password="whatever", timeout=1.5)
    elapsed = time.monotonic() - started
    assert (elapsed < 8, "KGSYNTH_STORE__TIMEOUT" in str(caught.value)) == (True, True)


@pytest.mark.parametrize("raw", ["soon", "0", "-3", "nan"])
def test_neo4j_timeout_env_refuses_non_positive_seconds(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGSYNTH_STORE__TIMEOUT", raw)
    expected = f'KGSYNTH_STORE__TIMEOUT="{raw}" is not a positive number'
    with pytest.raises(StoreConnectionError, match=expected):
        timeout_from_env()


@pytest.mark.neo4j
def test_neo4j_wrong_password_names_the_password_setting() -> None:
    uri, user, _ = neo4j_connection_or_skip()
    with pytest.raises(StoreConnectionError) as caught:
        Neo4jStore(uri, user=user, password="certainly-not-the-password")
    message = str(caught.value)
    assert ("refused the credentials" in message, "KGSYNTH_NEO4J_PASSWORD" in message) == (True, True)


@pytest.mark.neo4j
def test_neo4j_unknown_database_names_the_database_setting() -> None:
    uri, user, password = neo4j_connection_or_skip()
    with pytest.raises(StoreConnectionError, match=r"has no such database .* Set KGSYNTH_NEO4J_DATABASE"):
        Neo4jStore(uri, user=user, password=password, database="nosuchdb")
