"""Connections to ``tasks.db``: WAL, a busy timeout, foreign keys, rows as dicts.

Both processes open their own connections; SQLite's locking (``BEGIN IMMEDIATE`` for every
write that reads first) makes a claim or a review atomic between them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from kgsynth.errors import StoreError

#: Milliseconds a connection waits for another process's write lock before failing.
BUSY_TIMEOUT_MS = 10_000


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create if needed) the service database at ``path``.

    Raises:
        StoreError: the file cannot be opened or is not a SQLite database.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(resources.files("kgsynth.service").joinpath("schema.sql").read_text("utf-8"))
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the service database ({exc}).") from exc
    return conn


class Database:
    """One ``tasks.db`` with a connection per thread (web requests run on a thread pool)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        connect(path).close()  # create the tables once, up front

    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self.path)
        return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on any error): one writer at a time."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


__all__ = ["Database", "connect", "transaction"]
