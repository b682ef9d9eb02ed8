"""Which SQLite files are kgsynth stores, and bringing stores of an older format up to date.

Opening a file must never damage it (issue 11): before ``SQLiteStore`` sets a pragma or creates a
table, ``inspect_file`` reads only the file's schema and ``PRAGMA user_version`` and refuses a
file that is not SQLite, a database of another program (tables kgsynth does not make, and not all
of ours), a store written by a newer kgsynth, or one of the early development layout. A store
of an older format is brought up to date by the ``MIGRATIONS`` scripts, in one transaction, or
refused when a step is missing. The format version is ``PRAGMA user_version``.
"""

from __future__ import annotations

import re
import sqlite3
from importlib.resources import files

from kgsynth.errors import StoreError

#: Bumped when the tables change incompatibly; a file from a newer kgsynth is refused. Add the SQL
#: that takes a store of the previous version to this one to ``MIGRATIONS`` at the same time.
FORMAT_VERSION = 1

#: SQL taking a store from format N to N + 1 (run in one transaction), keyed by N.
MIGRATIONS: dict[int, str] = {}

#: Tables every complete store has; a file holding all of them is ours even with tables added by a user.
CORE_TABLES = frozenset({"meta", "documents", "entities", "relations"})

_CREATED = re.compile(r"CREATE (?:VIRTUAL )?TABLE IF NOT EXISTS (\w+)", re.IGNORECASE)
_FTS5_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content")
_SHOWN = 5


def schema_script() -> str:
    """The statements of ``_schema.sql``, which create what a store lacks (idempotent)."""
    return files("kgsynth.store").joinpath("_schema.sql").read_text(encoding="utf-8")


def our_tables() -> frozenset[str]:
    """Every table ``_schema.sql`` creates, FTS5 shadow tables included."""
    created = _CREATED.findall(schema_script())
    shadows = {f"{name}{suffix}" for name in created if name.endswith("_fts") for suffix in _FTS5_SHADOWS}
    return frozenset(created) | shadows


def inspect_file(conn: sqlite3.Connection, url: str, *, create: bool) -> int:
    """The format version of the store ``conn`` opened (0 for a new, empty file), reading only.

    Raises:
        StoreError: the file is not an SQLite database, belongs to another program, is from a
            newer kgsynth or the early development layout, or (without ``create``) holds no store.
    """
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_NOTADB:
            raise
        raise StoreError(_refusal(url, "the file is not a database")) from exc
    tables = {name for name in tables if not name.startswith("sqlite_")}
    if not tables:
        if not create:
            raise StoreError(missing_store_message(url))
        return 0
    foreign = sorted(tables - our_tables())
    if foreign and not tables >= CORE_TABLES:
        more = f" and {len(foreign) - _SHOWN} more" if len(foreign) > _SHOWN else ""
        tables_shown = f"{', '.join(foreign[:_SHOWN])}{more}"
        raise StoreError(_refusal(url, f"the file is another program's database (tables: {tables_shown})"))
    _check_version(conn, url, version)
    return version


def missing_store_message(url: str) -> str:
    """The one message for a command that needs a store where there is none."""
    return f"no kgsynth store at {url}; build or import first."


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Run the migrations from ``version`` up to ``FORMAT_VERSION``, all in one transaction."""
    steps = "\n".join(MIGRATIONS[step] for step in range(version, FORMAT_VERSION))
    try:
        conn.executescript(f"BEGIN IMMEDIATE;\n{steps}\nPRAGMA user_version = {FORMAT_VERSION};\nCOMMIT;")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _check_version(conn: sqlite3.Connection, url: str, version: int) -> None:
    if version > FORMAT_VERSION:
        raise StoreError(
            f'SQLite store "{url}" has format {version}, newer than this kgsynth reads '
            f"({FORMAT_VERSION}); upgrade kgsynth."
        )
    entity_columns = {row[1] for row in conn.execute("PRAGMA table_info(entities)")}
    if entity_columns and "ref" not in entity_columns:  # before 5f137f1 entities were keyed by id
        raise StoreError(
            f"{url} was written by an early kgsynth development snapshot whose tables cannot be "
            "migrated; nothing was written. Rebuild it into a new store with kgsynth build."
        )
    if version and any(step not in MIGRATIONS for step in range(version, FORMAT_VERSION)):
        raise StoreError(
            f'SQLite store "{url}" has format {version}, older than this kgsynth reads '
            f"({FORMAT_VERSION}) and no migration exists; nothing was written. "
            "Rebuild it into a new store with kgsynth build, or use an older kgsynth to export it."
        )


def _refusal(url: str, why: str) -> str:
    return (
        f'SQLite store "{url}": {why}, not a kgsynth store; nothing was written. Choose another store path.'
    )
