"""Which facts of a snapshot a walk may use: relation allow/deny lists, confidence, polarity."""

from __future__ import annotations

import numpy as np

from kgsynth.errors import WalkError, choices
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks.spec import WalkSpec


def predicate_ids(graph: GraphSnapshot, names: tuple[str, ...], setting: str) -> list[int]:
    """Indexes of the relations ``names``; an unknown name is a ``WalkError`` listing those present."""
    unknown = [name for name in names if name not in graph.predicates]
    if unknown:
        raise WalkError(
            f'relation "{unknown[0]}" (in {setting}) is not in this graph. '
            f"Relations present: {choices(graph.predicates)}."
        )
    return [graph.predicate_index(name) for name in names]


def edge_mask(graph: GraphSnapshot, spec: WalkSpec) -> np.ndarray:
    """Boolean array over the snapshot's edges: True where ``spec`` lets a walk use the fact.

    Raises:
        WalkError: if ``spec.relations`` or ``spec.exclude`` names a relation the graph lacks.
    """
    mask = graph.edge_confidence >= np.float32(spec.min_confidence) - np.float32(1e-6)
    if not spec.include_negated:
        mask &= ~graph.edge_negated
    if not spec.include_hedged:
        mask &= ~graph.edge_hedged
    if spec.relations:
        mask &= np.isin(graph.edge_predicate, predicate_ids(graph, spec.relations, "relations"))
    if spec.exclude:
        mask &= ~np.isin(graph.edge_predicate, predicate_ids(graph, spec.exclude, "exclude"))
    # A fact from an entity to itself can never be a step: chains never revisit an entity.
    mask &= graph.edge_subject != graph.edge_object
    return mask


def describe_filters(spec: WalkSpec) -> str:
    """The active filters in words, for error messages ("" when none narrows the graph)."""
    parts = []
    if spec.relations:
        parts.append(f"relations {', '.join(spec.relations)}")
    if spec.exclude:
        parts.append(f"excluding {', '.join(spec.exclude)}")
    if spec.min_confidence > 0:
        parts.append(f"confidence >= {spec.min_confidence}")
    return f" (with {'; '.join(parts)})" if parts else ""


__all__ = ["describe_filters", "edge_mask", "predicate_ids"]
