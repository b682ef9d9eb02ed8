"""What each kind of task is created with: the request bodies of ``POST /api/v1/tasks/<kind>``.

Every field is a setting of the library call the task makes; none of them names a path, a URL
or an LLM endpoint (those are server configuration, ``settings.py``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kgsynth.generate.factory import QUESTION_TYPES
from kgsynth.pipeline import SynthesisSpec

Sha256 = str
#: Largest synthesis task a page may ask for.
MAX_SAMPLES = 100_000


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExtractionParams(_Params):
    """Documents (uploads, by hash) into a new graph typed by an ontology."""

    uploads: list[Sha256] = Field(min_length=1, max_length=10_000, description="sha256 of uploaded documents")
    ontology: str = Field("medical", description='a shipped name ("medical", "legal") or "upload:<sha256>"')
    model: Literal["auto", "blank"] = Field(
        "blank", description="blank: ontology rules only (fast); auto: the trained spaCy model if installed"
    )


class SynthesisParams(_Params):
    """Grounded samples from the graph of a succeeded extraction task."""

    source_task: int = Field(ge=1, le=2**62, description="a succeeded extraction task")
    n: int = Field(100, ge=1, le=MAX_SAMPLES)
    hops: tuple[int, int] = (1, 3)
    types: list[str] = Field(default_factory=lambda: ["factoid", "multihop", "yesno", "mcq"], min_length=1)
    seed: int = Field(0, ge=0, le=2**31)
    pack: Literal["auto", "generic", "medical", "legal"] = "auto"
    relations: list[str] = Field(default_factory=list, max_length=200)
    min_confidence: float = Field(0.5, ge=0.0, le=1.0)
    dedup_threshold: float = Field(0.9, gt=0.0, le=1.0)
    per_relation_cap: int | None = Field(None, ge=1)
    per_entity_cap: int | None = Field(None, ge=1)

    @field_validator("types")
    @classmethod
    def _known_types(cls, types: list[str]) -> list[str]:
        unknown = [t for t in types if t not in QUESTION_TYPES]
        if unknown:
            raise ValueError(f'unknown question type "{unknown[0]}"; types: {", ".join(QUESTION_TYPES)}')
        return types

    def spec(self) -> SynthesisSpec:
        """The library's ``SynthesisSpec`` (raises ``ConfigError`` naming a bad combination)."""
        return SynthesisSpec.of(
            n=self.n,
            hops=self.hops,
            types=tuple(self.types),
            seed=self.seed,
            pack=self.pack,
            relations=tuple(self.relations),
            min_confidence=self.min_confidence,
            dedup_threshold=self.dedup_threshold,
            per_relation_cap=self.per_relation_cap,
            per_entity_cap=self.per_entity_cap,
        )


class FactcheckParams(_Params):
    """An uploaded JSONL file checked against a graph."""

    upload: Sha256 = Field(description="sha256 of an uploaded .jsonl file")
    graph: str = Field(description='"store" (the served store) or "task-<id>" (an extraction task\'s graph)')


__all__ = ["MAX_SAMPLES", "ExtractionParams", "FactcheckParams", "SynthesisParams"]
