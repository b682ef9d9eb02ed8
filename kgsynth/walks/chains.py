"""``ChainWalker``: an endless, seeded stream of chains of one exact length over given steps.

The strategies (random, inverse-degree, meta-path, k-hop) differ only in the adjacency each
hop uses, the acceptance bias and where walkers start; this module turns any such setup into
``FactPath`` objects. Walkers are drawn in batches; a batch in which no walker reaches full
length doubles the next batch, and after ``max_attempts`` walkers in a row without a full
chain the walker gives up with a ``WalkError`` saying how far walks got, so an impossible
request fails fast instead of looping or quietly yielding shorter chains.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from kgsynth.errors import WalkError
from kgsynth.model import FactPath
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks.adjacency import Adjacency
from kgsynth.walks.coverage import EdgeCoverage
from kgsynth.walks.stepper import Walks, draw

logger = logging.getLogger(__name__)

#: Walkers in a row that may fail to reach full length before the walker gives up.
MAX_ATTEMPTS = 50_000
#: Largest batch of walkers stepped together.
MAX_BATCH = 4096
#: Paths whose relations are read (from the store, for store-built snapshots) in one go.
HYDRATE_CHUNK = 64


class ChainWalker:
    """Chains of ``len(steps)`` hops, one adjacency per hop, seeded and coverage-aware.

    Args:
        graph: the snapshot the steps were built from.
        steps: the adjacency of each hop, in order.
        rng: the random generator (the walker owns it from now on).
        strategy: recorded on every ``FactPath``.
        seed: recorded on every ``FactPath``.
        coverage: shared fact weights; None gives each walker its own.
        biases: per hop, an acceptance factor per adjacency entry, or None.
        starts: where walkers start: None for "on a uniform entry of the first hop", else a
            function ``(rng, count) -> node indexes``.
        distinct: yield each chain once only, and stop (rather than fail) once attempts bring
            nothing new after at least one chain was yielded.
        what: the request in words, for the error message ("3-hop random walks").
        max_attempts: walkers in a row that may fail before giving up (or, for ``distinct``,
            that may bring nothing new before the stream ends).
        batch: walkers per batch (default: grows with the graph, 4 to 4096).
    """

    def __init__(
        self,
        graph: GraphSnapshot,
        steps: Sequence[Adjacency],
        rng: np.random.Generator,
        *,
        strategy: str,
        seed: int,
        coverage: EdgeCoverage | None = None,
        biases: Sequence[np.ndarray | None] | None = None,
        starts: Callable[[np.random.Generator, int], np.ndarray] | None = None,
        distinct: bool = False,
        what: str = "",
        max_attempts: int = MAX_ATTEMPTS,
        batch: int | None = None,
    ) -> None:
        self.graph = graph
        self.steps = list(steps)
        self.rng = rng
        self.strategy = strategy
        self.seed = seed
        self.coverage = coverage if coverage is not None else EdgeCoverage(graph.n_relations)
        self.biases = biases
        self.starts = starts
        self.distinct = distinct
        self.what = what or f"{len(self.steps)}-hop {strategy} walks"
        self.max_attempts = max_attempts
        # Small batches on small graphs: coverage weights are only updated between batches.
        default = int(np.clip(self.steps[0].n_entries // 256, 4, MAX_BATCH)) if self.steps else 4
        self.batch = batch or default
        self._seen: set[tuple[int, ...]] = set()

    @property
    def hops(self) -> int:
        return len(self.steps)

    def index_batches(self) -> Iterator[Walks]:
        """Endless batches of full-length walks as index arrays (no hydration, no coverage updates).

        Raises:
            WalkError: if ``max_attempts`` walkers in a row fail to reach full length.
        """
        if not self.steps or self.steps[0].n_entries == 0:
            raise WalkError(f"cannot draw {self.what}: no fact of the graph fits the first step.")
        failed_in_a_row, longest = 0, 0
        while True:
            start_nodes = self.starts(self.rng, self.batch) if self.starts is not None else None
            walks = draw(
                self.steps,
                self.batch,
                self.rng,
                coverage=self.coverage,
                biases=self.biases,
                start_nodes=start_nodes,
            )
            self.coverage.discourage(walks.dead_ends)
            if len(walks.edges):
                failed_in_a_row = 0
                yield walks
                continue
            failed_in_a_row += walks.attempted
            longest = max(longest, walks.longest_failed)
            if failed_in_a_row >= self.max_attempts:
                raise WalkError(
                    f"the graph has no chain for {self.what}: {failed_in_a_row} walks in a row ended "
                    f"early (the longest reached {longest} hop{'s' if longest != 1 else ''}). "
                    f"Ask for fewer hops, or relax the relation and confidence filters."
                )
            self.batch = min(self.batch * 2, MAX_BATCH)

    def paths(self) -> Iterator[FactPath]:
        """Endless chains as ``FactPath`` objects; each chain's facts decay in coverage when yielded."""
        new_in_a_row = 0
        batches = self.index_batches()
        while True:
            try:
                walks = next(batches)
            except WalkError:
                if self.distinct and self._seen:  # a neighbourhood exhausted after some chains: done
                    return
                raise
            fresh = self._fresh(walks)
            new_in_a_row = 0 if len(fresh) else new_in_a_row + walks.attempted
            if self.distinct and self._seen and new_in_a_row >= self.max_attempts:
                return
            for lo in range(0, len(fresh), HYDRATE_CHUNK):
                chunk = fresh[lo : lo + HYDRATE_CHUNK]
                yield from self._hydrate(walks.nodes[chunk], walks.edges[chunk])

    def _fresh(self, walks: Walks) -> np.ndarray:
        """Rows of ``walks`` to yield: all of them, or for ``distinct`` the chains not seen before."""
        if not self.distinct:
            return np.arange(len(walks.edges))
        keep = []
        for row, edges in enumerate(walks.edges.tolist()):
            key = (walks.nodes[row, 0].item(), *edges)
            if key not in self._seen:
                self._seen.add(key)
                keep.append(row)
        return np.array(keep, dtype=np.int64)

    def _hydrate(self, nodes: np.ndarray, edges: np.ndarray) -> Iterator[FactPath]:
        graph = self.graph
        relations = graph.relations(edges.ravel().tolist())
        # Weights only matter at the next draw, so one update per chunk is as good as per path.
        self.coverage.use(edges.ravel())
        hops = self.hops
        make = FactPath.model_construct  # entities and relations come validated from the snapshot
        for row, path_nodes in enumerate(nodes.tolist()):
            yield make(
                entities=tuple(graph.entity(i) for i in path_nodes),
                relations=tuple(relations[row * hops : (row + 1) * hops]),
                shape="chain",
                strategy=self.strategy,
                seed=self.seed,
            )


__all__ = ["ChainWalker"]
