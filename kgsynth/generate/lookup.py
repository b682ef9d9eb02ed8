"""Graph questions the sample factory asks of a ``GraphSnapshot``, answered from its CSR arrays.

Negatives, distractors, counts and comparisons all need the same few facts: the neighbours of
a node by one relation in one direction, the entities a relation reaches anywhere in the graph
(its observed range), the members of exactly one type, and what a chain of relations reaches
from a start node. They live here once, with per-predicate caches, so each of those modules
stays a page long and none of them touches the snapshot's internals.

A relation's facts include those of its sub-properties (``RelationType.implies`` and
``implies_inverse``), as ``kgsynth check`` reads them: with "X adverse_effect_of D" stored, D
``causes`` X, so "How many drugs cause X?" counts D and "Does D cause X?" is never made a "no".
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kgsynth.model import Relation
from kgsynth.store.snapshot import GraphSnapshot

logger = logging.getLogger(__name__)

#: A reachable set larger than this is "too many to enumerate": the caller treats it as unknown
#: (a yes/no negative cannot then be proven absent, so the sample stays positive).
REACH_LIMIT = 2_000
#: Above this degree a node's edges are filtered with numpy, below it in plain Python (faster there).
_SMALL_DEGREE = 48
#: (node, direction) neighbour lists remembered before the cache is emptied.
NEIGHBOUR_CACHE = 100_000


@dataclass(frozen=True)
class Direction:
    """A relation read one way: ``forward`` means from its subject to its object."""

    predicate: str
    forward: bool
    symmetric: bool = False


class GraphLookup:
    """Cached neighbourhood, range and type queries over one snapshot."""

    def __init__(self, graph: GraphSnapshot) -> None:
        self.graph = graph
        self._ends: dict[tuple[int, bool], np.ndarray] = {}
        self._exact: dict[str, np.ndarray] = {}
        self._plausible: dict[tuple[str, bool, str], np.ndarray] = {}
        self._symmetric = {r.name for r in graph.schema.relation_types if r.symmetric}
        self._functional = {r.name for r in graph.schema.relation_types if r.functional}
        self._predicates = {name: p for p, name in enumerate(graph.predicates)}
        self._neighbours: dict[tuple[int, Direction], tuple[np.ndarray, np.ndarray]] = {}
        self._csr = {True: graph.csr("out"), False: graph.csr("in")}
        self._next: dict[tuple[int, int, bool, bool], tuple[int, ...]] = {}
        self._homonym_groups: dict[int, tuple[int, ...]] | None = None
        self._negated_edges = set(np.flatnonzero(graph.edge_negated).tolist())
        self._subs = _sub_properties(graph)
        self._fit: dict[tuple[int, bool], np.ndarray] = {}

    def direction(self, relation: Relation, from_id: str) -> Direction:
        """How ``relation`` is read when walking from ``from_id`` (its subject means forward)."""
        return Direction(
            relation.predicate, relation.subject == from_id, self.is_symmetric(relation.predicate)
        )

    def is_symmetric(self, predicate: str) -> bool:
        """Whether the schema declares ``predicate`` symmetric (then both directions are one fact)."""
        return predicate in self._symmetric

    def is_functional(self, predicate: str) -> bool:
        """Whether a subject may have only one object for ``predicate`` (a contradiction source)."""
        return predicate in self._functional

    def neighbours(self, i: int, direction: Direction) -> tuple[np.ndarray, np.ndarray]:
        """Positive-fact neighbours of node ``i`` along ``direction``: (node indexes, edge indexes).

        For a symmetric relation both directions count, each neighbour once.
        """
        key = (i, direction)
        found = self._neighbours.get(key)
        if found is None:
            if len(self._neighbours) >= NEIGHBOUR_CACHE:
                self._neighbours.clear()
            found = self._neighbours[key] = self._find_neighbours(i, direction)
        return found

    def _find_neighbours(self, i: int, direction: Direction) -> tuple[np.ndarray, np.ndarray]:
        graph = self.graph
        p = self._predicates.get(direction.predicate)
        if p is None:
            return np.empty(0, np.int32), np.empty(0, np.int32)
        sides = [(p, direction.forward)]
        if direction.symmetric:
            sides.append((p, not direction.forward))
        sides += [(sub, direction.forward != reversed_) for sub, reversed_ in self._subs.get(p, ())]
        nodes, edges = [], []
        for q, forward in sides:
            far, preds, ks = graph.out_edges(i) if forward else graph.in_edges(i)
            keep = (preds == q) & ~graph.edge_negated[ks]
            if q != p:  # a sub-property fact states this relation only between entities it fits
                keep &= self._fitting(p, direction.forward)[graph.entity_type_index[far]]
                keep &= bool(self._fitting(p, not direction.forward)[graph.entity_type_index[i]])
            nodes.append(far[keep])
            edges.append(ks[keep])
        node_array, edge_array = (
            (nodes[0], edges[0]) if len(nodes) == 1 else (np.concatenate(nodes), np.concatenate(edges))
        )
        if len(sides) > 1 and node_array.size:
            node_array, first = np.unique(node_array, return_index=True)
            edge_array = edge_array[first]
        return node_array, edge_array

    def _fitting(self, p: int, as_object: bool) -> np.ndarray:
        """Per entity type index: may an entity of that type be predicate ``p``'s object (else subject)?"""
        key = (p, as_object)
        found = self._fit.get(key)
        if found is None:
            graph = self.graph
            relation = next((r for r in graph.schema.relation_types if r.name == graph.predicates[p]), None)
            allowed = () if relation is None else relation.range if as_object else relation.domain
            found = self._fit[key] = np.array(
                [not allowed or any(graph.schema.is_a(t, a) for a in allowed) for t in graph.type_names], bool
            )
        return found

    def ends(self, direction: Direction) -> np.ndarray:
        """Every node a relation reaches in this direction anywhere in the graph (sorted, unique)."""
        graph = self.graph
        if direction.predicate not in graph.predicates:
            return np.empty(0, np.int32)
        p = graph.predicate_index(direction.predicate)
        key = (p, direction.forward or direction.symmetric)
        if key not in self._ends:
            mask = (graph.edge_predicate == p) & ~graph.edge_negated
            far = [graph.edge_object[mask]] if key[1] else [graph.edge_subject[mask]]
            if direction.symmetric:
                far.append(graph.edge_subject[mask])
            for sub, reversed_ in self._subs.get(p, ()):
                sub_mask = (graph.edge_predicate == sub) & ~graph.edge_negated
                far.append(
                    graph.edge_object[sub_mask] if key[1] != reversed_ else graph.edge_subject[sub_mask]
                )
            self._ends[key] = np.unique(np.concatenate(far))
        return self._ends[key]

    def plausible(self, direction: Direction, type_name: str) -> np.ndarray:
        """Nodes of exactly ``type_name`` that the relation reaches in this direction somewhere (cached)."""
        key = (direction.predicate, direction.forward or direction.symmetric, type_name)
        if key not in self._plausible:
            self._plausible[key] = np.intersect1d(
                self.ends(direction), self.of_exact_type(type_name), assume_unique=True
            )
        return self._plausible[key]

    def starts(self, direction: Direction) -> np.ndarray:
        """Every node a relation leaves from in this direction (its observed domain)."""
        return self.ends(Direction(direction.predicate, not direction.forward, direction.symmetric))

    def of_exact_type(self, type_name: str) -> np.ndarray:
        """Nodes whose type is exactly ``type_name`` (subclasses excluded: a Drug is not a Chemical here)."""
        if type_name not in self._exact:
            graph = self.graph
            wanted = [t for t, name in enumerate(graph.type_names) if name == type_name]
            self._exact[type_name] = np.flatnonzero(np.isin(graph.entity_type_index, wanted)).astype(np.int32)
        return self._exact[type_name]

    def reachable(self, start: int, steps: Sequence[Direction], limit: int = REACH_LIMIT) -> set[int] | None:
        """Nodes reached from ``start`` by following ``steps`` in order (revisits allowed), or None if huge.

        This is the set a relative-clause question describes: "a symptom of a disease that aspirin
        treats" is every node reached by treats then has_symptom from aspirin.
        """
        frontier = {start}
        for step in steps:
            p = self._predicates.get(step.predicate)
            if p is None:
                return set()
            key = (p, step.forward, step.symmetric)
            reached: set[int] = set()
            for node in frontier:
                reached.update(self._next_nodes(node, key))
                if len(reached) > limit:
                    return None
            frontier = reached
        return frontier

    def _next_nodes(self, node: int, key: tuple[int, bool, bool]) -> tuple[int, ...]:
        """``neighbours(node, ...)[0]`` as plain ints, cached by int keys (reachable's inner loop)."""
        cache_key = (node, *key)
        found = self._next.get(cache_key)
        if found is None:
            if len(self._next) >= NEIGHBOUR_CACHE:
                self._next.clear()
            p, forward, symmetric = key
            found = self._ends_of(node, p, forward)
            if symmetric:
                found = tuple(set(found).union(self._ends_of(node, p, not forward)))
            for sub, reversed_ in self._subs.get(p, ()):
                found = tuple(dict.fromkeys((*found, *self._ends_of(node, sub, forward != reversed_))))
            self._next[cache_key] = found
        return found

    def _ends_of(self, node: int, p: int, forward: bool) -> tuple[int, ...]:
        ptr, nbr, pred, edge = self._csr[forward]
        lo, hi = int(ptr[node]), int(ptr[node + 1])
        if hi - lo > _SMALL_DEGREE:  # a hub: one vectorised mask beats a Python loop
            keep = (pred[lo:hi] == p) & ~self.graph.edge_negated[edge[lo:hi]]
            return tuple(nbr[lo:hi][keep].tolist())
        far, preds = nbr[lo:hi].tolist(), pred[lo:hi].tolist()
        negated = self._negated_edges
        if negated:
            return tuple(
                n
                for n, q, k in zip(far, preds, edge[lo:hi].tolist(), strict=True)
                if q == p and k not in negated
            )
        if preds.count(p) == len(preds):  # typed graphs: often every edge of a node is one relation
            return tuple(far)
        return tuple(n for n, q in zip(far, preds, strict=True) if q == p)

    def name_clashes(self, node: int, taken: set[int]) -> bool:
        """Whether a node of ``taken`` other than ``node`` has ``node``'s name, ignoring case.

        Two entities named alike must not be told apart by a question (a distractor or a corrupted
        end named like a right answer would be a right answer to a reader). Names that occur once
        in the graph (nearly all) clash with nothing, so only the groups of homonyms are kept.
        """
        group = self._homonyms().get(node)
        return group is not None and any(other in taken for other in group if other != node)

    def _homonyms(self) -> dict[int, tuple[int, ...]]:
        if self._homonym_groups is None:
            folded = [name.casefold() for name in self.graph.entity_names()]
            counts = Counter(folded)
            by_name: dict[str, list[int]] = {}
            for i, name in enumerate(folded):
                if counts[name] > 1:
                    by_name.setdefault(name, []).append(i)
            self._homonym_groups = {i: tuple(group) for group in by_name.values() for i in group}
        return self._homonym_groups


