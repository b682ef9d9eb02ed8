"""Measure kgsynth's extraction against gold-annotated corpora in ../shared/data.

Prints, for each corpus, our precision / recall / F1 beside a sentence co-occurrence
baseline computed in the same run from the same parsed documents:

* bc5cdr (PubTator, 200 abstracts): entity mentions (exact span + type; our Drug/Chemical
  count as Chemical, Disease/Symptom as Disease) and chemical-induced-disease (CID) pairs,
  document level, the official BioCreative V measure: the set of (chemical id, disease id)
  pairs per document. We do not normalise to MeSH, so each of our mentions is given a gold
  id by its text: if its (normalised, singular) text or canonical name equals the text of
  a gold mention of the same type in the same document, it takes that mention's MeSH id;
  otherwise it keeps an id of its own ("ours:<name>"), which can only be a false positive.
  Predicted CID pairs are our non-negated ``causes`` (chemical -> disease) and
  ``adverse_effect_of`` (disease -> drug) relations.
* ddi2013 (DrugBank + MedLine XML, 160 documents): drug mentions (exact span; drug, brand
  and drug_n count as Drug, group as DrugClass) and interacting pairs, sentence level. Each
  gold sentence is one text; our mentions are mapped to gold entities by span overlap, and a
  predicted non-negated ``interacts_with`` pair counts when both ends map to the two gold
  entities of a positive pair.
* cuad (30 contracts): for each contract, whether the extraction finds the parties, the
  governing law and the dates that the gold answer columns name, as mentions and as
  relations (party_to, governed_by, effective_date, expiration_date); recall per category.

Usage: .venv/bin/python scripts/evaluate_extraction.py [--model auto|blank] [--corpus bc5cdr ...]
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

from kgsynth.model import Schema
from kgsynth.nlp import ExtractionPipeline, TextFacts, build_pipeline
from kgsynth.nlp.link import name_key
from kgsynth.nlp.months import MONTH_NAMES
from kgsynth.ontology import load_ontology

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CHEMICAL_TYPES = {"Drug": "Chemical", "Chemical": "Chemical"}
DISEASE_TYPES = {"Disease": "Disease", "Symptom": "Disease"}


# --------------------------------------------------------------------------- scoring


@dataclass
class Score:
    """Counts of true positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set, gold: set) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self, name: str) -> str:
        return (
            f"  {name:<44} P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f}"
            f"   (tp={self.tp} fp={self.fp} fn={self.fn})"
        )


def _norm(text: str) -> str:
    return name_key(text)


# --------------------------------------------------------------------------- bc5cdr


@dataclass
class CdrDoc:
    pmid: str
    text: str
    mentions: list[tuple[int, int, str, str, tuple[str, ...]]] = field(default_factory=list)
    cid: set[tuple[str, str]] = field(default_factory=set)


def read_pubtator(path: Path) -> list[CdrDoc]:
    docs: dict[str, CdrDoc] = {}
    title: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "|t|" in line[:20]:
            pmid, _, text = line.split("|", 2)
            title[pmid] = text
        elif "|a|" in line[:20]:
            pmid, _, text = line.split("|", 2)
            docs[pmid] = CdrDoc(pmid, title[pmid] + " " + text)
        elif line.strip():
            parts = line.split("\t")
            if parts[1] == "CID":
                docs[parts[0]].cid.add((parts[2], parts[3]))
            else:
                ids = tuple(i for i in parts[5].split("|") if i and i != "-1")
                docs[parts[0]].mentions.append((int(parts[1]), int(parts[2]), parts[3], parts[4], ids))
    return list(docs.values())


def _coarse_cdr(type_name: str) -> str | None:
    return CHEMICAL_TYPES.get(type_name) or DISEASE_TYPES.get(type_name)


def _gold_ids_by_text(doc: CdrDoc) -> dict[tuple[str, str], tuple[str, ...]]:
    table: dict[tuple[str, str], tuple[str, ...]] = {}
    for _s, _e, text, type_name, ids in doc.mentions:
        if ids:
            table.setdefault((type_name, _norm(text)), ids)
    return table


def _mention_ids(facts: TextFacts, doc: CdrDoc) -> list[tuple[str, ...]]:
    table = _gold_ids_by_text(doc)
    out = []
    for m in facts.mentions:
        coarse = _coarse_cdr(m.type)
        ids = None
        if coarse:
            ids = table.get((coarse, _norm(m.text))) or table.get((coarse, _norm(m.canonical)))
        out.append(ids or (f"ours:{_norm(m.canonical)}",))
    return out


