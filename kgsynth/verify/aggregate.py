"""Claim verdicts -> one verdict per record, with a reason a person can read.

Any contradicted claim makes the record ``contradicted``; all claims supported makes it
``supported``; anything else is ``not_fully_supported``: some claim is not in the graph
or unlinkable, no claim was recognised at all, or the text names an entity in a
sentence of several entities where no claim covers it (``uncovered`` mentions, chosen
by the checker's coverage setting; see ``check.py``): such a text says something no
claim reads, about an entity the graph may not even know; or it uses a relation's word
that no claim explains (``unread``: "Tomato is an ingredient of X" when "Tomato" was never
found as a name).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kgsynth.model import CheckResult, LinkedMention, Verdict

NO_CLAIM = "no claim recognised"
_LABELS = {
    "supported": "supported",
    "contradicted": "contradicted",
    "not_in_graph": "not in the graph",
    "unlinkable": "unlinkable",
}


def aggregate(
    verdicts: Sequence[Verdict],
    *,
    record_id: str | None = None,
    uncovered: Sequence[LinkedMention] = (),
    no_claim_reason: str = NO_CLAIM,
    unread: Sequence[str] = (),
) -> CheckResult:
    """The record-level verdict for these claim verdicts (see the module docstring)."""
    counts = Counter(v.status for v in verdicts)
    uncovered_note = "; ".join(n for n in (_uncovered_note(uncovered), _unread_note(unread)) if n)
    if not verdicts:
        reason = "; ".join(r for r in (no_claim_reason, uncovered_note) if r)
        return CheckResult(id=record_id, status="not_fully_supported", reason=reason)
    summary = ", ".join(f"{counts[s]} {_LABELS[s]}" for s in _LABELS if counts[s])
    if counts["contradicted"]:
        status = "contradicted"
    elif counts["supported"] == len(verdicts) and not uncovered and not unread:
        status = "supported"
    else:
        status = "not_fully_supported"
    unlinked = sorted(
        {
            m.text
            for v in verdicts
            if v.status == "unlinkable"
            for m in (v.claim.subject, v.claim.object)
            if m.entity_id is None
        }
    )
    parts = [f"{len(verdicts)} claim{'s' if len(verdicts) != 1 else ''}: {summary}"]
    if unlinked:
        parts.append("no graph entity for " + ", ".join(f'"{name}"' for name in unlinked))
    if uncovered_note:
        parts.append(uncovered_note)
    return CheckResult(id=record_id, status=status, verdicts=tuple(verdicts), reason="; ".join(parts))


def _uncovered_note(uncovered: Sequence[LinkedMention]) -> str:
    unknown = sorted({m.text for m in uncovered if m.entity_id is None})
    known = sorted({m.text for m in uncovered if m.entity_id is not None} - set(unknown))
    notes = []
    if unknown:
        notes.append(
            "names " + ", ".join(f'"{n}"' for n in unknown) + " that the graph does not know, in no claim"
        )
    if known:
        notes.append("no claim reads what it says of " + ", ".join(f'"{n}"' for n in known))
    return "; ".join(notes)


def _unread_note(unread: Sequence[str]) -> str:
    words = sorted(set(unread))
    if not words:
        return ""
    return "says " + ", ".join(f'"{w}"' for w in words) + " of something no claim reads"
