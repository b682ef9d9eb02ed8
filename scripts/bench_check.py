"""Benchmark ``kgsynth check``: claims/s on a graph of a million relations, beside the spaCy parse.

Builds (or reuses) a seeded synthetic medical graph in SQLite: ``--entities`` drugs,
diseases and symptoms with made-up names, and ``--relations`` treats / causes /
interacts_with facts, each with one piece of evidence. Makes ``--texts`` statements from
it, seeded: true facts, false facts, negations and two-sentence texts. Then, in one run
and on the same texts:

Each stage runs ``--repeat`` times and the fastest run counts, in CPU seconds of this
process (other work on a shared machine only stretches the wall clock; wall times are
printed beside); every check run starts with a fresh ``Checker``, so its caches start
empty.

1. ``base``     the trained spaCy model alone, ``nlp.pipe`` (tagger, parser, NER);
2. ``parse``    the claim pipeline (the same model plus the kgsynth components) -> TextFacts;
3. ``check``    claim reading, linking and graph lookups on those TextFacts (no parsing);
4. ``end2end``  ``Checker.check_inputs``: parse and check, as ``kgsynth check`` runs.

Target: ``check`` costs at most 25% of ``parse``. The store is built once per path
(``--store``) and reused when it already holds the relations. Usage:

    .venv/bin/python scripts/bench_check.py --relations 1000000 --texts 2000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import spacy

from kgsynth.model import Entity, Evidence, GraphBatch, Relation
from kgsynth.ontology import load_ontology
from kgsynth.store import open_store
from kgsynth.verify import Checker, CheckInput, claim_pipeline

SEED = 11
SYLLABLES = (
    "ka",
    "lo",
    "mir",
    "ven",
    "to",
    "ra",
    "zil",
    "qu",
    "dor",
    "ne",
    "fi",
    "sa",
    "bru",
    "tex",
    "mo",
    "vi",
    "lan",
    "gor",
    "pe",
    "xu",
    "nal",
    "cri",
    "da",
    "sol",
)
TYPES = (("Drug", 0.5), ("Disease", 0.3), ("Symptom", 0.2))
BATCH = 20_000


def names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct made-up words of three or four syllables."""
    seen: set[str] = set()
    out = []
    while len(out) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((3, 4))))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def graph(entities: int, relations: int) -> tuple[dict[str, list[Entity]], Iterator[Relation]]:
    """The seeded entities by type, and a generator of the relations (same every call)."""
    rng = random.Random(SEED)
    words = names(rng, entities)
    by_type: dict[str, list[Entity]] = {}
    start = 0
    for type_name, share in TYPES:
        count = int(entities * share)
        by_type[type_name] = [Entity.make(type_name, w) for w in words[start : start + count]]
        start += count

    def facts() -> Iterator[Relation]:
        made = set()
        pick = random.Random(SEED + 1)
        drugs, targets = by_type["Drug"], by_type["Disease"] + by_type["Symptom"]
        while len(made) < relations:
            kind = pick.random()
            if kind < 0.45:
                s, p, o = pick.choice(drugs), "treats", pick.choice(targets)
            elif kind < 0.85:
                s, p, o = pick.choice(drugs), "causes", pick.choice(targets)
            else:
                s, p, o = pick.choice(drugs), "interacts_with", pick.choice(drugs)
            key = (s.id, p, o.id)
            if key in made or s.id == o.id:
                continue
            made.add(key)
            sentence = f"{s.name} {p.replace('_', ' ')} {o.name}."
            yield Relation(
                subject=s.id,
                predicate=p,
                object=o.id,
                evidence=(
                    Evidence(document_id=f"doc:{len(made) // 50}", sentence=sentence, extractor="bench"),
                ),
            )

    return by_type, facts()


def build_store(path: Path, entities: int, relations: int) -> None:
    with open_store(str(path)) as store:
        if store.stats().relations >= relations:
            print(f"store: reusing {path} ({store.stats().relations} relations)")
            return
        started = time.perf_counter()
        store.ensure_schema(load_ontology("medical"))
        by_type, facts = graph(entities, relations)
        everything = [e for group in by_type.values() for e in group]
        for i in range(0, len(everything), BATCH):
            store.write(GraphBatch(entities=tuple(everything[i : i + BATCH])))
        batch: list[Relation] = []
        for relation in facts:
            batch.append(relation)
            if len(batch) >= BATCH:
                store.write(GraphBatch(relations=tuple(batch)))
                batch = []
        if batch:
            store.write(GraphBatch(relations=tuple(batch)))
        print(
            f"store: built {path}: {entities} entities, {relations} relations "
            f"in {time.perf_counter() - started:.0f} s"
        )


