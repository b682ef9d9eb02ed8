"""Benchmark SQLiteStore writes against plain sqlite3 executemany of the same rows, in one run.

Generates the seeded graph of ``_bench_graph`` lazily (typed entities, N relations each with one Evidence),
and writes it batch by batch four ways, each into its own file in --out-dir:

1. ``store``   SQLiteStore.write(GraphBatch): models in, merge-rule upserts, checks, FTS, indexes;
2. ``bulk``    the same writes inside ``SQLiteStore.bulk_load()``: read indexes dropped first and
               rebuilt once at the end (the rebuild is timed, as part of this pass);
3. ``plain``   sqlite3 executemany of the same rows (prebuilt tuples) into plain unindexed tables;
4. ``indexed`` sqlite3 executemany of the same tuples, plain INSERTs, into the store's own schema.

Each batch goes through all writers in turn, so a busy machine slows them alike and the
ratios stay comparable. Only the write calls are timed; building the models and tuples is not.
Peak and current RSS are printed at 25%, 50% and 100% of the rows. Then the bulk-loaded file is
checked to hold the same stats as the normally written one, and a few reads are timed on the
store file. Usage:

    .venv/bin/python scripts/bench_store.py --relations 1000000 --batch-size 10000
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from _bench_graph import SCHEMA, SEED, batches, entity, entity_count, with_typo

from kgsynth.model import GraphBatch, normalise_name
from kgsynth.store._sqlite_format import schema_script
from kgsynth.store.sqlite import PAGE_SIZE, SQLiteStore, _id_key

PRAGMAS = ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA temp_store = MEMORY")


@dataclass
class Pass:
    name: str
    rows: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def rows_of(batch: GraphBatch) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The entity, relation and evidence rows of a batch, as the store would write them."""
    entities = [(e.id, e.type, e.name, normalise_name(e.name)) for e in batch.entities]
    relations, evidence = [], []
    for r in batch.relations:
        rid = r.id
        relations.append((rid, r.subject, r.predicate, r.object, r.negated, r.hedged, r.confidence))
        evidence.extend(
            (rid, e.key, e.document_id, e.chunk_id, e.start, e.end, e.sentence, e.extractor)
            for e in r.evidence
        )
    return entities, relations, evidence


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def current_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


PLAIN_TABLES = """
    CREATE TABLE entities (id, type, name, norm);
    CREATE TABLE relations (id, subject, predicate, object, negated, hedged, confidence);
    CREATE TABLE evidence (relation_id, key, document_id, chunk_id, start, end_, sentence, extractor);"""
PLAIN_INSERTS = (
    "INSERT INTO entities VALUES (?, ?, ?, ?)",
    "INSERT INTO relations VALUES (?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
)
# The store's schema filled by bare statements: what its indexes cost without any of its checks.
INDEXED_INSERTS = (
    "INSERT OR IGNORE INTO entities (id, type, name, norm) VALUES (?, ?, ?, ?)",
    "INSERT OR IGNORE INTO relations (id_key, subject_ref, object_ref, subject, predicate, object, negated, "
    "hedged, confidence) VALUES (?, (SELECT ref FROM entities WHERE id = ?), "
    "(SELECT ref FROM entities WHERE id = ?), ?, ?, ?, ?, ?, ?)",
    "INSERT OR IGNORE INTO evidence SELECT seq, ?, ?, ?, ?, ?, ?, ? FROM relations WHERE id_key = ?",
)


def indexed_rows(rows: tuple[list[tuple], list[tuple], list[tuple]]) -> tuple[list[tuple], ...]:
    """The plain rows reshaped for INDEXED_INSERTS."""
    entities, relations, evidence = rows
    return (
        entities,
        [(_id_key(r[0]), r[1], r[3], r[1], r[2], r[3], r[4], r[5], r[6]) for r in relations],
        [(*e[1:], _id_key(e[0])) for e in evidence],
    )


class RawWriter:
    """Bare sqlite3 executemany of prebuilt row tuples, one transaction per batch."""

    def __init__(self, name: str, path: Path, indexed: bool) -> None:
        self.result = Pass(name)
        self.indexed = indexed
        self.conn = sqlite3.connect(path, isolation_level=None)
        if indexed:
            self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        for pragma in PRAGMAS:
            self.conn.execute(pragma)
        self.conn.executescript(schema_script() if indexed else PLAIN_TABLES)
        self.statements = INDEXED_INSERTS if indexed else PLAIN_INSERTS

    def write(self, rows: tuple[list[tuple], list[tuple], list[tuple]]) -> None:
        if self.indexed:
            rows = indexed_rows(rows)
        started = time.perf_counter()
        self.conn.execute("BEGIN")
        for statement, table_rows in zip(self.statements, rows, strict=True):
            self.conn.executemany(statement, table_rows)
        self.conn.execute("COMMIT")
        self.result.seconds += time.perf_counter() - started
        self.result.rows += len(rows[1])


