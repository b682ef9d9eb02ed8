"""Paths between two given entities: bounded breadth-first distances, then a seeded depth-first search.

Distances to ``end`` are computed once, breadth first and vectorised, up to the longest path
asked for; the depth-first search from ``start`` then only enters entities from which ``end``
is still reachable in the hops left, so it never explores a dead branch of the graph. The
order in which neighbours are tried is shuffled with the spec's seed.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from kgsynth.errors import WalkError
from kgsynth.model import FactPath
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks.adjacency import Adjacency, build_adjacency
from kgsynth.walks.anchors import resolve_entity
from kgsynth.walks.filters import describe_filters, edge_mask
from kgsynth.walks.spec import MAX_HOPS, WalkSpec

_FAR = np.int8(127)


def between_paths(graph: GraphSnapshot, spec: WalkSpec) -> Iterator[FactPath]:
    """Simple paths from ``spec.start`` to ``spec.end``: of exactly ``spec.hops`` hops if given,
    else of every length up to 4, shortest first.

    Raises:
        WalkError: if an end is missing or unknown, or no such path exists (saying the shortest).
    """
    if spec.start is None or spec.end is None:
        raise WalkError('strategy "between" needs both a start and an end entity (--start, --end).')
    start = resolve_entity(graph, spec.start, "start")
    end = resolve_entity(graph, spec.end, "end")
    if start == end:
        raise WalkError(f'start and end are the same entity "{spec.start}"; a path needs two.')
    adjacency = build_adjacency(graph, edge_mask(graph, spec))
    longest = spec.hops if spec.hops_given else MAX_HOPS
    distance = _distances_to(adjacency, end, longest)
    shortest = int(distance[start])
    lengths = [spec.hops] if spec.hops_given else list(range(shortest, MAX_HOPS + 1))
    if shortest == _FAR or (spec.hops_given and shortest > spec.hops):
        raise WalkError(
            f'"{spec.start}" and "{spec.end}" are not connected within {longest} hops'
            f"{describe_filters(spec)}."
        )
    rng = np.random.default_rng(spec.seed)
    found = False
    for hops in lengths:
        for nodes, edges in _search(adjacency, distance, [start], [], end, hops, rng):
            found = True
            yield FactPath(
                entities=tuple(graph.entity(i) for i in nodes),
                relations=tuple(graph.relations(edges)),
                shape="chain",
                strategy="between",
                seed=spec.seed,
            )
    if not found:
        raise WalkError(
            f'no path of exactly {spec.hops} hops without repeated entities joins "{spec.start}" and '
            f'"{spec.end}" (the shortest has {shortest}){describe_filters(spec)}.'
        )


def _distances_to(adjacency: Adjacency, target: int, depth: int) -> np.ndarray:
    """Hops from every node to ``target`` (127 beyond ``depth``), breadth first, a frontier at a time."""
    distance = np.full(len(adjacency.ptr) - 1, _FAR, dtype=np.int8)
    distance[target] = 0
    frontier = np.array([target], dtype=np.int64)
    for d in range(1, depth + 1):
        lo, hi = adjacency.ptr[frontier], adjacency.ptr[frontier + 1]
        sizes = hi - lo
        if not sizes.sum():
            break
        entries = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
        reached = np.unique(adjacency.nbr[entries])
        frontier = reached[distance[reached] == _FAR].astype(np.int64)
        distance[frontier] = d
    return distance


def _search(
    adjacency: Adjacency,
    distance: np.ndarray,
    nodes: list[int],
    edges: list[int],
    end: int,
    remaining: int,
    rng: np.random.Generator,
) -> Iterator[tuple[list[int], list[int]]]:
    """Depth first from ``nodes[-1]``: each simple continuation reaching ``end`` in ``remaining`` hops."""
    if remaining == 0:
        if nodes[-1] == end:
            yield list(nodes), list(edges)
        return
    lo, hi = adjacency.ptr[nodes[-1]], adjacency.ptr[nodes[-1] + 1]
    targets = adjacency.nbr[lo:hi]
    # The end may only be entered on the last hop; any other entity must still reach it in time.
    usable = (distance[targets] <= remaining - 1) & ((targets != end) | (remaining == 1))
    for entry in rng.permutation(np.flatnonzero(usable)).tolist():
        target = int(targets[entry])
        if target in nodes:
            continue
        nodes.append(target)
        edges.append(int(adjacency.edge[lo + entry]))
        yield from _search(adjacency, distance, nodes, edges, end, remaining - 1, rng)
        nodes.pop()
        edges.pop()


__all__ = ["between_paths"]
