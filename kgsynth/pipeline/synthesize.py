"""``synthesize(graph, spec)``: walks -> template samples -> quality control, until exactly ``n`` are kept.

This is where the walk stage (``kgsynth.walks``), the template stage (``kgsynth.generate``) and
quality control (``kgsynth.export``) meet; none of them knows the others. For each sample slot
the question type is fixed by an even, deterministic spread over ``spec.types``; the hop count
is drawn uniformly from the ``spec.hops`` range intersected with what the type supports; one
walker per hop count (all sharing one ``EdgeCoverage``, so every type prefers unused facts)
gives the path; the ``SampleFactory`` makes the sample; then the answer-leak filter, the
balance caps and the near-duplicate filter decide whether it is kept. Every drop is counted by
reason. If the graph cannot give what was asked (too few facts for 3 hops, everything left is a
near-duplicate) the run stops with a ``GenerationError`` that says how many samples were made and
why the rest could not be, never with a short result.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kgsynth.errors import ConfigError, GenerationError, WalkError
from kgsynth.export import BalanceCaps, CoverageCounter, CoverageReport, NearDuplicateFilter, leaks_answer
from kgsynth.generate.factory import QUESTION_TYPES, SampleFactory, hops_for
from kgsynth.model import FactPath, Sample, content_hash
from kgsynth.store.base import GraphStore
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks import (
    MAX_HOPS,
    ChainWalker,
    EdgeCoverage,
    WalkSpec,
    build_adjacency,
    edge_mask,
    random_walker,
)

logger = logging.getLogger(__name__)

#: Attempts in a row that may fail for one question type before the run gives up.
MAX_FAILURES_IN_A_ROW = 2_000


class SynthesisSpec(BaseModel):
    """What ``synthesize`` makes: how many samples, of which types and hop counts, from which facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int = Field(ge=1)
    hops: tuple[int, int] = (1, 3)
    types: tuple[str, ...] = ("factoid", "multihop", "yesno", "mcq")
    seed: int = 0
    language: str = "en"
    pack: str = "auto"
    strategy: Literal["random", "inverse_degree"] = "random"
    relations: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # 0.5 keeps pattern-read facts and drops sentence co-occurrence guesses (confidence 0.3):
    # training data should not teach what the extractor only guessed.
    min_confidence: float = Field(0.5, ge=0.0, le=1.0)
    include_negated: bool = False
    include_hedged: bool = False
    per_relation_cap: int | None = Field(None, ge=1)
    per_entity_cap: int | None = Field(None, ge=1)
    dedup_threshold: float = Field(0.9, gt=0.0, le=1.0)
    coverage_decay: float = Field(0.01, gt=0.0, le=1.0)
    max_failures: int = Field(MAX_FAILURES_IN_A_ROW, ge=1)

    @model_validator(mode="after")
    def _hops_and_types_fit(self) -> SynthesisSpec:
        low, high = self.hops
        if not 1 <= low <= high <= MAX_HOPS:
            raise ValueError(f"hops must be a range within 1-{MAX_HOPS}, like 1-3; got {low}-{high}")
        if not self.types:
            raise ValueError(f"give at least one question type: {', '.join(QUESTION_TYPES)}")
        for type_name in self.types:
            if type_name not in QUESTION_TYPES:
                raise ValueError(
                    f'question type "{type_name}" is not known. Types: {", ".join(QUESTION_TYPES)}'
                )
            if not _hop_choices(type_name, self.hops):
                lo, hi = hops_for(type_name)
                raise ValueError(
                    f"question type {type_name} needs {lo}-{hi} hops, outside --hops {low}-{high}; "
                    "widen the hops or drop the type"
                )
        return self

    @classmethod
    def of(cls, **settings: object) -> SynthesisSpec:
        """Build a spec, raising ``ConfigError`` naming the bad setting instead of pydantic's error."""
        try:
            return cls(**settings)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = str(first["msg"]).removeprefix("Value error, ")
            raise ConfigError(f"generation setting {where or 'spec'}: {message}.") from exc

    def fingerprint(self) -> str:
        """Hash of every setting: recorded on each sample so a dataset can be regenerated."""
        return content_hash(self.model_dump_json())


def _hop_choices(type_name: str, hops: tuple[int, int]) -> tuple[int, ...]:
    low, high = hops_for(type_name)
    return tuple(range(max(low, hops[0]), min(high, hops[1]) + 1))