def texts(entities: int, relations: int, count: int) -> list[str]:
    """Statements: a third true, a third false, a sixth negated, a sixth two-sentence."""
    by_type, facts = graph(entities, relations)
    sample = [next(facts) for _ in range(min(relations, 20_000))]
    name = {e.id: e.name for group in by_type.values() for e in group}
    rng = random.Random(SEED + 2)
    verbs = {
        "treats": ("treats", "does not treat"),
        "causes": ("causes", "does not cause"),
        "interacts_with": ("interacts with", "does not interact with"),
    }
    out = []
    for i in range(count):
        fact = rng.choice(sample)
        s, o = name[fact.subject], name[fact.object]
        verb, negated = verbs[fact.predicate]
        kind = i % 6
        if kind in (0, 1):
            out.append(f"{s.capitalize()} {verb} {o}.")
        elif kind in (2, 3):
            other = rng.choice(by_type["Disease"]).name
            out.append(f"{s.capitalize()} {verb} {other}.")
        elif kind == 4:
            out.append(f"{s.capitalize()} {negated} {o}.")
        else:
            other = rng.choice(by_type["Drug"]).name
            out.append(f"In the trial, {s} {verb} {o}. It was compared with {other}, which {verb} {o}.")
    return out


def timed(label: str, work, repeat: int) -> tuple[float, object]:
    """CPU seconds of the fastest of ``repeat`` runs, and its result.

    CPU time of this process, not wall time: on a shared machine other work only stretches
    the wall clock, while parsing and SQLite lookups both run in this process.
    """
    best, wall, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        started, started_wall = time.process_time(), time.perf_counter()
        result = work()
        best = min(best, time.process_time() - started)
        wall = min(wall, time.perf_counter() - started_wall)
    print(f"  {label:9} {best:8.2f} s CPU  ({wall:.2f} s wall)")
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=2_000)
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "kgsynth-bench-check.db")
    parser.add_argument("--model", default="auto")
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage; the fastest counts")
    args = parser.parse_args(argv)
    build_store(args.store, args.entities, args.relations)
    statements = texts(args.entities, args.relations, args.texts)
    with open_store(str(args.store)) as store:
        schema = store.schema()
        started = time.perf_counter()
        pipeline = claim_pipeline(schema, store, model=args.model)
        print(
            f"pipeline: {pipeline.model_name}, gazetteer of the graph's names, built in "
            f"{time.perf_counter() - started:.0f} s (not timed below)"
        )
        base = spacy.load(pipeline.model_name) if pipeline.model_name != "blank:en" else None
        list(pipeline.extract(statements[:50]))  # warm up
        print(
            f"{len(statements)} texts, {sum(len(t) for t in statements)} characters "
            f"(fastest of {args.repeat} runs per stage; each check starts with empty caches):"
        )
        n = args.repeat
        base_s = (
            timed("base", lambda: list(base.pipe(statements, batch_size=64)), n)[0] if base else float("nan")
        )
        parse_s, facts = timed("parse", lambda: list(pipeline.extract(statements)), n)
        inputs = [CheckInput(kind="text", text=t) for t in statements]

        def check_only() -> list:
            checker = Checker(store, schema, pipeline)
            return [checker.check_facts(r, r.text, f) for r, f in zip(inputs, facts, strict=True)]

        check_s, checked = timed("check", check_only, n)
        end_s, end = timed("end2end", lambda: list(Checker(store, schema, pipeline).check_inputs(inputs)), n)
    claims = sum(len(c.result.verdicts) for c in checked)
    statuses: dict[str, int] = {}
    for c in checked:
        for v in c.result.verdicts:
            statuses[v.status] = statuses.get(v.status, 0) + 1
    print(
        f"claims: {claims} ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}); "
        f"end-to-end claims {sum(len(c.result.verdicts) for c in end)}"
    )
    print(f"claims/s excluding the parse: {claims / check_s:10.0f}")
    print(f"claims/s including the parse: {claims / end_s:10.0f}   (texts/s {len(statements) / end_s:.0f})")
    print(
        f"check / parse = {check_s / parse_s:.3f}  (target <= 0.25);  check / base nlp.pipe = "
        f"{check_s / base_s:.3f};  parse / base = {parse_s / base_s:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
