"""Walks: graph -> ``FactPath`` objects, seeded, with exact hop counts and coverage-aware sampling.

Everything runs on a ``GraphSnapshot`` (numpy CSR arrays, ``kgsynth.store.snapshot``), which
works the same for the SQLite and the Neo4j store as long as the graph fits in memory.
Server-side sampling in Cypher for Neo4j graphs too big to snapshot is not implemented yet.

Strategies (``WalkSpec.strategy``): ``random``, ``inverse_degree``, ``metapath``, ``khop``,
``between``, ``star``. ``walk(graph, spec)`` picks one; the ``*_walker`` builders give the
underlying endless ``ChainWalker`` for callers (``synthesize``) that share one
``EdgeCoverage`` across walkers.
"""

from kgsynth.walks.adjacency import Adjacency, build_adjacency
from kgsynth.walks.anchors import resolve_entity
from kgsynth.walks.between import between_paths
from kgsynth.walks.chains import ChainWalker
from kgsynth.walks.coverage import EdgeCoverage
from kgsynth.walks.filters import edge_mask
from kgsynth.walks.khop import khop_walker
from kgsynth.walks.metapath import MetaStep, metapath_walker, parse_pattern
from kgsynth.walks.random_walk import random_walker
from kgsynth.walks.sampler import walk
from kgsynth.walks.spec import MAX_HOPS, Strategy, WalkSpec
from kgsynth.walks.star import StarGroups, star_paths

__all__ = [
    "MAX_HOPS",
    "Adjacency",
    "ChainWalker",
    "EdgeCoverage",
    "MetaStep",
    "StarGroups",
    "Strategy",
    "WalkSpec",
    "between_paths",
    "build_adjacency",
    "edge_mask",
    "khop_walker",
    "metapath_walker",
    "parse_pattern",
    "random_walker",
    "resolve_entity",
    "star_paths",
    "walk",
]
