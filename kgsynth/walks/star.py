"""Stars: one entity with *all* its facts of one relation in one direction (counting questions).

A star ``Aspirin -interacts_with-> {Warfarin, Ibuprofen, Heparin}`` answers "how many drugs
does aspirin interact with?". A star is never cut short: groups with more than
``spec.max_size`` facts are skipped, so a count read off a star is the count in the graph
under the walk's filters. Centres are drawn through their facts (a uniform, coverage-weighted
fact, then one of its two ends), so every group can come up and unused facts come first.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from kgsynth.errors import WalkError
from kgsynth.model import FactPath
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks.anchors import resolve_entity
from kgsynth.walks.coverage import EdgeCoverage
from kgsynth.walks.filters import describe_filters, edge_mask
from kgsynth.walks.spec import WalkSpec

#: Coverage rejections per star before one is taken however often its facts were used.
MAX_DRAWS = 64


class StarGroups:
    """Every (centre, relation, direction) group of allowed facts, with its edges in edge order."""

    def __init__(self, graph: GraphSnapshot, mask: np.ndarray) -> None:
        edges = np.flatnonzero(mask)
        n_predicates = max(len(graph.predicates), 1)
        out_key = graph.edge_subject[edges].astype(np.int64) * n_predicates + graph.edge_predicate[edges]
        in_key = graph.edge_object[edges].astype(np.int64) * n_predicates + graph.edge_predicate[edges]
        # Out-groups get even keys and in-groups odd ones, so the two directions never merge.
        keys = np.concatenate([out_key * 2, in_key * 2 + 1])
        members = np.concatenate([edges, edges])
        order = np.lexsort((members, keys))
        self.keys, self.members = keys[order], members[order].astype(np.int32)
        self.group_keys, self.starts, self.sizes = np.unique(self.keys, return_index=True, return_counts=True)
        self.n_predicates = n_predicates
        # For each entry (edge x direction), which group it belongs to.
        self.entry_group = np.repeat(np.arange(len(self.group_keys)), self.sizes)

    def centre(self, group: int) -> tuple[int, int, bool]:
        """(centre node, predicate index, outgoing?) of ``group``."""
        key = int(self.group_keys[group])
        return key // 2 // self.n_predicates, key // 2 % self.n_predicates, key % 2 == 0

    def edges(self, group: int) -> np.ndarray:
        start = self.starts[group]
        return self.members[start : start + self.sizes[group]]


def star_paths(
    graph: GraphSnapshot,
    spec: WalkSpec,
    *,
    coverage: EdgeCoverage | None = None,
    rng: np.random.Generator | None = None,
    min_size: int = 1,
) -> Iterator[FactPath]:
    """Endless stars of ``min_size`` to ``spec.max_size`` facts (around ``spec.start`` if given).

    ``entities[0]`` is the centre; ``entities[i + 1]`` is the other end of ``relations[i]``.

    Raises:
        WalkError: if no group of facts fits the size bounds and filters.
    """
    groups = StarGroups(graph, edge_mask(graph, spec))
    usable = (groups.sizes >= min_size) & (groups.sizes <= spec.max_size)
    if spec.start is not None:
        centre = resolve_entity(graph, spec.start, "start")
        usable &= (groups.group_keys // 2 // groups.n_predicates) == centre
    if not usable.any():
        raise WalkError(
            f"no entity has between {min_size} and {spec.max_size} facts of one relation in one direction"
            f"{' around ' + repr(spec.start) if spec.start else ''}{describe_filters(spec)}."
        )
    entries = np.flatnonzero(usable[groups.entry_group])
    rng = rng if rng is not None else np.random.default_rng(spec.seed)
    coverage = coverage if coverage is not None else EdgeCoverage(graph.n_relations, spec.coverage_decay)
    while True:
        group = _draw_group(groups, entries, rng, coverage)
        centre, _, outgoing = groups.centre(group)
        edges = groups.edges(group)
        ends = graph.edge_object[edges] if outgoing else graph.edge_subject[edges]
        coverage.use(edges)
        yield FactPath(
            entities=(graph.entity(centre), *(graph.entity(i) for i in ends.tolist())),
            relations=tuple(graph.relations(edges.tolist())),
            shape="star",
            strategy="star",
            seed=spec.seed,
        )


def _draw_group(
    groups: StarGroups, entries: np.ndarray, rng: np.random.Generator, coverage: EdgeCoverage
) -> int:
    """A group drawn through a uniform usable entry, accepted with its fact's coverage weight."""
    for _ in range(MAX_DRAWS):
        entry = int(entries[rng.integers(0, len(entries))])
        if coverage.decay >= 1.0 or rng.random() < coverage.weight[groups.members[entry]]:
            return int(groups.entry_group[entry])
    return int(groups.entry_group[int(entries[rng.integers(0, len(entries))])])


__all__ = ["StarGroups", "star_paths"]
