"""Fact-checking measured on real corpora: WebNLG (recall / false support), BC5CDR and DDI (corruptions).

Reads ``../shared/data`` relative to the repository (never copied in); a corpus that is
absent is skipped with a message.

WebNLG (``webnlg/``): each entry's DBpedia triples become a graph (entities named from the
DBpedia ids, underscores -> spaces; a schema derived from the predicates, whose camelCase
names are the relation labels; one entity type, ``Thing``). Each human text is checked
(a) against its own entry's graph: it should come out ``supported`` (recall); (b) against
the graph of all *other* entries' triples: it should not (false support). A text whose
every triple also occurs in another entry is truly supported by that graph and is left
out of (b); the count is printed. The claim pipeline's gazetteer holds the names of the
graph being checked against, and the small English model's entities (all labels) are
typed ``Thing``.

BC5CDR (``bc5cdr/``) and DDI 2013 (``ddi2013/``): a graph of the gold relations
(chemical -causes-> disease; drug -interacts_with- drug), checked with one statement per
gold relation and three corruptions of it: the object swapped for another entity of the
same type that the graph does not relate to the subject (expected ``not_in_graph``), a
wrong relation ("X treats Y": ``not_in_graph`` for CDR, ``contradicted`` for DDI, where a
drug cannot be treated), and the negation (``contradicted``). Reported: accuracy per
statement kind, detection rate (a corrupted statement not judged supported) and
macro-F1 over claim verdicts.

    python scripts/evaluate_check.py [--corpus webnlg|bc5cdr|ddi|all] [--limit N] [--model auto]
        [--held-out Building,Food,University] [--failures FILE]  (FILE: texts not supported, and texts
        falsely supported with the claims that held, tuned-on categories only)
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kgsynth.model import (
    Entity,
    EntityType,
    Evidence,
    GraphBatch,
    Relation,
    RelationType,
    Schema,
    content_hash,
    entity_id,
)
from kgsynth.nlp import ExtractionPipeline, build_pipeline
from kgsynth.ontology import load_ontology
from kgsynth.store import GraphStore, open_store
from kgsynth.verify import Checker, CheckInput, claim_pipeline, write_store_lexicon

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
SEED = 13
#: Every label of the small English model: in a DBpedia graph any of them may name an entity.
NER_LABELS = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
)
VERDICTS = ("supported", "contradicted", "not_in_graph", "unlinkable")


# --------------------------------------------------------------------------- WebNLG


@dataclass
class WebNLGEntry:
    category: str
    eid: str
    triples: list[tuple[str, str, str]]
    texts: list[str]


def read_webnlg(path: Path) -> list[WebNLGEntry]:
    entries = []
    for entry in ET.parse(path).getroot().iter("entry"):
        triples = [tuple(part.strip() for part in t.text.split("|")) for t in entry.iter("mtriple")]
        texts = [
            lex.findtext("text").strip() for lex in entry.iter("lex") if (lex.findtext("text") or "").strip()
        ]
        entries.append(WebNLGEntry(entry.get("category"), entry.get("eid"), triples, texts))
    return entries


def dbpedia_name(value: str) -> str:
    return value.strip().strip('"').replace("_", " ").strip()


def predicate_id(predicate: str) -> str:
    name = re.sub(r"\W+", "_", predicate).strip("_") or "related"
    return name if re.match(r"[A-Za-z_]", name) else f"p_{name}"


def webnlg_schema(entries: list[WebNLGEntry]) -> Schema:
    predicates = sorted({p for e in entries for _, p, _ in e.triples})
    relations, seen = [], set()
    for predicate in predicates:
        name = predicate_id(predicate)
        if name not in seen:
            seen.add(name)
            label = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", predicate).replace("_", " ")
            relations.append(RelationType(name=name, label=re.sub(r"[^\w\s']", " ", label).lower().strip()))
    return Schema(name="webnlg", entity_types=(EntityType(name="Thing"),), relation_types=tuple(relations))


def webnlg_entity(value: str) -> Entity:
    name = dbpedia_name(value)
    # DBpedia disambiguates by a bracket ("AIDS (journal)") or, for places, a comma ("Abilene, Texas");
    # the bare name is how texts say it.
    plain = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()
    place = re.match(r"^([^,]+), [A-Z][^,]*$", plain)
    aliases = tuple(dict.fromkeys(a for a in (plain, place.group(1) if place else "") if a and a != name))
    return Entity(id=entity_id("Thing", name), type="Thing", name=name, aliases=aliases)


def webnlg_store(schema: Schema, triples: Iterable[tuple[str, str, str]]) -> GraphStore:
    entities: dict[str, Entity] = {}
    relations = {}
    for s, p, o in triples:
        subject, object_ = webnlg_entity(s), webnlg_entity(o)
        entities[subject.id], entities[object_.id] = subject, object_
        relation = Relation(
            subject=subject.id,
            predicate=predicate_id(p),
            object=object_.id,
            evidence=(Evidence(document_id="webnlg", extractor="gold"),),
        )
        relations[relation.id] = relation
    store = open_store(":memory:")
    store.ensure_schema(schema)
    store.write(GraphBatch(entities=tuple(entities.values()), relations=tuple(relations.values())))
    return store


@dataclass
class Tally:
    total: Counter = field(default_factory=Counter)
    hits: Counter = field(default_factory=Counter)

    def add(self, key: str, hit: bool) -> None:
        self.total[key] += 1
        self.hits[key] += int(hit)

    def rate(self, key: str) -> float:
        return self.hits[key] / self.total[key] if self.total[key] else float("nan")


def use_gazetteer_of(pipeline: ExtractionPipeline, store: GraphStore, schema: Schema, folder: Path) -> None:
    """Swap the pipeline's gazetteer for one holding this graph's names (the parser stays loaded)."""
    lexicon = folder / "lexicon.tsv"
    write_store_lexicon(store, schema, lexicon)
    pipeline.nlp.replace_pipe(
        "kgsynth_gazetteer",
        "kgsynth_gazetteer",
        config={"schema_json": schema.model_dump_json(), "lexicon_path": str(lexicon)},
    )


#: Settings compared on WebNLG: (name, implicit claims, coverage).
MODES = (
    ("strict", False, "unknown"),
    ("implicit", True, "unknown"),
    ("strict/all", False, "all"),
    ("implicit/mentions", True, "mentions"),
    ("implicit/all", True, "all"),
)
#: The default setting (``Checker``): its reasons are listed.
REASONS_OF = "implicit/all"


def check_texts(pipeline: ExtractionPipeline, store: GraphStore, schema: Schema, texts: list[str]) -> dict:
    """Results per setting of ``MODES``; each text is parsed once."""
    checkers = {
        name: Checker(store, schema, pipeline, implicit=implicit, coverage=coverage)
        for name, implicit, coverage in MODES
    }
    out: dict[str, list] = {name: [] for name in checkers}
    for text, facts in zip(texts, pipeline.extract(texts), strict=True):
        record = CheckInput(kind="text", text=text)
        for name, checker in checkers.items():
            out[name].append(checker.check_facts(record, text, facts).result)
    return out


def evaluate_webnlg(
    model: str, limit: int | None, held_out: tuple[str, ...] = (), failures: Path | None = None
) -> None:
    """Recall and false support by category; ``held_out`` categories are also pooled apart (the
    estimate on text no rule was written for), and the reasons listed and ``failures`` written
    (texts not supported against their own graph, and texts supported by the other entries'
    graph with the claims that held, as JSONL) come from the other categories only,
    so that rule writing never looks at the held-out texts."""
    path = DATA / "webnlg" / "webnlg-enriched-v1.6-en-dev.slice.xml"
    if not path.is_file():
        print(f"webnlg: skipped, {path} is absent")
        return
    entries = read_webnlg(path)[:limit]
    schema = webnlg_schema(entries)
    pipeline = build_pipeline(schema, model=model, ner_labels=dict.fromkeys(NER_LABELS, "Thing"))
    recall = {name: Tally() for name, _, _ in MODES}
    false = {name: Tally() for name, _, _ in MODES}
    reasons: Counter = Counter()
    missed: list[dict] = []
    excluded = 0
    all_triples = Counter(t for e in entries for t in set(e.triples))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for entry in entries:
            with webnlg_store(schema, entry.triples) as own:
                use_gazetteer_of(pipeline, own, schema, Path(folder))
                results = check_texts(pipeline, own, schema, entry.texts)
                _tally(recall, entry.category, results, held_out)
                if entry.category not in held_out:
                    for text, result in zip(entry.texts, results[REASONS_OF], strict=True):
                        if result.status != "supported":
                            reasons[_reason_kind(result.reason)] += 1
                            missed.append({"category": entry.category, "text": text, "reason": result.reason})
            if all(all_triples[t] > 1 for t in set(entry.triples)):
                excluded += len(entry.texts)
                continue
            others = [t for e in entries if e is not entry for t in e.triples]
            with webnlg_store(schema, others) as other:
                use_gazetteer_of(pipeline, other, schema, Path(folder))
                results = check_texts(pipeline, other, schema, entry.texts)
                _tally(false, entry.category, results, held_out)
                if entry.category not in held_out:
                    for text, result in zip(entry.texts, results[REASONS_OF], strict=True):
                        if result.status == "supported":
                            held = [_claim_line(v) for v in result.verdicts if v.status == "supported"]
                            missed.append({"category": entry.category, "text": text, "false_support": held})
    elapsed = time.perf_counter() - started
    texts = sum(len(e.texts) for e in entries)
    print(
        f"\nWebNLG: {len(entries)} entries, {texts} texts, {elapsed:.0f} s "
        f"({excluded} texts left out of false support: all their triples occur in other entries)"
    )
    names = [name for name, _, _ in MODES]
    print(f"{'':18} {'texts':>5}  " + " ".join(f"{'recall ' + n:>19}" for n in names))
    pooled = ("held-out pooled", "tuned-on pooled")
    for category in sorted(recall[names[0]].total, key=lambda c: (c in pooled, c == "ALL", c)):
        cells = " ".join(f"{recall[n].rate(category):8.3f} / {false[n].rate(category):8.3f}" for n in names)
        print(f"{category:18} {recall[names[0]].total[category]:5d}  {cells}")
    print(
        "(each cell: supported recall against the entry's own graph / false-support rate against the others')"
    )
    if held_out:
        print(f"(held-out categories, pooled: {', '.join(held_out)}; tuned-on: every other category)")
    print(
        f"why texts were not supported against their own graph ({REASONS_OF}"
        + (", held-out categories left out" if held_out else "")
        + "):",
        ", ".join(f"{kind} {n}" for kind, n in reasons.most_common()),
    )
    if failures is not None:
        failures.write_text(
            "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in missed), encoding="utf-8"
        )
        print(f"{len(missed)} texts not supported or falsely supported written to {failures}")


def _claim_line(verdict) -> str:
    claim = verdict.claim
    return f"{claim.subject.text} -{claim.predicate}-> {claim.object.text}: {verdict.reason}"


def _tally(tallies: dict[str, Tally], category: str, results: dict, held_out: tuple[str, ...] = ()) -> None:
    pool = ("held-out pooled" if category in held_out else "tuned-on pooled") if held_out else None
    for name, tally in tallies.items():
        for result in results[name]:
            for key in (category, "ALL", pool):
                if key is not None:
                    tally.add(key, result.status == "supported")


def _reason_kind(reason: str) -> str:
    if reason.startswith("no claim"):
        return "no claim"
    kinds = [k for k in ("not in the graph", "unlinkable", "contradicted") if k in reason]
    if "does not know" in reason:
        kinds.append("unknown mention")
    if "no claim reads what" in reason:
        kinds.append("mention in no claim")
    if "of something no claim reads" in reason:
        kinds.append("relation word in no claim")
    return "+".join(kinds) or reason[:40]


# --------------------------------------------------------------------------- BC5CDR / DDI


@dataclass(frozen=True)
class Statement:
    kind: str  # gold, swap, relation, negation
    text: str
    expected: str


def corrupt(
    subject: str, object_: str, other: str, *, verb: str, negated: str, wrong: str
) -> list[tuple[str, str]]:
    return [
        ("gold", f"{subject} {verb} {object_}."),
        ("swap", f"{subject} {verb} {other}."),
        ("relation", f"{subject} {wrong} {object_}."),
        ("negation", f"{subject} {negated} {object_}."),
    ]


def read_pubtator(path: Path) -> tuple[dict[str, Entity], list[Relation]]:
    surfaces: dict[str, Counter] = defaultdict(Counter)
    types: dict[str, str] = {}
    relations: list[Relation] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 6 and fields[4] in ("Chemical", "Disease") and re.fullmatch(r"[A-Z]\d+", fields[5]):
            surfaces[fields[5]][fields[3]] += 1
            types[fields[5]] = fields[4]
        elif len(fields) == 4 and fields[1] == "CID":
            relations.append(
                Relation(
                    subject=f"Chemical:{fields[2]}",
                    predicate="causes",
                    object=f"Disease:{fields[3]}",
                    evidence=(Evidence(document_id=f"pmid:{fields[0]}", extractor="gold"),),
                )
            )
    entities = {}
    for mesh, counts in surfaces.items():
        forms = sorted(counts, key=lambda s: (-counts[s], s))
        name = forms[0] if forms[0].isupper() else forms[0].lower()
        aliases = tuple(dict.fromkeys(f for f in forms[1:] if f.lower() != name.lower()))[:5]
        entities[f"{types[mesh]}:{mesh}"] = Entity(
            id=f"{types[mesh]}:{mesh}", type=types[mesh], name=name, aliases=aliases
        )
    relations = [
        r for r in {r.id: r for r in relations}.values() if r.subject in entities and r.object in entities
    ]
    return entities, relations


def read_ddi(folder: Path) -> tuple[dict[str, Entity], list[Relation]]:
    entities: dict[str, Entity] = {}
    relations: dict[str, Relation] = {}
    for path in sorted(folder.rglob("*.xml")):
        for sentence in ET.parse(path).getroot().iter("sentence"):
            names = {}
            for entity in sentence.iter("entity"):
                if entity.get("type") in ("drug", "brand", "drug_n") and ";" not in entity.get("charOffset"):
                    made = Entity.make("Drug", entity.get("text").strip())
                    names[entity.get("id")] = entities.setdefault(made.id, made).id
            for pair in sentence.iter("pair"):
                a, b = names.get(pair.get("e1")), names.get(pair.get("e2"))
                if pair.get("ddi") == "true" and a and b and a != b:
                    relation = Relation(
                        subject=a,
                        predicate="interacts_with",
                        object=b,
                        evidence=(
                            Evidence(
                                document_id=sentence.get("id"),
                                sentence=sentence.get("text", "")[:300],
                                extractor="gold",
                            ),
                        ),
                    )
                    key = "|".join(sorted((a, b)))
                    relations.setdefault(key, relation)
    return entities, list(relations.values())


def statements(
    entities: dict[str, Entity], relations: list[Relation], corpus: str, limit: int | None
) -> list[Statement]:
    rng = random.Random(SEED)
    related = {(r.subject, r.object) for r in relations} | {(r.object, r.subject) for r in relations}
    by_type = defaultdict(list)
    for entity in entities.values():
        by_type[entity.type].append(entity.id)
    chosen = sorted(relations, key=lambda r: content_hash(r.id))[:limit]
    out = []
    for relation in chosen:
        subject, object_ = entities[relation.subject], entities[relation.object]
        candidates = [
            e
            for e in by_type[object_.type]
            if e != object_.id
            and (subject.id, e) not in related
            and entities[e].name.lower() != subject.name.lower()
        ]
        other = entities[rng.choice(sorted(candidates))]
        if corpus == "bc5cdr":
            texts = corrupt(
                subject.name,
                object_.name,
                other.name,
                verb="causes",
                negated="does not cause",
                wrong="treats",
            )
            expected = {
                "gold": "supported",
                "swap": "not_in_graph",
                "relation": "not_in_graph",
                "negation": "contradicted",
            }
        else:
            texts = corrupt(
                subject.name,
                object_.name,
                other.name,
                verb="interacts with",
                negated="does not interact with",
                wrong="treats",
            )
            expected = {
                "gold": "supported",
                "swap": "not_in_graph",
                "relation": "contradicted",
                "negation": "contradicted",
            }
        out += [Statement(kind, text, expected[kind]) for kind, text in texts]
    return out


def evaluate_corruptions(corpus: str, model: str, limit: int | None) -> None:
    source = DATA / (
        "bc5cdr/CDR_DevelopmentSet.PubTator.slice200.txt" if corpus == "bc5cdr" else "ddi2013/Train"
    )
    if not source.exists():
        print(f"{corpus}: skipped, {source} is absent")
        return
    entities, relations = read_pubtator(source) if corpus == "bc5cdr" else read_ddi(source)
    schema = load_ontology("medical")
    made = statements(entities, relations, corpus, limit)
    started = time.perf_counter()
    with open_store(":memory:") as store:
        store.ensure_schema(schema)
        store.write(GraphBatch(entities=tuple(entities.values()), relations=tuple(relations)))
        pipeline = claim_pipeline(schema, store, model=model)
        checker = Checker(store, schema, pipeline)
        results = [c.result for c in checker.check_inputs(CheckInput(kind="text", text=s.text) for s in made)]
    elapsed = time.perf_counter() - started
    predicted = [_label(r) for r in results]
    print(
        f"\n{corpus}: graph of {len(entities)} entities, {len(relations)} gold relations; "
        f"{len(made)} statements ({len(made) // 4} gold + 3 corruptions each), {elapsed:.0f} s"
    )
    tally, detected = Tally(), Tally()
    confusion: Counter = Counter()
    for statement, label in zip(made, predicted, strict=True):
        tally.add(statement.kind, label == statement.expected)
        tally.add("ALL", label == statement.expected)
        confusion[(statement.kind, label)] += 1
        if statement.kind != "gold":
            detected.add(statement.kind, label != "supported")
            detected.add("ALL corruptions", label != "supported")
    print(f"{'statement':16} {'n':>5} {'expected':>13} {'accuracy':>9} {'detected':>9}  predicted")
    for kind in ("gold", "swap", "relation", "negation", "ALL"):
        expected = next((s.expected for s in made if s.kind == kind), "")
        seen = ", ".join(f"{lab} {n}" for (k, lab), n in sorted(confusion.items()) if k == kind)
        det = detected.rate(kind) if kind in detected.total else detected.rate("ALL corruptions")
        print(
            f"{kind:16} {tally.total[kind]:5d} {expected:>13} {tally.rate(kind):9.3f} "
            f"{det if kind != 'gold' else float('nan'):9.3f}  {seen}"
        )
    expected = [s.expected for s in made]
    print(
        f"macro-F1 over the verdicts expected ({', '.join(sorted(set(expected)))}): "
        f"{macro_f1(expected, predicted, sorted(set(expected))):.3f}; over all four verdicts: "
        f"{macro_f1(expected, predicted, VERDICTS):.3f}"
    )


def _label(result) -> str:
    """The verdict of a one-statement record: its claim's verdict, or "no_claim"."""
    if not result.verdicts:
        return "no_claim"
    order = ("contradicted", "unlinkable", "not_in_graph", "supported")
    return min((v.status for v in result.verdicts), key=order.index)