@dataclass
class SynthesisReport:
    """What a run made and dropped; ``coverage`` is filled in once every sample was yielded."""

    requested: int
    by_type: Counter[str] = field(default_factory=Counter)
    by_hops: Counter[int] = field(default_factory=Counter)
    by_relation: Counter[str] = field(default_factory=Counter)
    drops: Counter[str] = field(default_factory=Counter)
    attempts: int = 0
    coverage: CoverageReport | None = None
    seconds: Counter[str] = field(default_factory=Counter)  # time spent walking, making, checking

    @property
    def made(self) -> int:
        return sum(self.by_type.values())

    def count(self, sample: Sample) -> None:
        self.by_type[sample.type] += 1
        self.by_hops[sample.hops] += 1
        self.by_relation.update({r.predicate for r in sample.path.relations})  # once per sample

    def coverage_line(self) -> str:
        """One line on how much of the graph the samples used (empty until the run has finished)."""
        c = self.coverage
        if c is None:
            return ""
        return (
            f"coverage: {c.relations_used}/{c.relations_total} relations ({c.relation_share:.1%}), "
            f"{c.entities_used}/{c.entities_total} entities ({c.entity_share:.1%}), "
            f"{c.relation_types_used}/{c.relation_types_total} relation types ({c.relation_type_share:.1%})"
        )

    def coverage_text(self) -> str:
        """The coverage line plus one line per hop count."""
        if self.coverage is None:
            return ""
        lines = [self.coverage_line()]
        for hops, c in self.coverage.per_hops.items():
            lines.append(
                f"  {hops} hop{'s' if hops != 1 else ''}: {c.samples} samples, {c.relations_used} relations "
                f"({c.relation_share:.1%}), {c.entities_used} entities"
            )
        return "\n".join(lines)

    def drop_summary(self, limit: int = 5) -> str:
        """The commonest drop reasons, for messages."""
        if not self.drops:
            return "no drops"
        return "; ".join(f"{reason}: {count}" for reason, count in self.drops.most_common(limit))


class SynthesisResult:
    """The samples of one run, made lazily as they are iterated (once), and the run's report.

    ``report`` is complete (coverage included) once iteration has finished.
    """

    def __init__(self, graph: GraphSnapshot, spec: SynthesisSpec, factory: SampleFactory) -> None:
        self.graph = graph
        self.spec = spec
        self.factory = factory
        self.report = SynthesisReport(requested=spec.n)
        self._samples: Iterator[Sample] = _run(graph, spec, factory, self.report)

    def __iter__(self) -> Iterator[Sample]:
        return self._samples


def synthesize(source: GraphStore | GraphSnapshot, spec: SynthesisSpec) -> SynthesisResult:
    """Make exactly ``spec.n`` grounded samples from the graph, or raise saying why that is impossible.

    ``source`` is a ``GraphSnapshot`` or a store to snapshot (evidence stays in the store, which
    must stay open while the result is iterated). Settings are checked before anything is made;
    graph limits surface while iterating.

    Raises:
        ConfigError / TemplateError: a bad pack, language or template (before any sample is made).
        WalkError: a relation in ``spec.relations`` / ``spec.exclude`` is not in the graph.
        GenerationError: (while iterating) the graph cannot give ``spec.n`` samples as asked.

    Example:
        >>> result = synthesize(store, SynthesisSpec(n=100, hops=(1, 3), seed=7))  # doctest: +SKIP
        >>> samples = list(result); result.report.by_type                           # doctest: +SKIP
    """
    graph = source if isinstance(source, GraphSnapshot) else _snapshot(source, spec)
    edge_mask(graph, _walk_spec(spec, 1))  # unknown relation names fail now, not mid-run
    factory = SampleFactory(graph, pack=spec.pack, language=spec.language, seed=spec.seed)
    return SynthesisResult(graph, spec, factory)


def _snapshot(store: GraphStore, spec: SynthesisSpec) -> GraphSnapshot:
    # Every positive fact goes in (whatever its confidence or hedging) so that negatives made by
    # the factory are checked against all the graph holds; the walks apply the spec's filters.
    return GraphSnapshot.from_store(store, include_negated=spec.include_negated, include_hedged=True)


def _walk_spec(spec: SynthesisSpec, hops: int) -> WalkSpec:
    return WalkSpec(
        strategy=spec.strategy,
        hops=hops,
        limit=None,
        seed=spec.seed,
        relations=spec.relations,
        exclude=spec.exclude,
        min_confidence=spec.min_confidence,
        include_negated=spec.include_negated,
        include_hedged=spec.include_hedged,
        coverage_decay=spec.coverage_decay,
    )


def type_plan(types: tuple[str, ...], n: int) -> list[str]:
    """The question type of each of ``n`` slots: counts differ by at most one, types interleaved.

    Example:
        >>> type_plan(("factoid", "mcq", "yesno"), 7)
        ['factoid', 'mcq', 'yesno', 'factoid', 'mcq', 'yesno', 'factoid']
    """
    return [types[i % len(types)] for i in range(n)]


