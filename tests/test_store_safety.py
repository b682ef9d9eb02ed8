"""No command damages or invents a store (issue 11): missing, foreign, newer and older SQLite files.

Every case runs the real CLI on a real file and checks the exact error line, the exit code, and
that the file on disk is exactly what it was before (absent, or byte-identical by SHA-256).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgsynth.cli import app
from kgsynth.errors import StoreError
from kgsynth.store import _sqlite_format, open_store
from kgsynth.store.sqlite import FORMAT_VERSION, SQLiteStore

GOOD = "Warfarin is used to prevent stroke. Aspirin interacts with warfarin."


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> list[str]:
    """Every file beside ``path`` whose name starts with it (journal, -wal and -shm files included)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


def read_only_commands(tmp_path: Path, store: Path) -> dict[str, list[str]]:
    claims = tmp_path / "claims.jsonl"
    claims.write_text('{"text": "Aspirin treats headache."}\n', encoding="utf-8")
    return {
        "stats": ["stats", "--store", str(store)],
        "export": ["export", "--format", "jsonl", "--store", str(store)],
        "generate": ["generate", "--n", "1", "-o", str(tmp_path / "out.jsonl"), "--store", str(store)],
        "check": ["check", str(claims), "--store", str(store)],
        "remove": ["remove", "doc:0000", "--store", str(store)],
    }


def foreign_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO users (name) VALUES ('ada')")
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    return path


# --------------------------------------------------------------------------- 1. missing stores


@pytest.mark.parametrize("command", ["stats", "export", "generate", "check", "remove"])
def test_read_command_refuses_a_missing_store_and_creates_nothing(runner, tmp_path, command):
    store = tmp_path / "typo.db"
    result = runner.invoke(app, read_only_commands(tmp_path, store)[command])
    assert result.exit_code == 1, result.output
    assert last_line(result.output) == f"Error: no kgsynth store at {store}; build or import first."
    assert siblings(store) == []


def test_read_command_refuses_an_empty_sqlite_file_and_leaves_it_empty(runner, tmp_path):
    store = tmp_path / "empty.db"
    store.write_bytes(b"")
    result = runner.invoke(app, ["stats", "--store", str(store)])
    assert result.exit_code == 1
    assert last_line(result.output) == f"Error: no kgsynth store at {store}; build or import first."
    assert store.read_bytes() == b""


def test_read_command_on_memory_store_is_unaffected(runner):
    result = runner.invoke(app, ["stats", "--store", ":memory:", "--json"])
    assert result.exit_code == 0, result.output
    assert '"entities": 0' in result.stdout


def test_sqlite_store_without_create_refuses_a_missing_file(tmp_path):
    path = tmp_path / "typo.db"
    with pytest.raises(StoreError, match=r"^no kgsynth store at .*typo\.db; build or import first\.$"):
        SQLiteStore(str(path), create=False)
    assert not path.exists()


def test_sqlite_store_without_create_opens_an_existing_store(tmp_path, small_batch, schema):
    path = str(tmp_path / "kg.db")
    with SQLiteStore(path) as store:
        store.ensure_schema(schema)
        store.write(small_batch)
    with SQLiteStore(path, create=False) as store:
        assert store.stats().relations == 1


# --------------------------------------------------------------------------- 2. foreign files


def test_build_refuses_a_foreign_sqlite_file_and_leaves_it_byte_identical(runner, tmp_path):
    store = foreign_sqlite(tmp_path / "users.db")
    before, names = digest(store), siblings(store)
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    args = ["build", str(tmp_path / "a.txt"), "--store", str(store), "--ontology", "medical"]
    result = runner.invoke(app, [*args, "--model", "blank"])
    assert result.exit_code == 1, result.output
    assert last_line(result.output) == (
        f'Error: SQLite store "{store}": the file is another program\'s database (tables: users), '
        "not a kgsynth store; nothing was written. Choose another store path."
    )
    assert (digest(store), siblings(store)) == (before, names)


