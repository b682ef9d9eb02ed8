"""k-hop neighbourhoods: the distinct chains of exactly ``hops`` facts that start at one entity."""

from __future__ import annotations

import numpy as np

from kgsynth.errors import WalkError
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks.adjacency import build_adjacency
from kgsynth.walks.anchors import resolve_entity
from kgsynth.walks.chains import ChainWalker
from kgsynth.walks.coverage import EdgeCoverage
from kgsynth.walks.filters import describe_filters, edge_mask
from kgsynth.walks.spec import WalkSpec

#: Walkers from the seed that may bring no new chain before the neighbourhood counts as exhausted.
KHOP_ATTEMPTS = 5_000


def khop_walker(
    graph: GraphSnapshot,
    spec: WalkSpec,
    *,
    coverage: EdgeCoverage | None = None,
    rng: np.random.Generator | None = None,
) -> ChainWalker:
    """Random distinct chains of ``spec.hops`` hops from ``spec.start``, unused facts first.

    The stream ends when the neighbourhood is exhausted (``KHOP_ATTEMPTS`` walkers in a row find
    no new chain), so a small neighbourhood yields fewer than ``spec.limit`` chains.

    Raises:
        WalkError: if ``spec.start`` is missing or unknown, or no chain of that length starts there.
    """
    if spec.start is None:
        raise WalkError('strategy "khop" needs a start entity (start=ENTITY_ID, --start on the CLI).')
    seed_node = resolve_entity(graph, spec.start, "start")
    adjacency = build_adjacency(graph, edge_mask(graph, spec))

    def at_seed(_: np.random.Generator, count: int) -> np.ndarray:
        return np.full(count, seed_node, dtype=np.int64)

    return ChainWalker(
        graph,
        [adjacency] * spec.hops,
        rng if rng is not None else np.random.default_rng(spec.seed),
        strategy="khop",
        seed=spec.seed,
        coverage=coverage if coverage is not None else EdgeCoverage(graph.n_relations, spec.coverage_decay),
        starts=at_seed,
        distinct=True,
        max_attempts=KHOP_ATTEMPTS,
        batch=256,
        what=f'{spec.hops}-hop chains from "{spec.start}"{describe_filters(spec)}',
    )


__all__ = ["khop_walker"]