def run_writes(out: Path, relations: int, batch_size: int, indexed: bool) -> tuple[list[Pass], list[str]]:
    """Write every batch through both stores and the raw writer(s) in turn, so all see the same load."""
    store_pass, bulk_pass = Pass("store"), Pass("bulk")
    marks, notes = {relations // 4, relations // 2, relations}, []
    raws = [RawWriter("plain", out / "plain.db", indexed=False)]
    if indexed:
        raws.append(RawWriter("indexed", out / "indexed.db", indexed=True))
    with SQLiteStore(str(out / "store.db")) as store, SQLiteStore(str(out / "bulk.db")) as bulk:
        store.ensure_schema(SCHEMA)
        bulk.ensure_schema(SCHEMA)
        with ExitStack() as loading:
            started = time.perf_counter()
            loading.enter_context(bulk.bulk_load())
            bulk_pass.seconds += time.perf_counter() - started
            for batch in batches(relations, batch_size):
                for target, result in ((store, store_pass), (bulk, bulk_pass)):
                    started = time.perf_counter()
                    target.write(batch)
                    result.seconds += time.perf_counter() - started
                rows = rows_of(batch)
                for raw in raws:
                    raw.write(rows)
                before, store_pass.rows = store_pass.rows, store_pass.rows + len(batch.relations)
                bulk_pass.rows = store_pass.rows
                if any(before < mark <= store_pass.rows for mark in marks):
                    plain = raws[0].result
                    notes.append(
                        f"  at {store_pass.rows:>9,} relations: peak RSS {peak_rss_mib():7.1f} MiB, "
                        f"current RSS {current_rss_mib():7.1f} MiB; so far store {store_pass.rate:,.0f}/s "
                        f"({store_pass.rate / plain.rate:.2f}x plain), bulk before index rebuild "
                        f"{bulk_pass.rate:,.0f}/s ({bulk_pass.rate / plain.rate:.2f}x), "
                        f"plain {plain.rate:,.0f}/s"
                    )
            started = time.perf_counter()
        rebuild = time.perf_counter() - started  # the index rebuild at the block's end
        bulk_pass.seconds += rebuild
        notes.append(f"  bulk_load index rebuild at exit: {rebuild:.1f} s")
        same = store.stats() == bulk.stats()
        notes.append(f"  bulk-loaded file has the same stats as the normal one: {same}")
    for raw in raws:
        raw.conn.close()
    return [store_pass, bulk_pass] + [raw.result for raw in raws], notes


def time_reads(path: Path, relations: int) -> list[str]:
    rng = random.Random(SEED + 1)
    entities = entity_count(relations)
    lines = []
    with SQLiteStore(str(path)) as store:
        started = time.perf_counter()
        stats = store.stats()
        lines.append(
            f"  stats(): {time.perf_counter() - started:.2f} s "
            f"({stats.relations:,} relations, {stats.entities:,} entities, {stats.evidence:,} evidence)"
        )
        picks = [entity(rng.randrange(entities)) for _ in range(200)]
        started = time.perf_counter()
        found = sum(len(store.neighbours(e.id)) for e in picks)
        lines.append(
            f"  neighbours() x200: {(time.perf_counter() - started) / 200 * 1000:.2f} ms each "
            f"({found} relations)"
        )
        started = time.perf_counter()
        hits = sum(len(store.find_entities(with_typo(e.name, rng), fuzzy=True)) for e in picks[:50])
        lines.append(
            f"  find_entities(fuzzy) x50: {(time.perf_counter() - started) / 50 * 1000:.1f} ms each "
            f"({hits} matches)"
        )
        started = time.perf_counter()
        walked = sum(len(page) for page in store.iter_relations())
        lines.append(
            f"  iter_relations() full pass: {time.perf_counter() - started:.1f} s ({walked:,} relations), "
            f"peak RSS now {peak_rss_mib():.1f} MiB"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument(
        "--out-dir", type=Path, default=None, help="where the four files go (default: a temp dir)"
    )
    parser.add_argument(
        "--skip-indexed", action="store_true", help="skip the raw pass into the indexed schema"
    )
    parser.add_argument("--skip-reads", action="store_true", help="skip timing reads on the store file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kgsynth-bench-", dir=args.out_dir) as tmp:
        out = Path(tmp)
        print(
            f"{args.relations:,} relations, batch size {args.batch_size:,}, "
            f"{entity_count(args.relations):,} entities, files in {out}"
        )
        passes, notes = run_writes(out, args.relations, args.batch_size, indexed=not args.skip_indexed)
        print("\n".join(notes))
        plain = next(result for result in passes if result.name == "plain")
        for result in passes:
            print(
                f"{result.name:>8}: {result.rows:,} relations in {result.seconds:6.1f} s = "
                f"{result.rate:>9,.0f} relations/s  (ratio to plain: {result.rate / plain.rate:.2f}x)"
            )
        print(f"bulk / store: {passes[1].rate / passes[0].rate:.2f}x")
        for name in ("store", "bulk"):
            print(f"{name} file: {(out / f'{name}.db').stat().st_size / 2**20:,.0f} MiB")
        if not args.skip_reads:
            print("reads on the store file:")
            print("\n".join(time_reads(out / "store.db", args.relations)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