def test_import_refuses_a_non_sqlite_file_and_leaves_it_byte_identical(runner, tmp_path):
    store = tmp_path / "notes.db"
    store.write_text("these are my notes, not a database\n" * 40, encoding="utf-8")
    before = digest(store)
    dump = tmp_path / "dump.jsonl"
    dump.write_text('{"kind": "schema", "name": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["import", str(dump), "--store", str(store)])
    assert result.exit_code == 1, result.output
    assert last_line(result.output) == (
        f'Error: SQLite store "{store}": the file is not a database, not a kgsynth store; '
        "nothing was written. Choose another store path."
    )
    assert (digest(store), siblings(store)) == (before, ["notes.db"])


def test_read_command_refuses_a_foreign_sqlite_file_without_touching_it(runner, tmp_path):
    store = foreign_sqlite(tmp_path / "users.db")
    before = digest(store)
    result = runner.invoke(app, ["stats", "--store", str(store)])
    assert result.exit_code == 1
    assert "another program's database (tables: users), not a kgsynth store" in last_line(result.output)
    assert (digest(store), siblings(store)) == (before, ["users.db"])


def test_store_from_a_newer_kgsynth_is_refused_untouched(runner, tmp_path, schema):
    path = tmp_path / "kg.db"
    with open_store(str(path)) as store:
        store.ensure_schema(schema)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(path)
    dump = tmp_path / "dump.jsonl"
    dump.write_text('{"kind": "schema", "name": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["import", str(dump), "--store", str(path)])
    assert result.exit_code == 1
    assert last_line(result.output) == (
        f'Error: SQLite store "{path}" has format {FORMAT_VERSION + 1}, newer than this kgsynth reads '
        f"({FORMAT_VERSION}); upgrade kgsynth."
    )
    assert digest(path) == before


def test_store_with_an_early_development_layout_is_refused(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("CREATE TABLE entities (id TEXT PRIMARY KEY, type TEXT, name TEXT, norm TEXT)")
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError) as raised:
        SQLiteStore(str(path))
    assert str(raised.value) == (
        f"{path} was written by an early kgsynth development snapshot whose tables cannot be "
        "migrated; nothing was written. Rebuild it into a new store with kgsynth build."
    )
    assert digest(path) == before


def test_store_of_an_older_format_is_migrated(tmp_path, monkeypatch, schema, small_batch):
    path = str(tmp_path / "kg.db")
    with SQLiteStore(path) as store:
        store.ensure_schema(schema)
        store.write(small_batch)
    monkeypatch.setattr(_sqlite_format, "FORMAT_VERSION", FORMAT_VERSION + 1)
    monkeypatch.setitem(
        _sqlite_format.MIGRATIONS, FORMAT_VERSION, "INSERT INTO meta (key, value) VALUES ('migrated', 'yes');"
    )
    with SQLiteStore(path) as store:
        assert store.stats().relations == 1
    with sqlite3.connect(path) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        migrated = conn.execute("SELECT value FROM meta WHERE key = 'migrated'").fetchone()
    conn.close()
    assert (version, migrated) == (FORMAT_VERSION + 1, ("yes",))


def test_store_of_an_older_format_without_migration_is_refused(tmp_path, monkeypatch, schema):
    path = tmp_path / "kg.db"
    with SQLiteStore(str(path)) as store:
        store.ensure_schema(schema)
    monkeypatch.setattr(_sqlite_format, "FORMAT_VERSION", FORMAT_VERSION + 1)
    before = digest(path)
    with pytest.raises(StoreError) as raised:
        SQLiteStore(str(path))
    assert str(raised.value) == (
        f'SQLite store "{path}" has format {FORMAT_VERSION}, older than this kgsynth reads '
        f"({FORMAT_VERSION + 1}) and no migration exists; nothing was written. "
        "Rebuild it into a new store with kgsynth build, or use an older kgsynth to export it."
    )
    assert digest(path) == before


def test_new_store_records_its_format_version(tmp_path):
    path = tmp_path / "kg.db"
    with SQLiteStore(str(path)):
        pass
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
    conn.close()


def test_failed_import_into_a_new_store_leaves_no_store_behind(runner, tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("@prefix ex: <http://example.org/> .\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(empty), "--store", str(tmp_path / "new.db")])
    assert result.exit_code == 1
    assert last_line(result.output) == (
        f"Error: {empty}: nothing to import: the file holds no triples. Nothing was written."
    )
    assert siblings(tmp_path / "new.db") == []
