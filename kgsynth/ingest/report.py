"""What a build tells its caller: inputs skipped, facts dropped, progress while running, totals at the end.

Nothing is dropped silently (STYLE.md, "Logging and progress"): every skipped input file or line
becomes a ``SkippedInput`` naming the file and line, every relation or mention that does not fit
the ontology is counted under its reason, and both appear in the ``BuildReport``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kgsynth.ingest.llm_extract.counts import LLMExtractionReport

#: How many skipped inputs a report keeps in full; beyond this only the count grows, so a corpus
#: of a million broken lines cannot make the report itself grow without bound.
MAX_SKIPPED_KEPT = 100


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SkippedInput(_Frozen):
    """An input file, or one record of a JSONL/PubTator file, that was not read, and why."""

    path: str
    line: int | None = None
    reason: str

    @property
    def where(self) -> str:
        """``path`` or ``path, line N``: the place to fix."""
        return self.path if self.line is None else f"{self.path}, line {self.line}"

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class BuildProgress(_Frozen):
    """Running totals, handed to the ``progress`` callback after each document is settled."""

    documents: int = Field(description="documents read so far (built, unchanged or outside the shard)")
    built: int = 0
    entities: int = 0
    relations: int = 0
    skipped: int = 0
    docs_per_s: float = 0.0


class BuildReport(_Frozen):
    """Totals of one ``build`` run.

    ``entities``, ``mentions`` and ``relations`` count what was written per document (an entity
    named in two documents counts twice); ``GraphStore.stats()`` gives the distinct totals.
    """

    documents_read: int = 0
    documents_built: int = 0
    documents_unchanged: int = Field(0, description="already stored with this content: not re-extracted")
    documents_replaced: int = Field(0, description="older versions of a changed source, deleted")
    documents_other_shard: int = Field(0, description="belong to another --shard")
    chunks: int = 0
    entities: int = 0
    mentions: int = 0
    relations: int = 0
    words: int = 0
    dropped: dict[str, int] = Field(default_factory=dict, description="reason -> count")
    skipped_count: int = 0
    skipped: tuple[SkippedInput, ...] = Field((), description=f"the first {MAX_SKIPPED_KEPT} skipped inputs")
    model: str = ""
    seconds: float = 0.0
    llm: LLMExtractionReport | None = Field(
        None, description="with --extractor llm or both: relations proposed, kept, rejected by reason"
    )

    @property
    def docs_per_s(self) -> float:
        """Documents built per second of the whole run."""
        return self.documents_built / self.seconds if self.seconds > 0 else 0.0

    @property
    def words_per_s(self) -> float:
        """Words of built documents per second of the whole run."""
        return self.words / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """The one-line summary logged at INFO and printed by the CLI."""
        parts = [
            f"{self.documents_built} documents built",
            f"{self.documents_unchanged} unchanged",
        ]
        if self.documents_replaced:
            parts.append(f"{self.documents_replaced} older versions replaced")
        if self.documents_other_shard:
            parts.append(f"{self.documents_other_shard} in other shards")
        parts += [f"{self.entities} entities", f"{self.relations} relations"]
        if self.dropped:
            parts.append(f"{sum(self.dropped.values())} dropped ({_reasons(self.dropped)})")
        if self.skipped_count:
            parts.append(f"{self.skipped_count} inputs skipped")
        line = f"build: {', '.join(parts)} in {self.seconds:.1f}s ({self.docs_per_s:.1f} docs/s)"
        return line if self.llm is None else f"{line}; {self.llm.summary()}"


def _reasons(counts: dict[str, int]) -> str:
    return "; ".join(f"{count} {reason}" for reason, count in sorted(counts.items()))
