"""Benchmark graph walks and end-to-end template generation on a seeded million-relation graph.

Side by side in one run, on the same graph:

1. ``ours``      kgsynth's vectorised sampler (``random_walker(...).index_batches()``): exact
                 3-hop chains, no revisits, both directions, coverage weights on;
2. ``networkx``  a straightforward networkx random walk with the same rules (uniform start fact,
                 uniform step over the incident facts, retry on revisit, restart when stuck);
3. ``ours+hydrate`` our walks turned into ``FactPath`` objects with every relation read back from
                 the SQLite store, evidence included (what ``synthesize`` consumes);
4. ``end-to-end`` ``synthesize`` + ``write_samples``: template samples written to a JSONL file,
                 from a cold relation cache, as samples/s of wall time and of CPU time (one process,
                 one thread: the CPU rate is the one-core rate even when other jobs share the machine).
                 The snapshot build is timed and reported apart, not counted.

The graph (typed entities, five predicates with domain/range, a skewed degree distribution,
one piece of evidence per relation) is written once into a SQLite store in ``--workdir`` and
reused by later runs. Peak RSS and the snapshot's array bytes are reported. Usage:

    .venv/bin/python scripts/bench_generate.py --relations 1000000 --samples 50000

networkx is a bench-only dependency (``pip install networkx``).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from kgsynth.errors import KgsynthError
from kgsynth.model import (
    Entity,
    EntityType,
    Evidence,
    GraphBatch,
    Relation,
    RelationType,
    Schema,
    relation_id,
)
from kgsynth.store import open_store
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.store.sqlite import SQLiteStore
from kgsynth.walks import WalkSpec, random_walker

SEED = 11
TYPES = ("Drug", "Disease", "Symptom", "Gene", "Chemical")
#: (predicate, subject type, object type, share of all relations)
SHAPES = (
    ("treats", "Drug", "Disease", 0.3),
    ("has_symptom", "Disease", "Symptom", 0.25),
    ("interacts_with", "Drug", "Drug", 0.15),
    ("associated_with", "Gene", "Disease", 0.2),
    ("causes", "Chemical", "Symptom", 0.1),
)
SCHEMA = Schema(
    name="bench",
    entity_types=tuple(EntityType(name=t) for t in TYPES),
    relation_types=tuple(RelationType(name=p, domain=(s,), range=(o,)) for p, s, o, _ in SHAPES),
)
ENTITIES_PER_RELATION = 0.2
#: Objects are drawn as per_type * u**SKEW: low numbers become hubs (a few hundred facts each).
SKEW = 1.5


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _entity(type_name: str, number: int) -> Entity:
    return Entity.make(type_name, f"{type_name.lower()} {number:07d}")


def graph_batches(relations: int, batch_size: int = 50_000) -> Iterator[GraphBatch]:
    """The seeded graph, batch by batch; object choice is skewed (u**SKEW), so some entities are hubs."""
    rng = np.random.default_rng(SEED)
    per_type = max(50, int(relations * ENTITIES_PER_RELATION) // len(TYPES))
    yield GraphBatch(entities=tuple(_entity(t, i) for t in TYPES for i in range(per_type)))
    rows = []
    for predicate, subject_type, object_type, share in SHAPES:
        count = int(relations * share) + 1
        subjects = rng.integers(0, per_type, count)
        objects = (per_type * rng.random(count) ** SKEW).astype(np.int64)
        rows.extend(
            (predicate, subject_type, object_type, int(s), int(o))
            for s, o in zip(subjects, objects, strict=True)
        )
    random.Random(SEED).shuffle(rows)
    seen: set[tuple[str, int, int]] = set()
    batch: list[Relation] = []
    for predicate, subject_type, object_type, s, o in rows:
        if (predicate, s, o) in seen or (subject_type == object_type and s == o):
            continue
        seen.add((predicate, s, o))
        subject, obj = _entity(subject_type, s), _entity(object_type, o)
        sentence = f"{subject.name} {predicate.replace('_', ' ')} {obj.name}."
        evidence = Evidence(
            document_id=f"doc:{len(seen) // 100:07d}",
            start=0,
            end=len(sentence),
            sentence=sentence,
            extractor="bench",
        )
        batch.append(
            Relation(
                subject=subject.id, predicate=predicate, object=obj.id, confidence=0.9, evidence=(evidence,)
            )
        )
        if len(batch) == batch_size:
            yield GraphBatch(relations=tuple(batch))
            batch = []
    if batch:
        yield GraphBatch(relations=tuple(batch))


def ensure_store(path: Path, relations: int) -> None:
    """Write the graph into ``path`` unless a previous run left it there."""
    if path.exists():
        try:
            with open_store(str(path)) as store:
                have = store.stats().relations
        except KgsynthError as exc:  # written by an older store layout: build it again
            print(f"store      {path} is not readable any more ({exc}); rebuilding it")
            have = -1
        if have >= relations:
            print(f"store      {path} (reused: {have:,} relations)")
            return
        path.unlink()
    started = time.perf_counter()
    with open_store(str(path)) as store:
        store.ensure_schema(SCHEMA)
        for batch in graph_batches(int(relations * 1.05)):
            store.write(batch)
        have = store.stats().relations
    print(f"store      {path}: wrote {have:,} relations in {time.perf_counter() - started:.1f}s")


# ----------------------------------------------------------------------------- networkx baseline


def networkx_graph(graph: GraphSnapshot):
    import networkx as nx

    multigraph = nx.MultiGraph()
    multigraph.add_nodes_from(range(graph.n_entities))
    multigraph.add_edges_from(
        (int(s), int(o), int(k))
        for k, (s, o) in enumerate(zip(graph.edge_subject.tolist(), graph.edge_object.tolist(), strict=True))
        if s != o
    )
    return multigraph


def networkx_walks(multigraph, edges: list[tuple[int, int, int]], hops: int, count: int, seed: int) -> int:
    """``count`` simple chains of ``hops`` facts: the textbook loop over ``G.edges(v, keys=True)``."""
    rng = random.Random(seed)
    made = 0
    while made < count:
        u, v, _ = edges[rng.randrange(len(edges))]
        if rng.random() < 0.5:
            u, v = v, u
        nodes, ok = [u, v], True
        for _ in range(hops - 1):
            incident = list(multigraph.edges(nodes[-1], keys=True))
            for _attempt in range(16):
                _, nxt, _key = rng.choice(incident)
                if nxt not in nodes:
                    nodes.append(nxt)
                    break
            else:
                ok = False
                break
        made += ok
    return made


# ----------------------------------------------------------------------------- runs


def bench_walks(graph: GraphSnapshot, hops: int, walks: int, baseline_walks: int) -> None:
    spec = WalkSpec(hops=hops, limit=None, seed=SEED)
    walker = random_walker(graph, spec)
    started, made = time.perf_counter(), 0
    for batch in walker.index_batches():
        made += len(batch.edges)
        if made >= walks:
            break
    ours = made / (time.perf_counter() - started)

    started = time.perf_counter()
    multigraph = networkx_graph(graph)
    edge_list = list(multigraph.edges(keys=True))
    build = time.perf_counter() - started
    started = time.perf_counter()
    networkx_walks(multigraph, edge_list, hops, baseline_walks, SEED)
    theirs = baseline_walks / (time.perf_counter() - started)
    del multigraph, edge_list
    print(f"networkx   graph built in {build:.1f}s (not counted in the walk rate)")
    print(
        f"walks      {hops}-hop chains/s: ours {ours:,.0f} ({made:,} walks), networkx {theirs:,.0f} "
        f"({baseline_walks:,} walks) -> {ours / theirs:.1f}x  [target >= 20x]"
    )

    walker = random_walker(graph, spec.model_copy(update={"seed": SEED + 1}))
    started, count = time.perf_counter(), 0
    for _ in walker.paths():
        count += 1
        if count >= baseline_walks:
            break
    hydrated = count / (time.perf_counter() - started)
    print(
        f"hydrated   {hops}-hop FactPaths/s with relations + evidence read from the store: {hydrated:,.0f} "
        f"({hydrated / theirs:.1f}x networkx index walks)"
    )


def bench_end_to_end(graph: GraphSnapshot, samples: int, out: Path, format: str) -> None:
    """``synthesize`` + ``write_samples`` to a file: wall and CPU time (one process, one core)."""
    from kgsynth.export import write_samples
    from kgsynth.pipeline.synthesize import SynthesisSpec, synthesize

    graph.clear_cache()  # relations read by the walk runs above must not make this run look faster
    spec = SynthesisSpec(n=samples, hops=(1, 3), types=("factoid", "multihop", "yesno", "mcq"), seed=SEED)
    started, cpu = time.perf_counter(), time.process_time()
    result = synthesize(graph, spec)
    with out.open("w", encoding="utf-8") as handle:
        written = write_samples(result, handle, format)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = out.stat().st_size / 2**20
    print(
        f"end-to-end {written:,} template samples ({format}) written to {out} ({size:.1f} MiB): "
        f"{written / seconds:,.0f} samples/s wall ({seconds:.1f}s), {written / cpu:,.0f} samples/s of CPU "
        f"time ({cpu:.1f}s)  [target >= 5,000/s on one core]"
    )
    report = result.report
    parts = {**report.seconds, "write": seconds - sum(report.seconds.values())}
    print(
        "           per sample (wall): "
        + ", ".join(f"{stage} {t / written * 1e6:,.0f} us" for stage, t in parts.items())
        + " (walk = walks + relations read from the store; make = templates; qc = leak/dedup/caps;"
        " write = JSON, coverage and setup)"
    )
    print(f"           drops: {report.drop_summary(5)}")
    print(f"           {report.coverage_line()}")


def open_bench_store(path: Path) -> SQLiteStore:
    if not hasattr(SQLiteStore, "relations_by_id"):
        print(
            "note       SQLiteStore has no relations_by_id yet: the snapshot reads relations one query "
            "each (GraphStore.relations), so the hydrating runs below are slower than they will be"
        )
    return SQLiteStore(str(path))


def bench_reads(store, graph: GraphSnapshot, count: int = 3000) -> None:
    """Per-relation reads through the protocol against one batched query, on the same relations."""
    picks = np.random.default_rng(SEED).integers(0, graph.n_relations, count).tolist()
    keys = [graph.edge_key(k) for k in picks]
    started = time.perf_counter()
    for subject, predicate, obj, negated in keys:
        store.relations(subject=subject, predicate=predicate, object=obj, negated=negated)
    one_by_one = (time.perf_counter() - started) / count
    if not hasattr(store, "relations_by_id"):
        print(f"reads      relation + evidence from the store: {one_by_one * 1e6:.0f} us each one by one")
        return
    ids = [relation_id(*key) for key in keys]
    started = time.perf_counter()
    for lo in range(0, count, 192):
        store.relations_by_id(ids[lo : lo + 192])
    batched = (time.perf_counter() - started) / count
    print(
        f"reads      relation + evidence from the store: {one_by_one * 1e6:.0f} us each one by one "
        f"(GraphStore.relations), {batched * 1e6:.0f} us each batched 192 at a time (relations_by_id)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--hops", type=int, default=3)
    parser.add_argument("--walks", type=int, default=1_000_000, help="walks timed for our sampler")
    parser.add_argument("--baseline-walks", type=int, default=20_000, help="walks timed for networkx")
    parser.add_argument(
        "--samples", type=int, default=50_000, help="samples for the end-to-end run (0 skips)"
    )
    parser.add_argument("--format", default="raw", choices=("raw", "alpaca", "sharegpt", "openai"))
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kgsynth-bench")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    store_path = args.workdir / f"bench-generate-{args.relations}.db"
    ensure_store(store_path, args.relations)
    with open_bench_store(store_path) as store:
        started = time.perf_counter()
        graph = GraphSnapshot.from_store(store)
        print(
            f"snapshot   {graph.n_entities:,} entities, {graph.n_relations:,} relations in "
            f"{time.perf_counter() - started:.1f}s; arrays {graph.nbytes / 2**20:.1f} MiB; "
            f"peak RSS {peak_rss_mib():,.0f} MiB"
        )
        bench_reads(store, graph)
        bench_walks(graph, args.hops, args.walks, args.baseline_walks)
        print(f"memory     peak RSS after walks {peak_rss_mib():,.0f} MiB")
        if args.samples:
            bench_end_to_end(graph, args.samples, args.workdir / "bench-samples.jsonl", args.format)
            print(f"memory     peak RSS after generation {peak_rss_mib():,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
