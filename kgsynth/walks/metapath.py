"""Typed meta-path walks: ``Drug -treats-> Disease -has_symptom-> Symptom``.

A pattern alternates entity types and relation steps. ``-rel->`` walks a relation from its
subject to its object, ``<-rel-`` walks it backwards (``Disease <-treats- Drug``), and ``*``
stands for any type or any relation. Types match their subclasses (``Chemical`` matches a
``Drug``). Each hop gets its own one-way adjacency holding only the facts that fit that hop,
so walkers never propose a step the pattern forbids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from kgsynth.errors import WalkError, choices
from kgsynth.model import ROOT_TYPE
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks.adjacency import build_adjacency
from kgsynth.walks.chains import ChainWalker
from kgsynth.walks.coverage import EdgeCoverage
from kgsynth.walks.filters import describe_filters, edge_mask, predicate_ids
from kgsynth.walks.spec import MAX_HOPS, WalkSpec

ANY = "*"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*|\*"
_TYPE = re.compile(rf"\s*({_NAME})")
_FORWARD = re.compile(rf"\s*-\s*({_NAME})\s*->")
_BACKWARD = re.compile(rf"\s*<-\s*({_NAME})\s*-(?!>)")


@dataclass(frozen=True)
class MetaStep:
    """One hop of a meta-path: from ``source`` type over ``relation`` (forwards or not) to ``target``."""

    source: str
    relation: str
    forward: bool
    target: str


def parse_pattern(pattern: str) -> tuple[MetaStep, ...]:
    """Parse a meta-path pattern into its steps.

    Raises:
        WalkError: naming the character position where the pattern stops making sense.

    Example:
        >>> parse_pattern("Drug -treats-> Disease <-associated_with- Gene")[1]
        MetaStep(source='Disease', relation='associated_with', forward=False, target='Gene')
    """
    position = 0
    match = _TYPE.match(pattern, position)
    if not match:
        raise _syntax(pattern, position, "an entity type (or *) to start with")
    types, relations, forwards = [match.group(1)], [], []
    position = match.end()
    while pattern[position:].strip():
        arrow = _FORWARD.match(pattern, position) or _BACKWARD.match(pattern, position)
        if not arrow:
            raise _syntax(pattern, position, '"-relation->" or "<-relation-" after a type')
        relations.append(arrow.group(1))
        forwards.append(arrow.re is _FORWARD)
        position = arrow.end()
        match = _TYPE.match(pattern, position)
        if not match:
            raise _syntax(pattern, position, "an entity type (or *) after the relation")
        types.append(match.group(1))
        position = match.end()
    if not relations:
        raise _syntax(pattern, position, 'at least one step, e.g. "Drug -treats-> Disease"')
    if len(relations) > MAX_HOPS:
        raise WalkError(f'meta-path "{pattern}" has {len(relations)} steps; at most {MAX_HOPS} are allowed.')
    return tuple(MetaStep(types[i], relations[i], forwards[i], types[i + 1]) for i in range(len(relations)))


def _syntax(pattern: str, position: int, expected: str) -> WalkError:
    where = pattern[position:].strip()[:20] or "end of pattern"
    return WalkError(
        f'meta-path "{pattern}", position {position + 1}: expected {expected}, found "{where}". '
        'Patterns look like "Drug -treats-> Disease <-associated_with- Gene".'
    )


def metapath_walker(
    graph: GraphSnapshot,
    spec: WalkSpec,
    *,
    coverage: EdgeCoverage | None = None,
    rng: np.random.Generator | None = None,
) -> ChainWalker:
    """A ``ChainWalker`` following ``spec.pattern``; its hop count is the pattern's.

    Raises:
        WalkError: if the pattern is missing or malformed, names a type or relation the graph
            lacks, or disagrees with an explicitly given ``spec.hops``.
    """
    if not spec.pattern:
        raise WalkError('strategy "metapath" needs a pattern, e.g. "Drug -treats-> Disease".')
    steps = parse_pattern(spec.pattern)
    if spec.hops_given and spec.hops != len(steps):
        raise WalkError(
            f'meta-path "{spec.pattern}" has {len(steps)} steps but hops={spec.hops} was asked; '
            "drop the hops setting or change the pattern."
        )
    mask = edge_mask(graph, spec)
    adjacencies = []
    for step in steps:
        step_mask = mask
        if step.relation != ANY:
            step_mask = mask & (graph.edge_predicate == predicate_ids(graph, (step.relation,), "pattern")[0])
        adjacencies.append(
            build_adjacency(
                graph,
                step_mask,
                "out" if step.forward else "in",
                near_ok=_type_mask(graph, step.source),
                far_ok=_type_mask(graph, step.target),
            )
        )
    return ChainWalker(
        graph,
        adjacencies,
        rng if rng is not None else np.random.default_rng(spec.seed),
        strategy="metapath",
        seed=spec.seed,
        coverage=coverage if coverage is not None else EdgeCoverage(graph.n_relations, spec.coverage_decay),
        what=f'walks along "{spec.pattern}"{describe_filters(spec)}',
    )


def _type_mask(graph: GraphSnapshot, type_name: str) -> np.ndarray | None:
    if type_name in (ANY, ROOT_TYPE):
        return None
    if not graph.schema.has_entity_type(type_name):
        raise WalkError(
            f'entity type "{type_name}" (in the meta-path) is not in this graph. '
            f"Types present: {choices(t.name for t in graph.schema.entity_types)}."
        )
    mask = np.zeros(graph.n_entities, dtype=bool)
    mask[graph.entities_of_type(type_name)] = True
    return mask


__all__ = ["MetaStep", "metapath_walker", "parse_pattern"]
