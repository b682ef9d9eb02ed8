"""Our own samples re-checked through the facts they were made from: exact, and no parsing.

A sample from ``kgsynth generate`` carries ``checks``: each a triple that must hold in the
graph (``expect="holds"``) or must be absent from it (``expect="absent"``, how negative
samples are made). Each check becomes one claim, looked up exactly as written (no
symmetric or inverse forms: the sample was generated from exactly this triple):

* holds: stored with that polarity -> ``supported``; stored only with the other
  polarity -> ``contradicted``; not stored -> ``not_in_graph``;
* absent: not stored -> ``supported``; stored -> ``contradicted``, with the fact;
* either: an entity missing from the graph -> ``unlinkable``.

So a sample whose graph changed, or whose checks were tampered with, fails; one lookup
per check, a few per sample.
"""

from __future__ import annotations

from collections.abc import Iterable

from kgsynth.model import CheckResult, Claim, Entity, LinkedMention, Sample, TripleCheck, Verdict
from kgsynth.store.base import GraphStore
from kgsynth.verify.aggregate import aggregate


def check_sample(sample: Sample, store: GraphStore, *, record_id: str | None = None) -> CheckResult:
    """The verdict on one of our own samples, from its ``checks`` (none: not fully supported)."""
    entities = {e.id: e for e in sample.path.entities}
    return check_triples(sample.checks, store, record_id=record_id or sample.id, names=entities)


def check_triples(
    checks: Iterable[TripleCheck],
    store: GraphStore,
    *,
    record_id: str | None = None,
    names: dict[str, Entity] | None = None,
) -> CheckResult:
    """The verdict on a record from its provenance checks alone (an exported training record)."""
    verdicts = [check_triple(check, store, names) for check in checks]
    return aggregate(verdicts, record_id=record_id, no_claim_reason="the record has no checks")


def check_triple(check: TripleCheck, store: GraphStore, names: dict[str, Entity] | None = None) -> Verdict:
    """One ``TripleCheck`` against the store, as a verdict on the claim it stands for."""
    names = names or {}
    subject = _mention(check.subject, store, names)
    object_ = _mention(check.object, store, names)
    absent = check.expect == "absent"
    word = (" not " if check.negated else " ") + check.predicate + " "
    claim = Claim(
        text=("absent: " if absent else "") + subject.text + word + object_.text,
        start=0,
        end=0,
        subject=subject,
        predicate=check.predicate,
        object=object_,
        negated=check.negated != absent,
        rule=f"provenance:{check.expect}",
    )
    missing = [m.text for m in (subject, object_) if m.entity_id is None]
    if missing:
        return Verdict(
            status="unlinkable",
            claim=claim,
            reason="not in the graph: " + ", ".join(f'"{m}"' for m in missing),
        )
    stated = store.relations(
        subject=check.subject, predicate=check.predicate, object=check.object, negated=check.negated
    )
    if absent:
        if stated:
            return Verdict(
                status="contradicted",
                claim=claim,
                evidence=tuple(stated),
                reason="the sample needs this fact absent, but the graph states it",
            )
        return Verdict(status="supported", claim=claim, reason="absent from the graph, as the sample needs")
    if stated:
        return Verdict(status="supported", claim=claim, evidence=tuple(stated), reason="held as stated")
    opposite = store.relations(
        subject=check.subject, predicate=check.predicate, object=check.object, negated=not check.negated
    )
    if opposite:
        return Verdict(
            status="contradicted",
            claim=claim,
            evidence=tuple(opposite),
            reason="the graph states the opposite polarity",
        )
    return Verdict(status="not_in_graph", claim=claim, reason="the graph does not state this fact")


def _mention(entity_id: str, store: GraphStore, names: dict[str, Entity]) -> LinkedMention:
    """The entity as a linked mention; ``entity_id=None`` when the store lacks it."""
    stored = store.get_entity(entity_id)
    known = stored or names.get(entity_id)
    text = known.name if known is not None else entity_id
    if stored is None:
        return LinkedMention(text=text, start=0, end=0, type=known.type if known else None)
    return LinkedMention(
        text=text, start=0, end=0, type=stored.type, entity_id=stored.id, method="provenance", score=1.0
    )
