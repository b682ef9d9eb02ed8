"""Generate samples from a graph of gold triples and check that every cited fact is a gold fact.

The graph is built directly from the gold annotations of Re-DocRED (``../shared/data/redocred``,
first 120 dev documents): one entity per annotated entity (named by its commonest mention, the
other mentions as aliases, typed PER/ORG/LOC/TIME/NUM/MISC), one relation per gold label (its
Wikidata property name as the predicate) with the label's evidence sentences as evidence. No
extraction is involved, so the graph holds exactly the gold facts.

Then ``synthesize`` makes samples and this script prints:
- the share of samples whose every fact is a gold fact: every relation on the path, every
  ``holds`` check is a gold triple, and every ``absent`` check is *not* one (must be 100%);
- the same facts re-checked against the store with ``GraphStore.holds``;
- the coverage report (share of entities, relations and relation types used; per hop count).

Usage: ``.venv/bin/python scripts/evaluate_generation_gold.py [--n 1000] [--hops 1-3]``.
Skips with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from kgsynth.errors import KgsynthError
from kgsynth.model import (
    Document,
    Entity,
    EntityType,
    Evidence,
    GraphBatch,
    Relation,
    RelationType,
    Sample,
    Schema,
)
from kgsynth.pipeline.synthesize import SynthesisSpec, synthesize
from kgsynth.store import GraphStore, open_store

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "redocred"
CORPUS = DATA / "dev_revised.first120.json"
TYPES = {
    "PER": "Person",
    "ORG": "Organization",
    "LOC": "Location",
    "TIME": "Time",
    "NUM": "Number",
    "MISC": "Misc",
}

Fact = tuple[str, str, str]


def predicate_name(label: str) -> str:
    """A Wikidata property label as an identifier: "country of citizenship" -> country_of_citizenship."""
    name = re.sub(r"\W+", "_", label).strip("_")
    return name if re.match(r"[A-Za-z_]", name) else f"p_{name}"


def _entity(vertex: list[dict]) -> Entity:
    names = Counter(mention["name"] for mention in vertex)
    name = min(names, key=lambda n: (-names[n], -len(n), n))
    aliases = tuple(sorted(set(names) - {name}))
    return Entity.make(TYPES[vertex[0]["type"]], name, aliases=aliases)


def gold_batch(corpus: list[dict], relation_names: dict[str, str]) -> tuple[GraphBatch, set[Fact], Counter]:
    """The whole corpus as one batch, the set of gold facts, and counts of what was set aside."""
    documents, entities, relations = [], {}, {}
    skipped: Counter[str] = Counter()
    for doc in corpus:
        sentences = [" ".join(tokens) for tokens in doc["sents"]]
        spans, position = [], 0
        for sentence in sentences:
            spans.append((position, position + len(sentence)))
            position += len(sentence) + 1
        document = Document.from_text(" ".join(sentences), source=doc["title"])
        documents.append(document)
        vertices = [_entity(vertex) for vertex in doc["vertexSet"]]
        for entity in vertices:
            known = entities.get(entity.id)
            aliases = tuple(sorted(set(entity.aliases) | set(known.aliases if known else ())))
            entities[entity.id] = entity.model_copy(update={"aliases": aliases})
        for label in doc["labels"]:
            subject, obj = vertices[label["h"]], vertices[label["t"]]
            if subject.id == obj.id:  # two annotated entities that share a name and type
                skipped["subject and object are one entity"] += 1
                continue
            evidence = tuple(
                Evidence(
                    document_id=document.id,
                    start=spans[i][0],
                    end=spans[i][1],
                    sentence=sentences[i],
                    extractor="gold:redocred",
                )
                for i in sorted(set(label["evidence"]))
            ) or (Evidence(document_id=document.id, extractor="gold:redocred"),)
            relation = Relation(
                subject=subject.id,
                predicate=predicate_name(relation_names[label["r"]]),
                object=obj.id,
                evidence=evidence,
            )
            known_relation = relations.get(relation.id)
            if known_relation is not None:
                relation = relation.model_copy(
                    update={"evidence": known_relation.evidence + relation.evidence}
                )
            relations[relation.id] = relation
    gold = {(r.subject, r.predicate, r.object) for r in relations.values()}
    batch = GraphBatch(
        documents=tuple(documents), entities=tuple(entities.values()), relations=tuple(relations.values())
    )
    return batch, gold, skipped


def schema_of(batch: GraphBatch, relation_names: dict[str, str]) -> Schema:
    labels = {predicate_name(label): label for label in relation_names.values()}
    used = sorted({r.predicate for r in batch.relations})
    return Schema(
        name="redocred-gold",
        entity_types=tuple(EntityType(name=t) for t in sorted(set(TYPES.values()))),
        relation_types=tuple(RelationType(name=p, label=labels[p]) for p in used),
    )


def facts_are_gold(sample: Sample, gold: set[Fact]) -> bool:
    """Whether every fact the sample cites or checks agrees with the gold set."""
    for relation in sample.path.relations:
        if relation.negated or (relation.subject, relation.predicate, relation.object) not in gold:
            return False
    for check in sample.checks:
        present = (check.subject, check.predicate, check.object) in gold and not check.negated
        if present != (check.expect == "holds"):
            return False
    return True


def facts_hold_in_store(sample: Sample, store: GraphStore) -> bool:
    """The same question asked of the store itself, through ``GraphStore.holds``."""
    for relation in sample.path.relations:
        if store.holds(relation.subject, relation.predicate, relation.object) is None:
            return False
    for check in sample.checks:
        held = store.holds(check.subject, check.predicate, check.object) is not None and not check.negated
        if held != (check.expect == "holds"):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--hops", default="1-3")
    parser.add_argument("--types", default="factoid,multihop,yesno,mcq,count,comparison")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not CORPUS.is_file():
        print(f"skipped: Re-DocRED gold data not found at {CORPUS} (see ../shared/data/README.md)")
        return 0
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    relation_names = json.loads((DATA / "rel_info.json").read_text(encoding="utf-8"))
    batch, gold, skipped = gold_batch(corpus, relation_names)
    low, _, high = args.hops.partition("-")
    spec = SynthesisSpec(
        n=args.n, hops=(int(low), int(high or low)), types=tuple(args.types.split(",")), seed=args.seed
    )
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "gold.db")) as store:
        store.ensure_schema(schema_of(batch, relation_names))
        store.write(batch)
        stats = store.stats()
        print(
            f"graph      {len(corpus)} Re-DocRED documents -> {stats.entities} entities, "
            f"{stats.relations} gold relations, {len(stats.relations_by_predicate)} relation types "
            f"(set aside: {dict(skipped) or 'none'})"
        )
        started = time.perf_counter()
        try:
            result = synthesize(store, spec)
            samples = list(result)
        except KgsynthError as exc:
            print(f"generation failed: {exc}")
            return 1
        seconds = time.perf_counter() - started
        gold_ok = sum(facts_are_gold(s, gold) for s in samples)
        store_ok = sum(facts_hold_in_store(s, store) for s in samples)
        report = result.report
        print(
            f"samples    {len(samples)} in {seconds:.1f}s; by type {dict(sorted(report.by_type.items()))}; "
            f"by hops {dict(sorted(report.by_hops.items()))}"
        )
        print(
            f"gold       samples whose every fact is a gold fact: {gold_ok}/{len(samples)} = "
            f"{gold_ok / len(samples):.1%}  [must be 100%]"
        )
        print(
            f"store      samples whose every fact re-checks against the store: {store_ok}/{len(samples)} = "
            f"{store_ok / len(samples):.1%}"
        )
        print(f"drops      {report.drop_summary(10)}")
        print("coverage")
        print(report.coverage_text())
        for sample in samples[:: max(1, len(samples) // 4)][:4]:
            print(f"  e.g. [{sample.type}, {sample.hops} hop] {sample.question} -> {sample.answer}")
    return 0 if gold_ok == len(samples) else 1


if __name__ == "__main__":
    sys.exit(main())
