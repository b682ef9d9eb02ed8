"""``WalkSpec``: what fact paths to draw from a graph, and how (one pydantic model, ``extra="forbid"``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kgsynth.errors import ConfigError

Strategy = Literal["random", "inverse_degree", "metapath", "khop", "between", "star"]

#: The longest chain a walk draws; longer chains make questions no reader can follow.
MAX_HOPS = 4


class WalkSpec(BaseModel):
    """Which paths ``walk`` draws.

    Attributes:
        strategy: ``random`` (uniform steps, every fact equally likely to start a walk),
            ``inverse_degree`` (steps prefer low-degree neighbours, so hubs do not dominate),
            ``metapath`` (typed steps given by ``pattern``), ``khop`` (distinct chains of ``hops``
            around the ``start`` entity), ``between`` (simple paths from ``start`` to ``end``),
            ``star`` (one entity with all its facts of one relation and direction).
        hops: exact length of every chain (1..4). For ``metapath`` it follows from the pattern;
            for ``between`` without an explicit ``hops``, paths of every length up to 4, shortest first.
        limit: number of paths to yield; None for an endless stream (``synthesize`` uses that).
        relations / exclude: relation allow and deny lists (names must be in the graph).
        min_confidence: skip facts below this confidence.
        include_negated / include_hedged: also walk negated ("X does not treat Y") or hedged facts.
        pattern: a meta-path, e.g. ``"Drug -treats-> Disease -has_symptom-> Symptom"``; ``<-rel-``
            walks a relation backwards, ``*`` matches any type or relation.
        start / end: entity ids (or unique names) for ``khop``, ``between`` and ``star``.
        coverage_decay: a fact's weight is multiplied by this each time a path uses it, so later
            paths prefer unused facts (1.0 turns coverage preference off).
        max_size: the most facts a ``star`` may have (larger groups are skipped, never truncated,
            so a count read off a star is the true count).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    strategy: Strategy = "random"
    hops: int = Field(1, ge=1, le=MAX_HOPS)
    limit: int | None = Field(100, ge=1)
    seed: int = 0
    relations: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_confidence: float = Field(0.0, ge=0.0, le=1.0)
    include_negated: bool = False
    include_hedged: bool = False
    pattern: str | None = None
    start: str | None = None
    end: str | None = None
    coverage_decay: float = Field(0.01, gt=0.0, le=1.0)
    max_size: int = Field(12, ge=1)

    @classmethod
    def of(cls, **settings: object) -> WalkSpec:
        """Build a spec, raising ``ConfigError`` naming the bad setting instead of pydantic's error."""
        try:
            return cls(**settings)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "walk spec"
            raise ConfigError(
                f'walk setting "{where}": {first["msg"]} (got {first.get("input")!r}).'
            ) from exc

    @property
    def hops_given(self) -> bool:
        """Whether ``hops`` was set explicitly (``between`` and ``metapath`` need to know)."""
        return "hops" in self.model_fields_set


__all__ = ["MAX_HOPS", "Strategy", "WalkSpec"]
