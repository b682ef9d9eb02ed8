"""``EdgeCoverage``: per-fact weights that decay with use, so a run spreads over the whole graph.

Every walker draws each step by rejection: a proposed fact is accepted with probability equal
to its weight (1.0 while unused, ``decay ** uses`` after, never below ``USE_FLOOR``). That
makes a run of N paths touch as many distinct facts as the graph allows, without a per-step
normalisation over all neighbours. One ``EdgeCoverage`` can be shared by several walkers
(``synthesize`` shares one across hop counts and question types) so they all avoid what any
of them used.
"""

from __future__ import annotations

import numpy as np

#: Lowest weight a used fact decays to. Without a floor, often-used facts underflow to 0 and
#: rarely-tried dead ends, however tiny their weight, become all a weighted draw can pick.
USE_FLOOR = 1e-6
#: Lowest weight of a fact that keeps starting walks that cannot be completed (below USE_FLOOR,
#: so any fact that has been part of a full chain is preferred to a known dead end).
DEAD_END_FLOOR = 1e-12


class EdgeCoverage:
    """Use counts and sampling weights of the ``n_edges`` facts of one snapshot."""

    def __init__(self, n_edges: int, decay: float = 0.5) -> None:
        if not 0.0 < decay <= 1.0:
            raise ValueError(f"coverage decay must be in (0, 1], got {decay}")
        self.decay = decay
        self.weight = np.ones(n_edges, dtype=np.float64)
        self.uses = np.zeros(n_edges, dtype=np.int64)

    def use(self, edges: np.ndarray) -> None:
        """Record that a path used ``edges`` (each once); their weights decay."""
        np.add.at(self.uses, edges, 1)
        if self.decay < 1.0:
            self.weight[edges] = np.maximum(self.decay ** self.uses[edges], USE_FLOOR)

    def discourage(self, edges: np.ndarray) -> None:
        """Lower the weights of ``edges`` that started walks which could not be completed.

        Without this, facts that can never be part of a chain of the asked length keep weight
        1.0 while every usable fact decays, and soon almost every walk starts in a dead end.
        """
        if self.decay < 1.0 and len(edges):
            self.weight[edges] = np.maximum(self.weight[edges] * self.decay, DEAD_END_FLOOR)

    @property
    def used(self) -> int:
        """How many distinct facts have been used at least once."""
        return int(np.count_nonzero(self.uses))

    def share_used(self) -> float:
        """Share of facts used at least once (0.0 for a graph with none)."""
        return self.used / len(self.uses) if len(self.uses) else 0.0


__all__ = ["DEAD_END_FLOOR", "USE_FLOOR", "EdgeCoverage"]
