"""What only the SQLite backend does: one file that persists, WAL mode, errors that name the file."""

from __future__ import annotations

import sqlite3

import pytest

from kgsynth.errors import StoreError, UnknownEntityTypeError
from kgsynth.model import GraphBatch
from kgsynth.store import open_store
from kgsynth.store.sqlite import FORMAT_VERSION, SQLiteStore


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "kg.db")


def test_sqlite_store_keeps_graph_across_reopen(path, small_batch):
    with SQLiteStore(path) as store:
        store.write(small_batch)
        before = (store.stats(), store.relations())
    with SQLiteStore(path) as store:
        assert (store.stats(), store.relations()) == before


def test_sqlite_store_keeps_schema_across_reopen(path, schema):
    with SQLiteStore(path) as store:
        store.ensure_schema(schema)
    with SQLiteStore(path) as store:
        assert store.schema() == schema


def test_sqlite_store_checks_against_schema_after_reopen(path, schema, aspirin):
    with SQLiteStore(path) as store:
        store.ensure_schema(schema)
    with SQLiteStore(path) as store, pytest.raises(UnknownEntityTypeError, match='entity type "Virus"'):
        store.write(GraphBatch(entities=(aspirin.model_copy(update={"type": "Virus"}),)))


def test_sqlite_store_file_is_in_wal_mode(path):
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_sqlite_store_in_memory_holds_a_graph(small_batch, aspirin_treats_headache):
    with open_store(":memory:") as store:
        store.write(small_batch)
        assert (type(store), store.relations()) == (SQLiteStore, [aspirin_treats_headache])


def test_sqlite_store_in_memory_is_not_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    SQLiteStore(":memory:").close()
    assert list(tmp_path.iterdir()) == []


def test_sqlite_store_unopenable_path_error_names_it(tmp_path):
    missing = str(tmp_path / "no-such-dir" / "kg.db")
    with pytest.raises(StoreError, match=f'SQLite store "{missing}": could not open the database'):
        SQLiteStore(missing)


def test_sqlite_store_non_database_file_error_names_it(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("this is not a database\n" * 200)
    with pytest.raises(StoreError, match=f'SQLite store "{junk}".*file is not a database'):
        SQLiteStore(str(junk))


def test_sqlite_store_refuses_file_from_newer_format(path):
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this kgsynth reads"):
        SQLiteStore(path)


def test_sqlite_store_closed_store_refuses_reads(path):
    store = SQLiteStore(path)
    store.close()
    with pytest.raises(StoreError, match=f'the SQLite store "{path}" is closed'):
        store.stats()


def test_sqlite_store_failed_commit_rolls_back_and_names_file(path, small_batch, monkeypatch):
    """A disk that fails at COMMIT cannot be made on demand, so a connection that fails there stands in."""
    store = SQLiteStore(path)
    real = store._conn

    class FailingCommit:
        def __getattr__(self, name):
            return getattr(real, name)

        def execute(self, sql, *args):
            if sql == "COMMIT":
                raise sqlite3.OperationalError("disk I/O error")
            return real.execute(sql, *args)

    monkeypatch.setattr(store, "_conn", FailingCommit())
    with pytest.raises(
        StoreError, match=f'SQLite store "{path}": could not write a batch of 3 rows: disk I/O'
    ):
        store.write(small_batch)
    monkeypatch.setattr(store, "_conn", real)
    assert store.stats().entities == 0
