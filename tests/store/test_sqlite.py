"""What only the SQLite backend does: one file that persists, WAL mode, errors that name the file."""

from __future__ import annotations

import random
import sqlite3

import pytest

from kgsynth.errors import StoreError, UnknownEntityTypeError
from kgsynth.model import Entity, Evidence, GraphBatch, Relation
from kgsynth.store import open_store
from kgsynth.store.sqlite import DEFERRED_INDEXES, FORMAT_VERSION, SQLiteStore


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


# --------------------------------------------------------------------------- bulk_load


def _indexes(path: str) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        return dict(rows)


def _graph(store: SQLiteStore) -> tuple[object, ...]:
    """Everything a store holds, as values: stats, entities, relations with evidence, fuzzy hits."""
    entities = [e for page in store.iter_entities(batch_size=7) for e in page]
    relations = [r for page in store.iter_relations(batch_size=7) for r in page]
    return (
        store.stats(),
        entities,
        relations,
        [sorted(e.key for e in r.evidence) for r in relations],
        [store.neighbours(e.id) for e in entities],
        [store.find_entities(e.name[:-1], fuzzy=True) for e in entities[:5]],
    )


def _batches(seed: int, count: int) -> list[GraphBatch]:
    """Seeded batches whose relations repeat across batches, so the merge rules are exercised."""
    rng = random.Random(seed)
    names = [Entity.make(("Drug", "Symptom")[i % 2], f"thing {i:03d}", aliases=(f"t{i}",)) for i in range(40)]
    out = []
    for number in range(count):
        rels = []
        for _ in range(30):
            subject, object_ = rng.sample(names, 2)
            start = rng.randrange(0, 50)
            rels.append(
                Relation(
                    subject=subject.id,
                    predicate=rng.choice(("treats", "causes")),
                    object=object_.id,
                    hedged=rng.random() < 0.5,
                    confidence=round(rng.random(), 2),
                    evidence=(
                        Evidence(
                            document_id=f"doc:{number % 3}",
                            start=start,
                            end=start + 4,
                            sentence=f"sentence {start}",
                            extractor=rng.choice(("a", "b")),
                        ),
                    ),
                )
            )
        out.append(GraphBatch(entities=tuple(names), relations=tuple(rels)))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_sqlite_store_bulk_load_gives_same_graph_as_normal_writes(tmp_path, seed):
    batches = _batches(seed, 6)
    with SQLiteStore(str(tmp_path / "normal.db")) as normal, SQLiteStore(str(tmp_path / "bulk.db")) as bulk:
        for batch in batches:
            normal.write(batch)
        with bulk.bulk_load():
            for batch in batches:
                bulk.write(batch)
        assert _graph(bulk) == _graph(normal)


def test_sqlite_store_bulk_load_drops_deferred_indexes_inside(path):
    with SQLiteStore(path) as store, store.bulk_load():
        assert set(_indexes(path)) & set(DEFERRED_INDEXES) == set()


def test_sqlite_store_bulk_load_restores_indexes_after(path, small_batch):
    SQLiteStore(path).close()
    before = _indexes(path)
    with SQLiteStore(path) as store:
        with store.bulk_load():
            store.write(small_batch)
        assert _indexes(path) == before


def test_sqlite_store_bulk_load_restores_indexes_after_exception(path):
    SQLiteStore(path).close()
    before = _indexes(path)
    with SQLiteStore(path) as store:
        with pytest.raises(RuntimeError), store.bulk_load():
            raise RuntimeError("stop")
        assert _indexes(path) == before


@pytest.mark.parametrize("name", DEFERRED_INDEXES)
def test_sqlite_store_deferred_index_is_in_schema(path, name):
    SQLiteStore(path).close()
    assert name in _indexes(path)


def test_sqlite_store_bulk_load_failing_batch_rolls_back(path, small_batch, schema):
    other = Entity.make("Drug", "other")
    with SQLiteStore(path) as store:
        store.ensure_schema(schema)
        with store.bulk_load():
            store.write(small_batch)
            before = store.stats()
            bad = GraphBatch(
                entities=(other,),
                relations=(small_batch.relations[0].model_copy(update={"subject": "Drug:missing"}),),
            )
            with pytest.raises(StoreError, match='refers to entity "Drug:missing", which is neither in'):
                store.write(bad)
            assert (store.stats(), store.get_entity(other.id)) == (before, None)


def test_sqlite_store_reopen_after_interrupted_bulk_load_restores_indexes(path, small_batch):
    """A process killed inside bulk_load never runs its exit; leaving the block unexited stands in."""
    SQLiteStore(path).close()
    before = _indexes(path)
    store = SQLiteStore(path)
    block = store.bulk_load()
    block.__enter__()
    store.write(small_batch)
    store._conn.close()  # the process dies: no exit, no close
    store._conn = None
    with SQLiteStore(path) as reopened:
        assert (_indexes(path), reopened.stats().relations) == (before, 1)


def test_sqlite_store_nested_bulk_load_rebuilds_only_at_outer_exit(path):
    with SQLiteStore(path) as store, store.bulk_load():
        with store.bulk_load():
            pass
        assert set(_indexes(path)) & set(DEFERRED_INDEXES) == set()


def test_sqlite_store_clear_inside_bulk_load_keeps_indexes_deferred(path, small_batch):
    with SQLiteStore(path) as store, store.bulk_load():
        store.write(small_batch)
        store.clear()
        assert (set(_indexes(path)) & set(DEFERRED_INDEXES), store.stats().relations) == (set(), 0)
