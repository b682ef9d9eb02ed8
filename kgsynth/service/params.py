"""What each kind of task is created with: the request bodies of ``POST /api/v1/tasks/<kind>``.

Every field is a setting of the library call the task makes; none of them names a path, a URL
or an LLM endpoint (those are server configuration, ``settings.py``): ``extractor: "llm"`` and
``generator: "llm"`` use the server's endpoint, and are refused when it has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kgsynth.generate.factory import QUESTION_TYPES
from kgsynth.pipeline import SynthesisSpec

if TYPE_CHECKING:
    from kgsynth.pipeline.llm_generate import LLMSpec

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
    extractor: Literal["rules", "llm", "both"] = Field(
        "rules",
        description="rules: the spaCy pipeline; llm: the server's LLM endpoint (each relation must quote "
        "the text and fit the ontology); both: combined, agreement raises confidence",
    )


class LLMSettings(_Params):
    """A few settings of ``LLMSpec`` for ``generator: "llm"``; unset means the library's default.

    No ``min_score``: it applies only to judge models, and the service configures none.
    """

    cot: bool | None = Field(None, description="reasoning steps, each citing a fact of the path")
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    retries: int | None = Field(None, ge=0, le=3, description="regenerations of a rejected reply")
    max_items: int | None = Field(
        None, ge=1, le=3 * MAX_SAMPLES, description="graph paths tried at most (default: 3 per sample)"
    )
    max_tokens: int | None = Field(None, ge=16, le=4096, description="longest reply")

    def spec(self) -> LLMSpec:
        """The library's ``LLMSpec`` (imports the generation pipeline: call it in the worker)."""
        from kgsynth.pipeline.llm_generate import LLMSpec

        return LLMSpec.of(**self.model_dump(exclude_none=True))


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
    generator: Literal["templates", "llm"] = Field(
        "templates",
        description="templates: the template pack; llm: the server's LLM rewords each template sample, "
        "kept only if the graph supports it",
    )
    llm: LLMSettings | None = Field(None, description='with generator "llm" only')

    @model_validator(mode="after")
    def _llm_settings_need_the_llm(self) -> SynthesisParams:
        if self.llm is not None and self.generator != "llm":
            raise ValueError(f'llm settings apply to generator "llm", not "{self.generator}"')
        return self

    def llm_spec(self) -> LLMSpec:
        """The library's ``LLMSpec`` for ``generator: "llm"`` (unset settings: its defaults)."""
        return (self.llm or LLMSettings()).spec()

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


__all__ = ["MAX_SAMPLES", "ExtractionParams", "FactcheckParams", "LLMSettings", "SynthesisParams"]