def _cid_pairs(facts: TextFacts, ids: list[tuple[str, ...]], rule_prefix: str = "") -> set[tuple[str, str]]:
    pairs = set()
    for r in facts.relations:
        if r.negated or not r.rule.startswith(rule_prefix):
            continue
        if r.predicate == "causes":
            chem, dis = r.subject, r.object
        elif r.predicate == "adverse_effect_of":
            chem, dis = r.object, r.subject
        else:
            continue
        if (
            _coarse_cdr(facts.mentions[chem].type) != "Chemical"
            or _coarse_cdr(facts.mentions[dis].type) != "Disease"
        ):
            continue
        pairs.update((c, d) for c in ids[chem] for d in ids[dis])
    return pairs


def _cooccurrence_pairs(facts: TextFacts, ids: list[tuple[str, ...]]) -> set[tuple[str, str]]:
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(facts.mentions):
        by_sentence[m.sentence_start].append(i)
    pairs = set()
    for members in by_sentence.values():
        for a in members:
            for b in members:
                if (
                    _coarse_cdr(facts.mentions[a].type) == "Chemical"
                    and _coarse_cdr(facts.mentions[b].type) == "Disease"
                ):
                    pairs.update((c, d) for c in ids[a] for d in ids[b])
    return pairs


def _gold_cooccurrence_pairs(facts: TextFacts, doc: CdrDoc) -> set[tuple[str, str]]:
    """Co-occurrence over the gold mentions, in our sentences: the ceiling of the baseline."""
    sentences = sorted({(m.sentence_start, m.sentence_end) for m in facts.mentions})
    sentences = _sentence_spans(facts) or sentences
    pairs = set()
    for s, e in sentences:
        inside = [g for g in doc.mentions if s <= g[0] < e]
        for a in inside:
            for b in inside:
                if a[3] == "Chemical" and b[3] == "Disease":
                    pairs.update((c, d) for c in a[4] for d in b[4])
    return pairs


def _sentence_spans(facts: TextFacts) -> list[tuple[int, int]]:
    return sorted({(m.sentence_start, m.sentence_end) for m in facts.mentions})


def evaluate_bc5cdr(pipeline: ExtractionPipeline, n_process: int) -> None:
    path = DATA / "bc5cdr" / "CDR_DevelopmentSet.PubTator.slice200.txt"
    docs = read_pubtator(path)
    started = time.perf_counter()
    all_facts = list(pipeline.extract((d.text for d in docs), n_process=n_process))
    seconds = time.perf_counter() - started
    entity = {"Chemical": Score(), "Disease": Score()}
    entity_overlap = {"Chemical": Score(), "Disease": Score()}
    ours, patterns_only, cooc, gold_cooc = Score(), Score(), Score(), Score()
    by_predicate: Counter[str] = Counter()
    by_rule_tp: Counter[str] = Counter()
    by_rule_all: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for doc, facts in zip(docs, all_facts, strict=True):
        for coarse in ("Chemical", "Disease"):
            gold = {(g[0], g[1]) for g in doc.mentions if g[3] == coarse}
            pred = {(m.start, m.end) for m in facts.mentions if _coarse_cdr(m.type) == coarse}
            entity[coarse].add(pred, gold)
            matched = {p for p in pred if any(p[0] < g[1] and g[0] < p[1] for g in gold)}
            hit = {g for g in gold if any(p[0] < g[1] and g[0] < p[1] for p in pred)}
            entity_overlap[coarse].tp += len(hit)
            entity_overlap[coarse].fn += len(gold) - len(hit)
            entity_overlap[coarse].fp += len(pred) - len(matched)
            for g in gold - pred:
                errors[f"missed {coarse}: {doc.text[g[0] : g[1]].lower()}"] += 1
        ids = _mention_ids(facts, doc)
        predicted = _cid_pairs(facts, ids)
        ours.add(predicted, doc.cid)
        patterns_only.add(_cid_pairs(facts, ids, "pattern:"), doc.cid)
        cooc.add(_cooccurrence_pairs(facts, ids), doc.cid)
        gold_cooc.add(_gold_cooccurrence_pairs(facts, doc), doc.cid)
        for r in facts.relations:
            by_predicate[r.predicate] += 1
        for r in facts.relations:
            if r.predicate in ("causes", "adverse_effect_of") and not r.negated:
                single = _cid_pairs(TextFacts(text="", mentions=facts.mentions, relations=(r,)), ids)
                rule = r.rule.split(":")[0] if r.rule.startswith("cooccurrence") else r.rule
                by_rule_all[rule] += 1
                by_rule_tp[rule] += bool(single & doc.cid)
    words = sum(len(d.text.split()) for d in docs)
    print(
        f"\n== bc5cdr: {len(docs)} abstracts, {words} words, "
        f"extraction {seconds:.1f}s ({words / seconds:.0f} words/s)"
    )
    print(" entities (exact span + type):")
    for coarse, score in entity.items():
        print(score.row(coarse))
    total = Score(
        sum(s.tp for s in entity.values()),
        sum(s.fp for s in entity.values()),
        sum(s.fn for s in entity.values()),
    )
    print(total.row("all (micro)"))
    print(" entities (any overlap, for error analysis):")
    for coarse, score in entity_overlap.items():
        print(score.row(coarse))
    print(" CID relations (document level, chemical id x disease id):")
    print(ours.row("ours: patterns + trigger co-occurrence"))
    print(patterns_only.row("ours: patterns only"))
    print(cooc.row("baseline: sentence co-occurrence (our mentions)"))
    print(gold_cooc.row("baseline: sentence co-occurrence (gold mentions)"))
    print(" relations by predicate (all, incl. non-CID types):", dict(by_predicate.most_common()))
    print(" CID-type relations by rule (correct / predicted mentions-pairs):")
    for rule, count in by_rule_all.most_common(20):
        print(f"    {rule:<52} {by_rule_tp[rule]:>4} / {count}")
    print(
        " most frequent missed gold mentions:", ", ".join(f"{k[7:]} ({v})" for k, v in errors.most_common(25))
    )


