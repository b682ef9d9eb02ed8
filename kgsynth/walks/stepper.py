"""Many walks at once: numpy steps a whole batch of walkers together.

One Python-level loop per hop and rejection round, never per walker, is what makes walks on
a million-relation graph cost microseconds each. A step proposes a uniform entry of the
walker's row and accepts it with probability ``coverage weight x bias``; a proposal that
revisits an entity is never accepted. After ``rounds`` rejections a walker takes its last
likeliest valid proposal (so a node whose facts are all used still lets walks through) or, with none,
dies: its walk is abandoned and the caller draws again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kgsynth.walks.adjacency import Adjacency
from kgsynth.walks.coverage import EdgeCoverage

#: Proposals per walker and step before it settles for its last valid one.
ROUNDS = 16


@dataclass(frozen=True)
class Walks:
    """The walks of a batch that reached full length, and how far the others got."""

    nodes: np.ndarray  # (walks, hops + 1) int32 node indexes
    edges: np.ndarray  # (walks, hops) int32 edge indexes
    attempted: int
    longest_failed: int  # most steps any abandoned walker completed
    dead_ends: np.ndarray  # first edges of abandoned walkers (int32), which may lead nowhere long enough


def draw(
    steps: Sequence[Adjacency],
    count: int,
    rng: np.random.Generator,
    *,
    coverage: EdgeCoverage | None = None,
    biases: Sequence[np.ndarray | None] | None = None,
    start_nodes: np.ndarray | None = None,
) -> Walks:
    """Walk ``count`` walkers through ``steps`` (one adjacency per hop) and keep those that finish.

    Args:
        biases: per step, an acceptance factor per adjacency entry (``inverse_degree``), or None.
        start_nodes: where the walkers start; None starts each on an entry of ``steps[0]``
            (so every allowed fact is equally likely to be the first step, before coverage).
    """
    hops = len(steps)
    biases = biases if biases is not None else [None] * hops
    weight = coverage.weight if coverage is not None and coverage.decay < 1.0 else None
    nodes = np.full((count, hops + 1), -1, dtype=np.int64)
    edges = np.full((count, hops), -1, dtype=np.int64)
    alive = np.arange(count)
    first = 0
    if start_nodes is None:
        entry = _start_entries(steps[0], count, rng, weight, biases[0])
        nodes[:, 0], nodes[:, 1], edges[:, 0] = (
            steps[0].near[entry],
            steps[0].nbr[entry],
            steps[0].edge[entry],
        )
        first = 1
    else:
        nodes[:, 0] = start_nodes
    reached = np.full(count, first)
    for s in range(first, hops):
        entry = _step(steps[s], nodes[alive, s], nodes[alive, : s + 1], rng, weight, biases[s])
        ok = entry >= 0
        alive = alive[ok]
        nodes[alive, s + 1] = steps[s].nbr[entry[ok]]
        edges[alive, s] = steps[s].edge[entry[ok]]
        reached[alive] = s + 1
    failed = np.ones(count, dtype=bool)
    failed[alive] = False
    return Walks(
        nodes=nodes[alive].astype(np.int32),
        edges=edges[alive].astype(np.int32),
        attempted=count,
        longest_failed=int(reached[failed].max()) if failed.any() else hops,
        dead_ends=edges[failed & (reached > 0), 0].astype(np.int32),
    )


def _start_entries(
    adjacency: Adjacency,
    count: int,
    rng: np.random.Generator,
    weight: np.ndarray | None,
    bias: np.ndarray | None,
) -> np.ndarray:
    """Entries of ``adjacency`` to start on: probability proportional to coverage weight x bias.

    Rejection from uniform proposals first (free while most facts are unused); walkers still
    pending after ``ROUNDS`` draw exactly from the cumulative weights, which costs one pass over
    the entries but only happens once most facts have been used.
    """
    entry = rng.integers(0, adjacency.n_entries, count)
    if weight is None and bias is None:
        return entry
    pending = np.arange(count)
    for _ in range(ROUNDS):
        accept = rng.random(len(pending)) < _acceptance(adjacency, entry[pending], weight, bias)
        pending = pending[~accept]
        if not len(pending):
            return entry
        entry[pending] = rng.integers(0, adjacency.n_entries, len(pending))
    cumulative = np.cumsum(_acceptance(adjacency, np.arange(adjacency.n_entries), weight, bias))
    if cumulative[-1] > 0:
        entry[pending] = np.searchsorted(cumulative, rng.random(len(pending)) * cumulative[-1], side="right")
    return np.minimum(entry, adjacency.n_entries - 1)


def _step(
    adjacency: Adjacency,
    current: np.ndarray,
    visited: np.ndarray,
    rng: np.random.Generator,
    weight: np.ndarray | None,
    bias: np.ndarray | None,
) -> np.ndarray:
    """One step for every walker at ``current``: the chosen entry per walker, or -1 if it is stuck."""
    lo = adjacency.ptr[current]
    degree = adjacency.ptr[current + 1] - lo
    chosen = np.full(len(current), -1, dtype=np.int64)
    fallback = np.full(len(current), -1, dtype=np.int64)
    best = np.full(len(current), -1.0)
    pending = np.flatnonzero(degree > 0)
    for _ in range(ROUNDS):
        if not len(pending):
            break
        entry = lo[pending] + (rng.random(len(pending)) * degree[pending]).astype(np.int64)
        target = adjacency.nbr[entry]
        valid = ~np.any(visited[pending] == target[:, None], axis=1)
        if weight is None and bias is None:
            accept = valid
        else:
            chance = np.broadcast_to(_acceptance(adjacency, entry, weight, bias), entry.shape)
            # Remember the likeliest valid proposal, taken if every proposal is rejected.
            better = valid & (chance > best[pending])
            fallback[pending[better]], best[pending[better]] = entry[better], chance[better]
            accept = valid & (rng.random(len(pending)) < chance)
        chosen[pending[accept]] = entry[accept]
        pending = pending[~accept]
    chosen[pending] = fallback[pending]
    return chosen


def _acceptance(
    adjacency: Adjacency, entry: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None
) -> np.ndarray | float:
    accept: np.ndarray | float = 1.0
    if weight is not None:
        accept = weight[adjacency.edge[entry]]
    if bias is not None:
        accept = accept * bias[entry]
    return accept


__all__ = ["ROUNDS", "Walks", "draw"]
