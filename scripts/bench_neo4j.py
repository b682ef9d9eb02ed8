"""Benchmark the Neo4j store: writes against a bare baseline, read latency, and generate's memory.

One run, on the seeded graph of ``_bench_graph`` (the same rows for every writer):

1. **Writes.** Each batch (``--batch-size`` relations plus the entities they first need; rows =
   entities + relations, every relation with one Evidence) goes through three writers, in an
   order that rotates per batch so machine load hits them alike:
   ``neo4j store`` (``Neo4jStore.write`` after ``ensure_schema``, the production path),
   ``baseline`` (one ``UNWIND $rows MERGE ...`` per 1,000 rows on uniqueness-constrained keys, the
   practice Neo4j recommends, writing the same property values, evidence as flat lists, in one
   transaction per batch) and ``sqlite store`` (``SQLiteStore.write``, for reference). The
   baseline lives beside the store's graph in the same database, under the label
   ``BenchEntity`` and relationship types ``bench_<predicate>``, so both meet the same server
   state; its rows are built before its clock starts (that time is printed apart, and a second
   ratio counts it), the store's are built inside ``write``.
   The store's time is split per statement name from its DEBUG statement log.
2. **Reads.** On graphs of ``--relations`` sizes (default 100k and 1M): p50/p95 of 200 seeded
   queries each (after 20 untimed ones) of neighbours, a 2-hop subgraph, find_entities exact
   and fuzzy (the name with one typo; also through the older per-trigram probes, for
   comparison), and relations_by_id of 100 ids.
3. **Generate memory.** ``kgsynth generate --store <neo4j> --n 200 --seed 7 --format raw`` as a
   subprocess on graphs of ``--generate-sizes`` relations; its peak RSS from ``wait4``.

The graph of N relations is the first N of any bigger one, so the run grows one graph from the
write phase's size up to the biggest size asked for, and a later run reuses what is loaded (a
``BenchProgress`` node records how many relations are in). It DELETES everything in the target
database, so it refuses to run without ``--yes-clear``. Point it at a server of its own:

    bash scripts/neo4j-server.sh start --port 17699 --home /tmp/benchneo4j   # prints export lines
    export KGSYNTH_NEO4J_URI=... KGSYNTH_NEO4J_USER=... KGSYNTH_NEO4J_PASSWORD=...
    .venv/bin/python scripts/bench_neo4j.py --yes-clear            # default run
    .venv/bin/python scripts/bench_neo4j.py --yes-clear --quick    # about three minutes
    bash scripts/neo4j-server.sh stop --home /tmp/benchneo4j
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
from _bench_graph import (
    BLOCK,
    GRAPH_VERSION,
    PREDICATES,
    SCHEMA,
    SEED,
    batches,
    entity,
    entity_count,
    relations,
    with_typo,
)

import kgsynth
from kgsynth.errors import KgsynthError
from kgsynth.model import GraphBatch
from kgsynth.store import neo4j as neo4j_store
from kgsynth.store._cypher import NAME_KEY_SEPARATOR, ROWS_PER_STATEMENT
from kgsynth.store.neo4j import PASSWORD_ENV, USER_ENV, Neo4jStore, _entity_row, _relation_row
from kgsynth.store.sqlite import SQLiteStore

URI_ENV = "KGSYNTH_NEO4J_URI"
QUERIES = 200
WARMUP = 20
IDS_PER_LOOKUP = 100
TARGET_RATIO = 0.7
DEFAULTS = {"write": 100_000, "reads": (100_000, 1_000_000), "generate": (250_000, 500_000)}
QUICK = {"write": 10_000, "reads": (10_000, 30_000), "generate": (20_000, 40_000)}

BASE_LABEL = "BenchEntity"
BASE_TYPE = "bench_{}"
# Named kgsynth_* so that Neo4jStore.clear() drops them with the store's own.
BASE_CONSTRAINTS = [
    f"CREATE CONSTRAINT kgsynth_bench_entity_id IF NOT EXISTS FOR (n:{BASE_LABEL}) REQUIRE n.id IS UNIQUE"
] + [
    f"CREATE CONSTRAINT kgsynth_bench_rel_{p}_id IF NOT EXISTS FOR ()-[r:{BASE_TYPE.format(p)}]-() "
    "REQUIRE r.id IS UNIQUE"
    for p in PREDICATES
]
BASE_ENTITIES = f"UNWIND $rows AS row MERGE (e:{BASE_LABEL} {{id: row.id}}) SET e += row.props"
BASE_RELATIONS = (
    f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{id: row.s}}), (o:{BASE_LABEL} {{id: row.o}}) "
    "MERGE (s)-[r:<type> {id: row.id}]->(o) SET r += row.props"
)
BASE_COUNTS = (
    f"MATCH (e:{BASE_LABEL}) WITH count(e) AS entities "
    f"OPTIONAL MATCH (:{BASE_LABEL})-[r]->(:{BASE_LABEL}) RETURN entities, count(r) AS relations"
)
BASE_DELETE = f"MATCH (n:{BASE_LABEL}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 1000 ROWS"
BASE_DROP = "SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'kgsynth_bench_' RETURN name"
# Emptying in one pass of small transactions: Neo4jStore.clear() deletes 10,000 nodes per
# transaction with their relationships, which on the 1M graph (early entities are hubs) exceeds
# the test server's transaction memory limit (MemoryPoolOutOfMemoryError at 1 GB heap).
EMPTY = (
    "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
)
# How much of the graph is loaded: the graph of N relations is the first N of any bigger one.
PROGRESS_READ = "MATCH (m:BenchProgress {key: 'graph'}) RETURN m.relations AS relations, m.graph AS graph"
PROGRESS_WRITE = "MERGE (m:BenchProgress {key: 'graph'}) SET m.relations = $relations, m.graph = $graph"
GRAPH_ID = f"seed {SEED}, version {GRAPH_VERSION}"


class BenchError(Exception):
    """The benchmark cannot run; the message is the one line printed."""


# --------------------------------------------------------------------------- writers


@dataclass
class Writer:
    """Rows written and seconds spent by one writer, split per step where it can tell."""

    name: str
    rows: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def write(self, batch: GraphBatch) -> None:
        raise NotImplementedError


class StepClock(logging.Handler):
    """Seconds per statement name inside ``Neo4jStore.write``, read off its DEBUG statement log.

    The store logs each statement just before running it, so the time from one record to the
    next is that statement's; the time before the first is planning in Python (and BEGIN), and
    the last statement's segment ends after the commit.
    """

    def __init__(self, steps: dict[str, float]) -> None:
        super().__init__(logging.DEBUG)
        self.steps = steps
        self.current: tuple[str, float] | None = None

    def start(self) -> None:
        self.current = ("plan_write + begin (client)", time.perf_counter())

    def emit(self, record: logging.LogRecord) -> None:
        if self.current is None or not isinstance(record.args, tuple):
            return
        now = time.perf_counter()
        name, since = self.current
        if record.msg.startswith("neo4j: wrote"):
            self.steps[f"{name} + commit"] += now - since
            self.current = None
        elif record.msg == "neo4j: %s%s: %.300s":
            self.steps[name] += now - since
            self.current = (str(record.args[0]).split("[")[0], now)


class StoreWriter(Writer):
    """``Neo4jStore.write``: the production path."""

    def __init__(self, store: Neo4jStore) -> None:
        super().__init__("neo4j store")
        self.store = store
        self.clock = StepClock(self.steps)

    @contextmanager
    def timing_steps(self) -> Iterator[None]:
        log = logging.getLogger(neo4j_store.__name__)
        level, propagate = log.level, log.propagate
        log.addHandler(self.clock)
        log.setLevel(logging.DEBUG)
        log.propagate = False
        try:
            yield
        finally:
            log.removeHandler(self.clock)
            log.setLevel(level)
            log.propagate = propagate

    def write(self, batch: GraphBatch) -> None:
        started = time.perf_counter()
        self.clock.start()
        self.store.write(batch)
        self.seconds += time.perf_counter() - started
        self.rows += len(batch.entities) + len(batch.relations)


class BaselineWriter(Writer):
    """One ``UNWIND $rows MERGE`` per 1,000 rows on constrained keys, one transaction per batch."""

    def __init__(self, driver: neo4j.Driver, database: str | None) -> None:
        super().__init__("baseline")
        self.driver, self.database = driver, database
        #: Building the rows from the batch's models, which the store's time includes (plan_write).
        self.build_seconds = 0.0
        for statement in BASE_CONSTRAINTS:
            driver.execute_query(statement, database_=database)
        driver.execute_query("CALL db.awaitIndexes(300)", database_=database)

    def write(self, batch: GraphBatch) -> None:
        started = time.perf_counter()
        statements = baseline_statements(batch)
        self.build_seconds += time.perf_counter() - started  # reported apart, not in ``seconds``
        started = time.perf_counter()
        with self.driver.session(database=self.database) as session:
            session.execute_write(lambda tx: self._run(tx, statements))
        self.seconds += time.perf_counter() - started
        self.rows += len(batch.entities) + len(batch.relations)

    def _run(self, tx: neo4j.ManagedTransaction, statements: list[tuple[str, str, list[dict]]]) -> None:
        for name, statement, rows in statements:
            for first in range(0, len(rows), ROWS_PER_STATEMENT):
                started = time.perf_counter()
                tx.run(statement, rows=rows[first : first + ROWS_PER_STATEMENT]).consume()
                self.steps[name] += time.perf_counter() - started


def baseline_statements(batch: GraphBatch) -> list[tuple[str, str, list[dict]]]:
    """(step, statement, rows) of the baseline: the store's own property values, evidence as flat lists."""
    entity_rows = []
    for e in batch.entities:
        row = _entity_row(e)
        keys = [row["name_key"], *row["alias_keys"]]
        props = {k: row[k] for k in ("type", "name", "aliases", "alias_keys")}
        props["name_keys"] = NAME_KEY_SEPARATOR + NAME_KEY_SEPARATOR.join(keys) + NAME_KEY_SEPARATOR
        entity_rows.append({"id": e.id, "props": props})
    by_type: dict[str, list[dict]] = defaultdict(list)
    for r in batch.relations:
        row = _relation_row(r.id, r)
        props = {k: v for k, v in row.items() if k in ("negated", "hedged", "confidence") or k[:3] == "ev_"}
        by_type[r.predicate].append({"id": row["id"], "s": r.subject, "o": r.object, "props": props})
    statements = [("merge entities", BASE_ENTITIES, entity_rows)]
    for predicate, rows in sorted(by_type.items()):
        statements.append(
            ("merge relations", BASE_RELATIONS.replace("<type>", BASE_TYPE.format(predicate)), rows)
        )
    return statements