# --------------------------------------------------------------------------- ddi2013


@dataclass
class DdiSentence:
    id: str
    text: str
    entities: dict[str, tuple[int, int, str]]
    positives: dict[frozenset[str], str]


def read_ddi(folder: Path) -> list[DdiSentence]:
    sentences = []
    for path in sorted(folder.rglob("*.xml")):
        for sent in ET.parse(path).getroot().iter("sentence"):
            entities = {}
            for ent in sent.iter("entity"):
                spans = [tuple(int(x) for x in part.split("-")) for part in ent.get("charOffset").split(";")]
                entities[ent.get("id")] = (
                    min(s for s, _ in spans),
                    max(e for _, e in spans) + 1,
                    ent.get("type"),
                )
            positives = {
                frozenset((p.get("e1"), p.get("e2"))): p.get("type") or "int"
                for p in sent.iter("pair")
                if p.get("ddi") == "true"
            }
            sentences.append(DdiSentence(sent.get("id"), sent.get("text"), entities, positives))
    return sentences


def _ddi_coarse(gold_type: str) -> str:
    return "group" if gold_type == "group" else "drug"


def _our_ddi_coarse(type_name: str) -> str | None:
    return {"Drug": "drug", "Chemical": "drug", "DrugClass": "group"}.get(type_name)


def _map_to_gold(facts: TextFacts, sent: DdiSentence) -> list[str | None]:
    out = []
    for m in facts.mentions:
        best = None
        for gid, (s, e, _t) in sent.entities.items():
            if m.start < e and s < m.end:
                best = gid if best is None or (s, e) == (m.start, m.end) else best
        out.append(best)
    return out


