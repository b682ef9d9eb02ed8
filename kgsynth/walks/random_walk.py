"""Random walks over the facts a spec allows: uniform, or inverse-degree (hub-avoiding).

``random``: the first fact is drawn uniformly from the allowed facts (then weighted by
coverage), each further step uniformly from the current entity's facts, in either direction.
``inverse_degree``: walks start at a uniformly drawn entity, and each step picks neighbour
``u`` with probability proportional to ``1 / degree(u)``, so chains through hubs ("patient",
"United States") become rare without being forbidden.
"""

from __future__ import annotations

import numpy as np

from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks.adjacency import Adjacency, build_adjacency
from kgsynth.walks.chains import ChainWalker
from kgsynth.walks.coverage import EdgeCoverage
from kgsynth.walks.filters import describe_filters, edge_mask
from kgsynth.walks.spec import WalkSpec


def random_walker(
    graph: GraphSnapshot,
    spec: WalkSpec,
    *,
    coverage: EdgeCoverage | None = None,
    adjacency: Adjacency | None = None,
    rng: np.random.Generator | None = None,
) -> ChainWalker:
    """A ``ChainWalker`` for ``spec.strategy`` ``random`` or ``inverse_degree`` with ``spec.hops`` hops.

    Args:
        coverage: fact weights to share with other walkers (default: a fresh one).
        adjacency: the both-ways adjacency of ``edge_mask(graph, spec)``, if the caller has it
            already (``synthesize`` builds it once for every hop count).
        rng: the generator to draw from (default: seeded from ``spec.seed``).

    Raises:
        WalkError: if a relation named in the spec is not in the graph.
    """
    if adjacency is None:
        adjacency = build_adjacency(graph, edge_mask(graph, spec))
    rng = rng if rng is not None else np.random.default_rng(spec.seed)
    coverage = coverage if coverage is not None else EdgeCoverage(graph.n_relations, spec.coverage_decay)
    what = f"{spec.hops}-hop {spec.strategy} walks{describe_filters(spec)}"
    common = {"strategy": spec.strategy, "seed": spec.seed, "coverage": coverage, "what": what}
    steps = [adjacency] * spec.hops
    if spec.strategy != "inverse_degree":
        return ChainWalker(graph, steps, rng, **common)
    active = np.flatnonzero(adjacency.degree() > 0)

    def uniform_entity(generator: np.random.Generator, count: int) -> np.ndarray:
        return active[generator.integers(0, max(len(active), 1), count)] if len(active) else active

    bias = adjacency.inverse_degree_bias()
    return ChainWalker(graph, steps, rng, biases=[bias] * spec.hops, starts=uniform_entity, **common)


__all__ = ["random_walker"]
