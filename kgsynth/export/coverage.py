"""How much of the graph a run's samples use: entities, relations, relation types, per hop count.

The report is what tells a user that 10,000 samples drew on 3% of the graph's facts, or that
all 3-hop questions go through one hub. ``CoverageCounter`` is fed one sample at a time, so an
orchestrator streaming samples to disk can count alongside; ``coverage_report`` is the one-shot
form.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from kgsynth.model import Sample
from kgsynth.store.snapshot import GraphSnapshot


class HopCoverage(BaseModel):
    """Coverage of the samples with one hop count."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    samples: int = 0
    entities_used: int = 0
    relations_used: int = 0
    relation_share: float = 0.0


class CoverageReport(BaseModel):
    """Counts of samples, and the share of the graph they touch."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    samples: int = 0
    entities_used: int = 0
    entities_total: int = 0
    entity_share: float = 0.0
    relations_used: int = 0
    relations_total: int = 0
    relation_share: float = 0.0
    relation_types_used: int = 0
    relation_types_total: int = 0
    relation_type_share: float = 0.0
    by_type: dict[str, int] = Field(default_factory=dict)
    by_hops: dict[int, int] = Field(default_factory=dict)
    by_relation: dict[str, int] = Field(default_factory=dict)
    by_label: dict[str, int] = Field(default_factory=dict)
    by_language: dict[str, int] = Field(default_factory=dict)
    by_template: dict[str, int] = Field(default_factory=dict)
    per_hops: dict[int, HopCoverage] = Field(default_factory=dict)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


class CoverageCounter:
    """Accumulates what samples use; ``report(graph)`` compares it with the graph's size."""

    def __init__(self) -> None:
        self.samples = 0
        self.entities: set[str] = set()
        self.relations: set[str] = set()
        self.predicates: set[str] = set()
        self.counts: dict[str, Counter[str]] = {
            k: Counter() for k in ("type", "relation", "label", "language", "template")
        }
        self.by_hops: Counter[int] = Counter()
        self._hop_entities: dict[int, set[str]] = {}
        self._hop_relations: dict[int, set[str]] = {}

    def add(self, sample: Sample) -> None:
        """Count one sample."""
        path = sample.path
        entity_ids = {e.id for e in path.entities}
        relation_ids = {r.id for r in path.relations}
        predicates = {r.predicate for r in path.relations}
        self.samples += 1
        self.entities |= entity_ids
        self.relations |= relation_ids
        self.predicates |= predicates
        self.counts["type"][sample.type] += 1
        self.counts["relation"].update(predicates)
        self.counts["label"][sample.label] += 1
        self.counts["language"][sample.language] += 1
        self.counts["template"][sample.made_by] += 1
        self.by_hops[sample.hops] += 1
        self._hop_entities.setdefault(sample.hops, set()).update(entity_ids)
        self._hop_relations.setdefault(sample.hops, set()).update(relation_ids)

    def report(self, graph: GraphSnapshot) -> CoverageReport:
        """The coverage of everything added so far, against ``graph``."""
        n_relations, n_types = graph.n_relations, len(graph.predicates)
        return CoverageReport(
            samples=self.samples,
            entities_used=len(self.entities),
            entities_total=graph.n_entities,
            entity_share=_share(len(self.entities), graph.n_entities),
            relations_used=len(self.relations),
            relations_total=n_relations,
            relation_share=_share(len(self.relations), n_relations),
            relation_types_used=len(self.predicates),
            relation_types_total=n_types,
            relation_type_share=_share(len(self.predicates), n_types),
            by_type=dict(sorted(self.counts["type"].items())),
            by_hops=dict(sorted(self.by_hops.items())),
            by_relation=dict(self.counts["relation"].most_common()),
            by_label=dict(sorted(self.counts["label"].items())),
            by_language=dict(sorted(self.counts["language"].items())),
            by_template=dict(self.counts["template"].most_common()),
            per_hops={
                hops: HopCoverage(
                    samples=count,
                    entities_used=len(self._hop_entities[hops]),
                    relations_used=len(self._hop_relations[hops]),
                    relation_share=_share(len(self._hop_relations[hops]), n_relations),
                )
                for hops, count in sorted(self.by_hops.items())
            },
        )


def coverage_report(samples: Iterable[Sample], graph: GraphSnapshot) -> CoverageReport:
    """Share of the graph's entities, relations and relation types the samples use, per hop count too."""
    counter = CoverageCounter()
    for sample in samples:
        counter.add(sample)
    return counter.report(graph)


__all__ = ["CoverageCounter", "CoverageReport", "HopCoverage", "coverage_report"]
