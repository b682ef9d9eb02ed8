"""``walk(graph, spec)``: the one entry point that picks the strategy a ``WalkSpec`` names."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator

from kgsynth.model import FactPath
from kgsynth.store.base import GraphStore
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks.between import between_paths
from kgsynth.walks.khop import khop_walker
from kgsynth.walks.metapath import metapath_walker
from kgsynth.walks.random_walk import random_walker
from kgsynth.walks.spec import WalkSpec
from kgsynth.walks.star import star_paths

logger = logging.getLogger(__name__)


def walk(graph: GraphSnapshot | GraphStore, spec: WalkSpec) -> Iterator[FactPath]:
    """Yield up to ``spec.limit`` fact paths from the graph; the same seed gives the same paths.

    ``graph`` is a ``GraphSnapshot``, or a store to snapshot first (filtered by the spec).
    Chains have exactly ``spec.hops`` relations and never revisit an entity; relations may be
    walked in either direction and are returned as stored, evidence included.

    Raises:
        WalkError: if ``spec.relations`` names a relation the graph does not contain, an anchor
            entity is unknown, or the graph has no path of the requested shape.

    Example:
        >>> from kgsynth.model import Entity, Relation
        >>> a, b, c = (Entity.make("Drug", n) for n in "abc")
        >>> facts = [Relation(subject=a.id, predicate="interacts_with", object=b.id),
        ...          Relation(subject=c.id, predicate="interacts_with", object=b.id)]
        >>> paths = list(walk(GraphSnapshot.from_graph([a, b, c], facts), WalkSpec(hops=2, limit=3)))
        >>> [p.hops for p in paths]
        [2, 2, 2]
    """
    if not isinstance(graph, GraphSnapshot):
        graph = GraphSnapshot.from_store(
            graph,
            min_confidence=spec.min_confidence,
            include_negated=spec.include_negated,
            include_hedged=spec.include_hedged,
        )
    paths = _stream(graph, spec)
    return paths if spec.limit is None else itertools.islice(paths, spec.limit)


def _stream(graph: GraphSnapshot, spec: WalkSpec) -> Iterator[FactPath]:
    if spec.strategy == "between":
        return between_paths(graph, spec)
    if spec.strategy == "star":
        return star_paths(graph, spec)
    if spec.strategy == "metapath":
        return metapath_walker(graph, spec).paths()
    if spec.strategy == "khop":
        return khop_walker(graph, spec).paths()
    return random_walker(graph, spec).paths()


__all__ = ["walk"]
