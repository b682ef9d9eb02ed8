"""What LLM extraction reports: relations proposed, kept and rejected by reason, replies lost, agreement.

Nothing the model proposes disappears unreported (STYLE.md, "Logging and progress"): each
rejected relation is counted under its reason (``ground.REJECTIONS``), each reply that could
not be used (cut at ``max_tokens``, not JSON, not the schema) under the client's failure
reason, and with ``--extractor both`` how often the rules and the model agreed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field


class Agreement(BaseModel):
    """Relations of ``--extractor both`` by who read them (counted per document)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    both: int = Field(0, description="read by the rules and the model: confidence raised")
    rules_only: int = 0
    llm_only: int = 0
    polarity_conflicts: int = Field(0, description="one read the fact, the other its negation")

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(
            **{name: getattr(self, name) + getattr(other, name) for name in Agreement.model_fields}
        )


class LLMExtractionReport(BaseModel):
    """Totals of LLM extraction over one build."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    chunks: int = 0
    replies_unusable: dict[str, int] = Field(default_factory=dict, description="failure reason -> replies")
    proposed: int = Field(0, description="relations the model proposed")
    kept: int = Field(0, description="relations handed to assembly (it may still merge or drop some)")
    rejected: dict[str, int] = Field(default_factory=dict, description="reason -> relations")
    entities_proposed: int = 0
    entities_rejected: int = Field(
        0, description="listed entities the chunk never names, or of no known type"
    )
    agreement: Agreement | None = None
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def summary(self) -> str:
        """One line: ``LLM smollm2: 12 relations proposed, 7 kept, 5 rejected (...)``."""
        rejected = sum(self.rejected.values())
        parts = [f"{self.proposed} relations proposed", f"{self.kept} kept", f"{rejected} rejected"]
        line = f"LLM {self.model}: " + ", ".join(parts)
        if rejected:
            line += f" ({_reasons(self.rejected)})"
        unusable = sum(self.replies_unusable.values())
        if unusable:
            line += f"; {unusable} of {self.chunks} replies unusable ({_reasons(self.replies_unusable)})"
        if self.agreement is not None:
            a = self.agreement
            line += (
                f"; rules and LLM agree on {a.both}, rules only {a.rules_only}, LLM only {a.llm_only}, "
                f"{a.polarity_conflicts} polarity conflicts"
            )
        return line


@dataclass
class Tally:
    """Running counts, turned into an ``LLMExtractionReport`` at the end."""

    chunks: int = 0
    unusable: Counter[str] = field(default_factory=Counter)
    proposed: int = 0
    kept: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    entities_proposed: int = 0
    entities_rejected: int = 0
    agreement: Agreement | None = None

    def agreed(self, agreement: Agreement) -> None:
        self.agreement = agreement if self.agreement is None else self.agreement + agreement


def _reasons(counts: dict[str, int]) -> str:
    return "; ".join(f"{count} {reason}" for reason, count in sorted(counts.items()))