def _sub_properties(graph: GraphSnapshot) -> dict[int, tuple[tuple[int, bool], ...]]:
    """Predicate index -> its sub-properties in the graph (``Schema.sub_properties``, by index)."""
    index = {name: p for p, name in enumerate(graph.predicates)}
    found = {
        p: tuple(
            (index[sub], reversed_) for sub, reversed_ in graph.schema.sub_properties(name) if sub in index
        )
        for name, p in index.items()
    }
    return {p: subs for p, subs in found.items() if subs}


def sample_nodes(
    pool: np.ndarray, rng: random.Random, k: int, accept: Callable[[int], bool], attempts: int = 0
) -> list[int]:
    """Up to ``k`` distinct nodes of ``pool`` drawn with the caller's RNG that pass ``accept``.

    Draws random positions rather than shuffling the pool, so picking from a type with a million
    members costs ``O(attempts)``; small pools are shuffled whole so none is missed.
    """
    chosen: list[int] = []
    size = int(pool.size)
    if size == 0 or k <= 0:
        return chosen
    if size <= max(64, 4 * k):
        order = [int(x) for x in pool]
        rng.shuffle(order)
        for node in order:
            if node not in chosen and accept(node):
                chosen.append(node)
                if len(chosen) == k:
                    break
        return chosen
    seen: set[int] = set()
    for _ in range(attempts or 40 * k):
        node = int(pool[rng.randrange(size)])
        if node in seen:
            continue
        seen.add(node)
        if accept(node):
            chosen.append(node)
            if len(chosen) == k:
                break
    return chosen


__all__ = ["REACH_LIMIT", "Direction", "GraphLookup", "sample_nodes"]