class SQLiteWriter(Writer):
    """``SQLiteStore.write`` into a file of its own, for reference."""

    def __init__(self, store: SQLiteStore) -> None:
        super().__init__("sqlite store")
        self.store = store

    def write(self, batch: GraphBatch) -> None:
        started = time.perf_counter()
        self.store.write(batch)
        self.seconds += time.perf_counter() - started
        self.rows += len(batch.entities) + len(batch.relations)


def run_writes(bench: Bench, total: int, batch_size: int) -> list[Writer]:
    """Write the first ``total`` relations through every writer, batch by batch, in rotating order."""
    bench.reset()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kgsynth-bench-neo4j-")))
        sqlite = stack.enter_context(SQLiteStore(str(folder / "store.db")))
        sqlite.ensure_schema(SCHEMA)
        store_writer = StoreWriter(bench.store)
        stack.enter_context(store_writer.timing_steps())
        writers: list[Writer] = [
            store_writer,
            BaselineWriter(bench.driver, bench.database),
            SQLiteWriter(sqlite),
        ]
        progress = Progress("write", total)
        for number, batch in enumerate(batches(total, batch_size)):
            turn = number % len(writers)
            for writer in writers[turn:] + writers[:turn]:
                writer.write(batch)
            progress.advance(len(batch.relations))
    baseline = writers[1]
    baseline.steps["session + commit"] = baseline.seconds - sum(baseline.steps.values())
    bench.check_baseline_graph()
    bench.drop_baseline()
    bench.mark_loaded(total)
    return writers


