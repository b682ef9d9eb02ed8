"""``Adjacency``: the steps a walker may take, as one CSR over the snapshot's nodes.

A walk reads relations in either direction (a chain may use ``treats`` backwards: from the
disease to the drug), so the default adjacency holds every allowed fact twice, once from each
end; ``forward`` says whether an entry walks subject -> object. Meta-path steps use one-way,
one-relation, type-checked adjacencies built by the same function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from kgsynth.store.snapshot import GraphSnapshot


@dataclass(frozen=True)
class Adjacency:
    """For node ``i``, the entries ``ptr[i]:ptr[i+1]``: neighbour, edge, and direction of each step."""

    ptr: np.ndarray  # int64, n_nodes + 1
    nbr: np.ndarray  # int32
    edge: np.ndarray  # int32
    forward: np.ndarray  # bool: the step goes subject -> object
    near: np.ndarray  # int32: the node each entry leaves from (the CSR row, spelt out)

    @property
    def n_entries(self) -> int:
        return int(self.nbr.shape[0])

    def degree(self) -> np.ndarray:
        """Entries per node."""
        return np.diff(self.ptr)

    def inverse_degree_bias(self) -> np.ndarray:
        """Per entry, acceptance that makes a step pick neighbour ``u`` with probability ∝ 1/deg(u).

        The bias is ``min deg over the row / deg(u)``, so the best neighbour of every row is
        accepted outright and rejection stays cheap.
        """
        degree = self.degree()
        nbr_degree = np.maximum(degree[self.nbr], 1).astype(np.float64)
        rows = np.flatnonzero(degree > 0)
        row_min = np.zeros(len(degree), dtype=np.float64)
        if len(rows):
            row_min[rows] = np.minimum.reduceat(nbr_degree, self.ptr[rows])
        return row_min[self.near] / nbr_degree

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.ptr, self.nbr, self.edge, self.forward, self.near))


def build_adjacency(
    graph: GraphSnapshot,
    mask: np.ndarray,
    direction: Literal["both", "out", "in"] = "both",
    *,
    near_ok: np.ndarray | None = None,
    far_ok: np.ndarray | None = None,
) -> Adjacency:
    """The allowed steps over the edges where ``mask`` is True.

    Args:
        direction: ``out`` walks subject -> object only, ``in`` object -> subject only, ``both`` either.
        near_ok / far_ok: boolean arrays over nodes; a step must leave from a node where
            ``near_ok`` is True and arrive where ``far_ok`` is True (meta-path types).
    """
    edges = np.flatnonzero(mask).astype(np.int32)
    parts = []
    if direction in ("both", "out"):
        parts.append((graph.edge_subject[edges], graph.edge_object[edges], edges, True))
    if direction in ("both", "in"):
        parts.append((graph.edge_object[edges], graph.edge_subject[edges], edges, False))
    near = np.concatenate([p[0] for p in parts])
    far = np.concatenate([p[1] for p in parts])
    edge = np.concatenate([p[2] for p in parts])
    forward = np.concatenate([np.full(len(p[2]), p[3], dtype=bool) for p in parts])
    keep = np.ones(len(near), dtype=bool)
    if near_ok is not None:
        keep &= near_ok[near]
    if far_ok is not None:
        keep &= far_ok[far]
    near, far, edge, forward = near[keep], far[keep], edge[keep], forward[keep]
    # Sort by (node, edge, direction) so the layout, and hence every seeded walk, is fixed by
    # the graph alone.
    order = np.lexsort((~forward, edge, near))
    near, far, edge, forward = near[order], far[order], edge[order], forward[order]
    ptr = np.zeros(graph.n_entities + 1, dtype=np.int64)
    np.cumsum(np.bincount(near, minlength=graph.n_entities), out=ptr[1:])
    return Adjacency(
        ptr=ptr, nbr=far.astype(np.int32), edge=edge, forward=forward, near=near.astype(np.int32)
    )


__all__ = ["Adjacency", "build_adjacency"]