def macro_f1(expected: list[str], predicted: list[str], labels: Iterable[str]) -> float:
    """Mean F1 over ``labels``; a prediction outside them is a miss of the expected label."""
    scores = []
    for label in labels:
        tp = sum(e == label and p == label for e, p in zip(expected, predicted, strict=True))
        fp = sum(e != label and p == label for e, p in zip(expected, predicted, strict=True))
        fn = sum(e == label and p != label for e, p in zip(expected, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0)
    return sum(scores) / len(scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("webnlg", "bc5cdr", "ddi", "all"), default="all")
    parser.add_argument(
        "--limit", type=int, default=None, help="entries (WebNLG) / gold relations per corpus"
    )
    parser.add_argument("--model", default="auto")
    parser.add_argument(
        "--held-out",
        default="",
        help="WebNLG categories (comma-separated) pooled apart as the estimate on unseen text",
    )
    parser.add_argument(
        "--failures",
        type=Path,
        default=None,
        help="write the WebNLG texts not supported (other categories) here",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if not DATA.is_dir():
        print(f"skipped: no shared data at {DATA}")
        return 0
    if args.corpus in ("webnlg", "all"):
        held_out = tuple(c.strip() for c in args.held_out.split(",") if c.strip())
        evaluate_webnlg(args.model, args.limit, held_out, args.failures)
    for corpus in ("bc5cdr", "ddi"):
        if args.corpus in (corpus, "all"):
            evaluate_corruptions(corpus, args.model, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