def evaluate_ddi(pipeline: ExtractionPipeline, n_process: int) -> None:
    sentences = read_ddi(DATA / "ddi2013" / "Train")
    started = time.perf_counter()
    all_facts = list(pipeline.extract((s.text for s in sentences), n_process=n_process))
    seconds = time.perf_counter() - started
    entity = {"drug": Score(), "group": Score()}
    ours, patterns_only, cooc, gold_cooc = Score(), Score(), Score(), Score()
    recall_by_type: dict[str, Score] = defaultdict(Score)
    negated_true = 0
    missed: Counter[str] = Counter()
    for sent, facts in zip(sentences, all_facts, strict=True):
        for coarse in entity:
            gold = {(s, e) for s, e, t in sent.entities.values() if _ddi_coarse(t) == coarse}
            pred = {(m.start, m.end) for m in facts.mentions if _our_ddi_coarse(m.type) == coarse}
            entity[coarse].add(pred, gold)
            for g in gold - pred:
                missed[sent.text[g[0] : g[1]].lower()] += 1
        gold_ids = _map_to_gold(facts, sent)
        gold_pairs = {(sent.id, pair) for pair in sent.positives}

        def pairs_of(relations, gold_ids=gold_ids, sent=sent) -> set:
            out = set()
            for r in relations:
                a, b = gold_ids[r.subject], gold_ids[r.object]
                out.add((sent.id, frozenset((a, b)) if a and b and a != b else ("ours", r.subject, r.object)))
            return out

        interactions = [r for r in facts.relations if r.predicate == "interacts_with" and not r.negated]
        predicted = pairs_of(interactions)
        ours.add(predicted, gold_pairs)
        patterns_only.add(pairs_of(r for r in interactions if r.rule.startswith("pattern:")), gold_pairs)
        negated_true += len(
            pairs_of(r for r in facts.relations if r.predicate == "interacts_with" and r.negated) & gold_pairs
        )
        drugs = [i for i, m in enumerate(facts.mentions) if _our_ddi_coarse(m.type)]
        co = set()
        for x in drugs:
            for y in drugs:
                if x < y:
                    a, b = gold_ids[x], gold_ids[y]
                    co.add((sent.id, frozenset((a, b)) if a and b and a != b else ("ours", x, y)))
        cooc.add(co, gold_pairs)
        ids = sorted(sent.entities)
        gold_cooc.add({(sent.id, frozenset((a, b))) for a in ids for b in ids if a < b}, gold_pairs)
        for pair, type_name in sent.positives.items():
            hit = (sent.id, pair) in predicted
            recall_by_type[type_name].tp += hit
            recall_by_type[type_name].fn += not hit
    words = sum(len(s.text.split()) for s in sentences)
    print(
        f"\n== ddi2013: {len(sentences)} sentences, {words} words, "
        f"extraction {seconds:.1f}s ({words / seconds:.0f} words/s)"
    )
    print(" entities (exact span; drug = drug|brand|drug_n):")
    for coarse, score in entity.items():
        print(score.row(coarse))
    print(" interacting pairs (sentence level):")
    print(ours.row("ours: patterns + trigger co-occurrence"))
    print(patterns_only.row("ours: patterns only"))
    print(cooc.row("baseline: sentence co-occurrence (our mentions)"))
    print(gold_cooc.row("baseline: sentence co-occurrence (gold mentions)"))
    print(" recall by gold interaction type:")
    for type_name, score in sorted(recall_by_type.items()):
        print(f"    {type_name:<12} R={score.recall:.3f}  ({score.tp}/{score.tp + score.fn})")
    print(f" gold interactions we read as negated: {negated_true}")
    print(" most frequent missed gold mentions:", ", ".join(f"{k} ({v})" for k, v in missed.most_common(25)))


# --------------------------------------------------------------------------- cuad

_MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, 1)}


def parse_date(text: str) -> date | None:
    """Read the common contract date shapes; None when the text is not one calendar date."""
    t = text.lower().replace(",", " ").replace(".", " ")
    t = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", t)
    t = re.sub(r"\bday of\b", " ", t)
    words = t.split()
    try:
        slash = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})", "".join(words))
        if slash:
            m, d, y = (int(x) for x in slash.groups())
            return date(y + 2000 if y < 50 else y + 1900 if y < 100 else y, m, d)
        month = next(
            (
                number
                for w in words
                for name, number in _MONTHS.items()
                if w == name or (len(w) >= 3 and name.startswith(w) and w.isalpha())
            ),
            None,
        )
        numbers = [int(w) for w in words if w.isdigit()]
        years = [n for n in numbers if n > 31]
        days = [n for n in numbers if n <= 31]
        if month and years and days:
            return date(years[0], month, days[0])
    except (ValueError, StopIteration):
        return None
    return None


def _split_parties(answer: str) -> list[str]:
    names = []
    for part in answer.split(";"):
        part = re.sub(r"\([^)]*\)", " ", part)
        part = re.sub(r"[\"“”]", " ", part).strip(" ,.")
        if not re.search(r"[A-Za-z]{2}", part) or re.search(
            r"referred|foregoing|collectively|herein", part, re.I
        ):
            continue
        names.append(part)
    return names


def _name_match(gold: str, ours: str) -> bool:
    g, o = _norm(gold), _norm(ours)
    if not g or not o:
        return False
    return g == o or fuzz.ratio(g, o) >= 90 or (min(len(g), len(o)) >= 5 and (g in o or o in g))