class _Walkers:
    """One endless path stream per hop count, sharing one coverage record and one adjacency."""

    def __init__(self, graph: GraphSnapshot, spec: SynthesisSpec) -> None:
        self.graph = graph
        self.spec = spec
        self.coverage = EdgeCoverage(graph.n_relations, spec.coverage_decay)
        self.adjacency = build_adjacency(graph, edge_mask(graph, _walk_spec(spec, 1)))
        self._streams: dict[int, Iterator[FactPath]] = {}

    def next_path(self, hops: int) -> FactPath:
        stream = self._streams.get(hops)
        if stream is None:
            walker: ChainWalker = random_walker(
                self.graph,
                _walk_spec(self.spec, hops),
                coverage=self.coverage,
                adjacency=self.adjacency,
                rng=np.random.default_rng([self.spec.seed, hops]),
            )
            stream = self._streams[hops] = walker.paths()
        return next(stream)


def _run(
    graph: GraphSnapshot, spec: SynthesisSpec, factory: SampleFactory, report: SynthesisReport
) -> Iterator[Sample]:
    stages = _Stages(graph, spec, factory, report)
    stamp = {"kgsynth_version": _version(), "seed": str(spec.seed), "spec_hash": spec.fingerprint()}
    coverage = CoverageCounter()
    for type_name in type_plan(spec.types, spec.n):
        sample = stages.sample(type_name)
        sample.meta.update(stamp)
        report.count(sample)
        coverage.add(sample)
        yield sample
    report.coverage = coverage.report(graph)
    logger.info(
        "synthesize: %d samples (%s) in %d attempts; %s; seconds: %s",
        report.made,
        ", ".join(f"{t} {c}" for t, c in sorted(report.by_type.items())),
        report.attempts,
        report.drop_summary(),
        ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in report.seconds.items()),
    )


class _Stages:
    """Walk, make, check: one attempt at a sample at a time, each stage timed and its drops counted."""

    def __init__(
        self, graph: GraphSnapshot, spec: SynthesisSpec, factory: SampleFactory, report: SynthesisReport
    ) -> None:
        self.spec = spec
        self.factory = factory
        self.report = report
        self.walkers = _Walkers(graph, spec)
        self.rng = np.random.default_rng([spec.seed, 0])
        self.dedup = NearDuplicateFilter(threshold=spec.dedup_threshold)
        self.caps = BalanceCaps(per_relation=spec.per_relation_cap, per_entity=spec.per_entity_cap)

    def sample(self, type_name: str) -> Sample:
        """The next kept sample of ``type_name``.

        Raises:
            GenerationError: if ``spec.max_failures`` attempts in a row fail, or a walk is impossible.
        """
        choices = _hop_choices(type_name, self.spec.hops)
        for _ in range(self.spec.max_failures):
            self.report.attempts += 1
            hops = int(choices[self.rng.integers(0, len(choices))])
            sample = self._make(type_name, self._path(type_name, hops))
            if sample is not None and self._keep(sample):
                return sample
        report = self.report
        raise GenerationError(
            f"made {report.made} of {report.requested} samples, then {self.spec.max_failures} attempts "
            f"in a row at a {type_name} sample failed ({report.drop_summary()}). The graph has too few "
            "distinct facts for this request: ask for fewer samples, other types or hops, or a bigger graph."
        )

    def _path(self, type_name: str, hops: int) -> FactPath:
        started = time.perf_counter()
        try:
            return self.walkers.next_path(hops)
        except WalkError as exc:
            raise GenerationError(
                f"made {self.report.made} of {self.report.requested} samples, then the graph could not "
                f"give a {hops}-hop path for a {type_name} sample: {exc}"
            ) from exc
        finally:
            self.report.seconds["walk"] += time.perf_counter() - started

    def _make(self, type_name: str, path: FactPath) -> Sample | None:
        """The factory's sample from ``path``, or None with its skip reason counted as a drop."""
        started = time.perf_counter()
        before = self.factory.skipped.copy()
        sample = self.factory.make(path, type_name)
        if sample is None:
            reasons = self.factory.skipped - before
            self.report.drops[f"skipped: {next(iter(reasons), 'no template fits')}"] += 1
        self.report.seconds["make"] += time.perf_counter() - started
        return sample

    def _keep(self, sample: Sample) -> bool:
        """Quality control; a dropped sample's reason is counted. Dedup and caps remember what they keep."""
        started = time.perf_counter()
        reason = None
        if leaks_answer(sample):
            reason = "answer leak"
        elif not self.dedup.accept(sample):
            reason = "near-duplicate"
        elif not self.caps.accept(sample):
            reason = "balance cap"
        if reason is not None:
            self.report.drops[reason] += 1
        self.report.seconds["qc"] += time.perf_counter() - started
        return reason is None


def _version() -> str:
    try:
        return metadata.version("kgsynth")
    except metadata.PackageNotFoundError:  # running from a bare checkout
        return "unknown"


__all__ = ["SynthesisReport", "SynthesisResult", "SynthesisSpec", "synthesize", "type_plan"]