def print_writes(writers: list[Writer], total: int, batch_size: int) -> None:
    store, baseline = writers[0], writers[1]
    print(f"\n== writes: {total:,} relations + {entity_count(total):,} entities, batches of {batch_size:,}")
    print(f"{'writer':<14}{'rows':>11}{'seconds':>10}{'rows/s':>11}{'vs baseline':>13}")
    for writer in writers:
        print(
            f"{writer.name:<14}{writer.rows:>11,}{writer.seconds:>10.1f}{writer.rate:>11,.0f}"
            f"{writer.rate / baseline.rate:>12.2f}x"
        )
    ratio = store.rate / baseline.rate
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"store / baseline = {ratio:.3f}x ({verdict} the target of >= {TARGET_RATIO}x)")
    built = getattr(baseline, "build_seconds", 0.0)
    print(
        f"store / baseline with its rows built from the same models ({built:.1f} s more) = "
        f"{(baseline.seconds + built) / store.seconds:.3f}x"
    )
    for writer in (store, baseline):
        print(f"{writer.name} time by step:")
        for name, seconds in sorted(writer.steps.items(), key=lambda item: -item[1]):
            print(f"  {name:<40}{seconds:>8.2f} s  {seconds / writer.seconds:>5.0%}")


# --------------------------------------------------------------------------- the database