def evaluate_cuad(pipeline: ExtractionPipeline, schema: Schema, n_process: int) -> None:
    folder = DATA / "cuad"
    rows = list(csv.DictReader((folder / "master_clauses.slice.csv").open(encoding="utf-8")))
    texts = {p.stem: p for p in (folder / "full_contract_txt").glob("*.txt")}
    rows = [r for r in rows if Path(r["Filename"]).stem in texts]
    started = time.perf_counter()
    all_facts = list(
        pipeline.extract(
            (texts[Path(r["Filename"]).stem].read_text(encoding="utf-8", errors="replace") for r in rows),
            n_process=n_process,
            batch_size=4,
        )
    )
    seconds = time.perf_counter() - started
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for row, facts in zip(rows, all_facts, strict=True):
        mentions = facts.mentions
        party_mentions = [m for m in mentions if schema.is_a(m.type, "Party")]
        party_to = [
            mentions[r.subject] for r in facts.relations if r.predicate == "party_to" and not r.negated
        ]
        for name in _split_parties(row["Parties-Answer"]):
            _tally(
                found,
                "parties (mention)",
                any(_name_match(name, m.text) or _name_match(name, m.canonical) for m in party_mentions),
            )
            _tally(
                found,
                "parties (party_to relation)",
                any(_name_match(name, m.text) or _name_match(name, m.canonical) for m in party_to),
            )
        law = row["Governing Law-Answer"].strip()
        if law:
            jurisdictions = [m for m in mentions if m.type == "Jurisdiction"]
            governed = [
                mentions[r.object] for r in facts.relations if r.predicate == "governed_by" and not r.negated
            ]
            hit = any(_norm(law) in _norm(m.text) or _norm(law) in _norm(m.canonical) for m in jurisdictions)
            _tally(found, "governing law (mention)", hit)
            _tally(
                found,
                "governing law (governed_by relation)",
                any(_norm(law) in _norm(m.text) or _norm(law) in _norm(m.canonical) for m in governed),
            )
            if not hit:
                misses.append(f"governing law {law!r} in {row['Filename'][:40]}")
        dates = {parse_date(m.text) for m in mentions if m.type == "Date"} - {None}
        for column, relation in (
            ("Agreement Date", "effective_date"),
            ("Effective Date", "effective_date"),
            ("Expiration Date", "expiration_date"),
        ):
            gold = parse_date(row[f"{column}-Answer"])
            if gold is None:
                continue
            _tally(found, f"{column.lower()} (mention)", gold in dates)
            related = {
                parse_date(mentions[r.object].text) for r in facts.relations if r.predicate == relation
            }
            _tally(found, f"{column.lower()} ({relation} relation)", gold in related)
            if gold not in dates:
                misses.append(f"{column} {gold} in {row['Filename'][:40]}")
    print(f"\n== cuad: {len(rows)} contracts, extraction {seconds:.1f}s")
    for category, (hit, total) in found.items():
        print(f"  {category:<44} recall={hit / total if total else 0:.3f}  ({hit}/{total})")
    print("  misses:", "; ".join(misses[:20]))


def _tally(found: dict[str, list[int]], category: str, hit: bool) -> None:
    found[category][0] += int(hit)
    found[category][1] += 1


# --------------------------------------------------------------------------- main


def _with_class_interactions(schema: Schema) -> Schema:
    relations = tuple(
        r.model_copy(update={"domain": ("Drug", "DrugClass"), "range": ("Drug", "DrugClass")})
        if r.name == "interacts_with"
        else r
        for r in schema.relation_types
    )
    return schema.model_copy(update={"relation_types": relations})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="auto", help='"auto", "blank" or a spaCy package name')
    parser.add_argument("--corpus", action="append", choices=["bc5cdr", "ddi2013", "cuad"])
    parser.add_argument("--n-process", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not DATA.is_dir():
        print(f"skipped: the shared data folder {DATA.resolve()} is absent (see the repository README)")
        return 0
    corpora = args.corpus or ["bc5cdr", "ddi2013", "cuad"]
    started = time.perf_counter()
    if {"bc5cdr", "ddi2013"} & set(corpora):
        medical = build_pipeline(load_ontology("medical"), model=args.model)
        print(f"medical pipeline: model {medical.model_name}, components {medical.nlp.pipe_names}")
        if "bc5cdr" in corpora:
            evaluate_bc5cdr(medical, args.n_process)
        if "ddi2013" in corpora:
            evaluate_ddi(medical, args.n_process)
            # 393 of the 824 gold interactions involve a drug group ("MAO inhibitors"), which the
            # ontology's interacts_with (Drug -> Drug) cannot hold; show what allowing it would give.
            variant = build_pipeline(_with_class_interactions(load_ontology("medical")), model=args.model)
            print("\n   (ontology variant: interacts_with domain/range Drug|DrugClass, for comparison only)")
            evaluate_ddi(variant, args.n_process)
    if "cuad" in corpora:
        schema = load_ontology("legal")
        legal = build_pipeline(schema, model=args.model)
        print(f"\nlegal pipeline: model {legal.model_name}")
        evaluate_cuad(legal, schema, args.n_process)
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
