"""What ``kgsynth check`` writes per input line, the run's counts, and its exit code.

One JSON object per input line, in input order::

    {"id": "q7", "line": 3, "kind": "qa", "text": "aspirin treats headache",
     "verdict": "supported", "reason": "1 claim: 1 supported",
     "claims": [{"text": ..., "start": 0, "end": 23, "predicate": "treats", "negated": false,
                 "verdict": "supported", "reason": "held as stated",
                 "subject": {"text": "aspirin", "entity_id": "Drug:aspirin", "method": "name", ...},
                 "object": {...},
                 "evidence": [{"subject": ..., "predicate": ..., "object": ..., "negated": false,
                               "evidence": [{"document_id": ..., "sentence": ..., ...}]}]}],
     "uncovered": [...]}

``text`` is what was checked (for a QA pair: the statement made from it). A line that
could not be checked gets ``"verdict": "skipped"`` and the reason, so output lines still
pair up with input lines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from kgsynth.model import Verdict
from kgsynth.verify.check import CheckedRecord
from kgsynth.verify.read import SkippedLine

FailOn = Literal["contradicted", "not_fully_supported", "any"]

#: Exit codes of ``kgsynth check`` (1 is any error, 2 a usage error, as for every command).
EXIT_OK = 0
EXIT_SKIPPED = 3
EXIT_FAILED = 4
EXIT_SKIPPED_AND_FAILED = 5


def result_record(checked: CheckedRecord) -> dict[str, Any]:
    """The output object for one checked input."""
    result = checked.result
    return {
        "id": result.id,
        "line": checked.input.line,
        "kind": checked.input.kind,
        "text": checked.text,
        "verdict": result.status,
        "reason": result.reason,
        "claims": [claim_record(v) for v in result.verdicts],
        "uncovered": [m.model_dump() for m in checked.uncovered],
    }


def claim_record(verdict: Verdict) -> dict[str, Any]:
    """One claim with its verdict, linked entities and evidence."""
    claim = verdict.claim
    return {
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "predicate": claim.predicate,
        "negated": claim.negated,
        "hedged": claim.hedged,
        "rule": claim.rule,
        "verdict": verdict.status,
        "reason": verdict.reason,
        "subject": claim.subject.model_dump(),
        "object": claim.object.model_dump(),
        "evidence": [
            {
                "subject": r.subject,
                "predicate": r.predicate,
                "object": r.object,
                "negated": r.negated,
                "evidence": [
                    {"document_id": e.document_id, "sentence": e.sentence, "start": e.start, "end": e.end}
                    for e in r.evidence
                ],
            }
            for r in verdict.evidence
        ],
    }


def skipped_record(skipped: SkippedLine) -> dict[str, Any]:
    """The output object for a line that could not be checked."""
    return {"id": skipped.id, "line": skipped.line, "verdict": "skipped", "reason": skipped.reason}


@dataclass
class CheckSummary:
    """Counts of one run: records by verdict, claims by verdict, lines skipped (with reasons)."""

    records: Counter[str] = field(default_factory=Counter)
    claims: Counter[str] = field(default_factory=Counter)
    skipped: list[SkippedLine] = field(default_factory=list)
    #: With ``--claims llm|both``: what the LLM proposed, kept and dropped (one line).
    llm: str = ""

    def add(self, item: CheckedRecord | SkippedLine) -> None:
        """Count one output line."""
        if isinstance(item, SkippedLine):
            self.skipped.append(item)
            return
        self.records[item.result.status] += 1
        self.claims.update(v.status for v in item.result.verdicts)

    @property
    def checked(self) -> int:
        """Records checked (not skipped)."""
        return sum(self.records.values())

    def failed(self, fail_on: FailOn | None) -> bool:
        """Whether the ``--fail-on`` condition was hit.

        ``contradicted``: a record was contradicted; ``not_fully_supported``: a record was
        anything but supported; ``any``: that, or a line was skipped.
        """
        if fail_on is None:
            return False
        if fail_on == "contradicted":
            return self.records["contradicted"] > 0
        not_supported = self.checked - self.records["supported"] > 0
        return not_supported or (fail_on == "any" and bool(self.skipped))

    def exit_code(self, fail_on: FailOn | None = None) -> int:
        """0 all checked (and the fail-on condition not hit); 3 lines skipped; 4 fail-on hit; 5 both."""
        skipped, failed = bool(self.skipped), self.failed(fail_on)
        if skipped and failed:
            return EXIT_SKIPPED_AND_FAILED
        if failed:
            return EXIT_FAILED
        return EXIT_SKIPPED if skipped else EXIT_OK