@dataclass
class Bench:
    """The store and a bare driver on the same database, and the benchmark's own bookkeeping there."""

    store: Neo4jStore
    driver: neo4j.Driver

    @property
    def database(self) -> str | None:
        return self.store.database

    def query(self, statement: str, **params: Any) -> list[Any]:
        return self.driver.execute_query(statement, params, database_=self.database).records

    def reset(self) -> None:
        """Delete everything, then register the bench schema (constraints before the first write)."""
        for statement in EMPTY:
            self.run_in_transactions(statement)
        self.store.clear()  # drops the store's (and the baseline's kgsynth_bench_*) constraints
        self.store.ensure_schema(SCHEMA)
        self.mark_loaded(0)

    def loaded(self) -> int | None:
        """Relations of the bench graph loaded so far; None when the database holds something else."""
        records = self.query(PROGRESS_READ)
        if records and records[0]["graph"] == GRAPH_ID:
            return records[0]["relations"]
        empty = not self.query("MATCH (n) RETURN n LIMIT 1")
        return 0 if empty else None

    def mark_loaded(self, total: int) -> None:
        self.query(PROGRESS_WRITE, relations=total, graph=GRAPH_ID)

    def check_baseline_graph(self) -> None:
        """The baseline wrote the same graph as the store (else its time would mean nothing)."""
        stats = self.store.stats()
        counts = self.query(BASE_COUNTS)[0]
        if (counts["entities"], counts["relations"]) != (stats.entities, stats.relations):
            raise BenchError(
                f"the baseline wrote {counts['entities']:,} entities and {counts['relations']:,} relations, "
                f"the store {stats.entities:,} and {stats.relations:,}: the comparison is void."
            )

    def run_in_transactions(self, statement: str) -> None:
        """Run a ``CALL ... IN TRANSACTIONS`` statement, which needs an auto-commit transaction."""
        with self.driver.session(database=self.database) as session:
            session.run(statement).consume()

    def drop_baseline(self) -> None:
        self.run_in_transactions(BASE_DELETE)
        for record in self.query(BASE_DROP):
            self.query(f"DROP CONSTRAINT `{record['name']}`")


class Progress:
    """A line on stdout every ~10% (or 30 s) of a long load, with rate and time left."""

    def __init__(self, what: str, total: int, done: int = 0) -> None:
        self.what, self.total, self.done, self.start_at = what, total, done, done
        self.started = self.last = time.perf_counter()
        self.step = max(total // 10, 1)

    def advance(self, relations: int) -> None:
        before, self.done = self.done, self.done + relations
        now = time.perf_counter()
        if self.done // self.step == before // self.step and now - self.last < 30 and self.done < self.total:
            return
        self.last = now
        rate = (self.done - self.start_at) / (now - self.started)
        left = (self.total - self.done) / rate if rate else 0.0
        print(
            f"  {self.what}: {self.done:,} / {self.total:,} relations ({rate:,.0f} relations/s, "
            f"{now - self.started:.0f} s so far, ~{left:.0f} s left)",
            flush=True,
        )


def grow_graph(bench: Bench, size: int, batch_size: int) -> None:
    """Make the database hold exactly the first ``size`` relations, loading only what is missing."""
    loaded = bench.loaded()
    if loaded is None or loaded > size:
        held = "something else" if loaded is None else f"{loaded:,} relations"
        print(f"  clearing the database (it holds {held})")
        bench.reset()
        loaded = 0
    elif loaded == size:
        print(f"  reusing the loaded graph of {size:,} relations")
        return
    elif loaded == 0:
        bench.reset()
    progress = Progress(f"load to {size:,}", size, loaded)
    started = time.perf_counter()
    for batch in batches(size, batch_size, start=loaded):
        bench.store.write(batch)
        progress.advance(len(batch.relations))
        bench.mark_loaded(min(progress.done, size))
    seconds = time.perf_counter() - started
    print(f"  loaded {size - loaded:,} relations in {seconds:.0f} s (generating the rows included)")


# --------------------------------------------------------------------------- reads


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_queries(query: Callable[[Any], int], arguments: list[Any]) -> tuple[list[float], int]:
    """Milliseconds of each call after ``WARMUP`` untimed ones, and the summed result sizes."""
    for argument in arguments[:WARMUP]:
        query(argument)
    times, found = [], 0
    for argument in arguments[WARMUP:]:
        started = time.perf_counter()
        found += query(argument)
        times.append((time.perf_counter() - started) * 1000)
    return times, found


def read_queries(store: Neo4jStore, size: int) -> dict[str, tuple[Callable[[Any], int], list[Any], str]]:
    """(query, seeded arguments, what the result count means) per read, on the graph of ``size``."""
    rng = random.Random(SEED * 1_000_003 + size)
    count = WARMUP + QUERIES
    picks = [entity(rng.randrange(entity_count(size))) for _ in range(count)]
    typos = [(e, with_typo(e.name, rng)) for e in picks]
    blocks = rng.sample(range(size // BLOCK), min(20, size // BLOCK))
    pool = [r.id for b in blocks for r in relations(b * BLOCK, (b + 1) * BLOCK)]
    id_lists = [rng.sample(pool, IDS_PER_LOOKUP) for _ in range(count)]

    def found_by_fuzzy(pair: tuple[Any, str]) -> int:
        wanted, typo = pair
        return any(m.entity.id == wanted.id for m in store.find_entities(typo, fuzzy=True))

    def found_by_probes(pair: tuple[Any, str]) -> int:
        """The same through the statement stores without ``name_grams`` use (one probe per trigram)."""
        store._name_grams_ready = False
        try:
            return found_by_fuzzy(pair)
        finally:
            store._name_grams_ready = None

    return {
        "neighbours": (lambda e: len(store.neighbours(e.id)), picks, "relations returned"),
        "k-hop subgraph(e, 2)": (
            lambda e: len(store.subgraph(e.id, 2).relations),
            picks,
            "relations returned",
        ),
        "find_entities exact": (
            lambda e: any(m.entity.id == e.id for m in store.find_entities(e.name)),
            picks,
            "entities found",
        ),
        "find_entities fuzzy": (found_by_fuzzy, typos, "entities found through a typo"),
        "  same, trigram probes": (found_by_probes, typos, "found (before the full-text index)"),
        f"relations_by_id x{IDS_PER_LOOKUP}": (
            lambda ids: len(store.relations_by_id(ids)),
            id_lists,
            f"relations found of {IDS_PER_LOOKUP * QUERIES:,} asked",
        ),
    }


def run_reads(store: Neo4jStore, size: int) -> list[tuple[str, float, float, str]]:
    """p50/p95 (ms) of each read on the loaded graph of ``size`` relations."""
    results = []
    for name, (query, arguments, meaning) in read_queries(store, size).items():
        times, found = time_queries(query, arguments)
        results.append((name, statistics.median(times), percentile(times, 0.95), f"{found:,} {meaning}"))
    return results


def print_reads(size: int, results: list[tuple[str, float, float, str]]) -> None:
    print(f"\n== reads on {size:,} relations ({QUERIES} queries each, after {WARMUP} untimed)")
    print(f"{'query':<24}{'p50 ms':>9}{'p95 ms':>9}  result")
    for name, p50, p95, found in results:
        print(f"{name:<24}{p50:>9.2f}{p95:>9.2f}  {found}")


# --------------------------------------------------------------------------- generate memory


def generate_peak_rss(url: str) -> tuple[float, float]:
    """Peak RSS (MiB) and wall seconds of ``kgsynth generate`` from the Neo4j graph, in a subprocess.

    It runs in an empty folder (no kgsynth.toml is picked up) with this process's kgsynth on its
    path; ``wait4`` gives the RSS of that one child.
    """
    code_root = str(Path(kgsynth.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [code_root, os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryDirectory(prefix="kgsynth-bench-generate-") as folder:
        command = [sys.executable, "-m", "kgsynth", "generate", "--store", url, "--n", "200", "--seed", "7"]
        command += ["--format", "raw", "-o", str(Path(folder) / "x.jsonl")]
        with open(Path(folder) / "stderr.txt", "w+b") as errors:
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=folder, env=env, stdout=errors, stderr=errors)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.perf_counter() - started
            if process.returncode != 0:
                errors.seek(0)
                tail = errors.read().decode(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
                raise BenchError(f"kgsynth generate exited with {process.returncode}: {tail[0]}")
    return usage.ru_maxrss / 1024, seconds  # Linux reports KiB


def print_generate(results: list[tuple[int, float, float]]) -> None:
    print("\n== kgsynth generate --n 200 --seed 7 --format raw from Neo4j: peak RSS as the graph grows")
    print(f"{'relations':>10}{'peak RSS MiB':>14}{'seconds':>9}{'vs first':>10}")
    first = results[0][1]
    for size, rss, seconds in results:
        print(f"{size:>10,}{rss:>14.0f}{seconds:>9.1f}{rss / first:>9.2f}x")
    for (small, rss_small, _), (big, rss_big, _) in itertools.pairwise(results):
        per_relation = (rss_big - rss_small) * 2**20 / (big - small)
        print(
            f"{small:,} -> {big:,} relations: +{rss_big - rss_small:.0f} MiB, "
            f"{per_relation:.0f} bytes per added relation"
        )


# --------------------------------------------------------------------------- main


def parse_sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    if not sizes or any(size <= 0 or size % BLOCK for size in sizes):
        raise argparse.ArgumentTypeError(f'"{text}": sizes must be positive multiples of {BLOCK:,}')
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j", default=os.environ.get(URI_ENV), help=f"Bolt URL (default: ${URI_ENV})")
    parser.add_argument(
        "--yes-clear", action="store_true", help="agree that EVERYTHING in that database is deleted"
    )
    parser.add_argument("--quick", action="store_true", help=f"small sizes: {QUICK}")
    parser.add_argument("--write-relations", type=parse_sizes, help=f"default {DEFAULTS['write']:,}")
    parser.add_argument(
        "--relations", type=parse_sizes, help="read-latency graph sizes (default 100000,1000000)"
    )
    parser.add_argument(
        "--generate-sizes", type=parse_sizes, help="generate-memory sizes (default 250000,500000)"
    )
    parser.add_argument("--batch-size", type=int, default=10_000, help="relations per write batch")
    for phase in ("writes", "reads", "generate"):
        parser.add_argument(f"--skip-{phase}", action="store_true", help=f"skip the {phase} phase")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else DEFAULTS
    args.write_relations = (args.write_relations or (preset["write"],))[0]
    args.relations = args.relations or preset["reads"]
    args.generate_sizes = args.generate_sizes or preset["generate"]
    return args


def connect(url: str | None, yes_clear: bool) -> Bench:
    """The store and a bare driver on ``url``, or a one-line refusal."""
    if not url:
        raise BenchError(f"no Neo4j to benchmark: pass --neo4j bolt://HOST:PORT or set {URI_ENV}.")
    if not yes_clear:
        raise BenchError(
            f'this benchmark DELETES EVERYTHING in the Neo4j database at "{url}"; pass --yes-clear to '
            "agree, ideally against a server started for it: "
            "bash scripts/neo4j-server.sh start --port 17699 --home /tmp/benchneo4j"
        )
    try:
        store = Neo4jStore(url)
    except KgsynthError as exc:
        raise BenchError(str(exc)) from exc
    password = os.environ.get(PASSWORD_ENV)
    auth = (os.environ.get(USER_ENV) or "neo4j", password) if password else None
    return Bench(store, neo4j.GraphDatabase.driver(url, auth=auth))


def run(args: argparse.Namespace, bench: Bench) -> None:
    print(f"Neo4j at {args.neo4j}, database {bench.database}; graph {GRAPH_ID}; {load_average()}")
    if not args.skip_writes:
        writers = run_writes(bench, args.write_relations, args.batch_size)
        print_writes(writers, args.write_relations, args.batch_size)
    read_sizes = () if args.skip_reads else args.relations
    generate_sizes = () if args.skip_generate else args.generate_sizes
    generated = []
    for size in sorted(set(read_sizes) | set(generate_sizes)):
        print(f"\n-- graph of {size:,} relations ({load_average()})")
        grow_graph(bench, size, args.batch_size)
        if size in read_sizes:
            print_reads(size, run_reads(bench.store, size))
        if size in generate_sizes:
            rss, seconds = generate_peak_rss(args.neo4j)
            print(f"  generate: peak RSS {rss:.0f} MiB in {seconds:.1f} s")
            generated.append((size, rss, seconds))
    if generated:
        print_generate(generated)


def load_average() -> str:
    """The machine's load, printed with the numbers: other jobs on the same cores slow every writer."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The server warns about labels and keys that do not exist yet (an empty database); noise here.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    started = time.perf_counter()
    try:
        bench = connect(args.neo4j, args.yes_clear)
        try:
            run(args, bench)
        finally:
            bench.driver.close()
            bench.store.close()
    except (BenchError, KgsynthError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"\ntotal {time.perf_counter() - started:.0f} s; {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
