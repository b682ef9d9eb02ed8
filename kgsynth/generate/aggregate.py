"""Counting and comparison drafts: questions over all of an entity's relations of one kind.

Both are built here from the graph rather than taken from a walk: the factory accepts any path
and uses its first relation to fix the centre (``path.entities[0]``), the relation and the
direction, then gathers every positive fact of that relation around the centre from the
snapshot. So the count is the true count over the graph the factory was given, and the
sample's star path lists (and its checks re-verify) every counted fact.

- count: "How many drugs interact with warfarin?" -> the number of distinct neighbours.
- comparison, mode ``more``: a second entity of exactly the same type with a different,
  non-zero count; the answer names the one with more.
- comparison, mode ``shared``: "Do flu and a cold share a symptom?"; yes cites the two facts
  through a shared neighbour, no cites both neighbourhoods and adds ``absent`` checks showing
  the first entity lacks each of the second's neighbours.

Comparison paths have ``shape="star"`` with two centres, ``entities[0]`` and ``entities[1]``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from kgsynth.generate.draft import Draft, Hop, Skip, absent, holds, oriented, rid
from kgsynth.generate.lookup import Direction, GraphLookup, sample_nodes
from kgsynth.model import Entity, FactPath, Relation

#: Largest neighbourhood counted or compared; bigger ones make unwieldy reasoning chains.
MAX_COUNT = 20


@dataclass(frozen=True)
class _Centre:
    """The entity a count or comparison is about, and the relation direction it is asked along."""

    entity: Entity
    index: int
    step: Direction
    first: Relation


def _centre(lookup: GraphLookup, path: FactPath) -> _Centre:
    relation = path.relations[0]
    if relation.negated:
        raise Skip("count/comparison: path starts with a negated fact")
    centre = path.entities[0]
    return _Centre(centre, lookup.graph.index(centre.id), lookup.direction(relation, centre.id), relation)


def _star(lookup: GraphLookup, i: int, step: Direction, type_name: str) -> tuple[list[int], list[Relation]]:
    nodes, edges = lookup.neighbours(i, step)
    if i in nodes.tolist():
        raise Skip(f"{type_name}: the entity is linked to itself by {step.predicate}")
    return nodes.tolist(), lookup.graph.relations(edges.tolist())


def count_draft(lookup: GraphLookup, path: FactPath, max_count: int = MAX_COUNT) -> Draft:
    """How many entities the centre is linked to by the path's first relation, in its direction."""
    c = _centre(lookup, path)
    centre, step, first = c.entity, c.step, c.first
    if step.forward and lookup.is_functional(step.predicate):
        raise Skip(f"count: {step.predicate} is functional, so the count is always 1")
    nodes, relations = _star(lookup, c.index, step, "count")
    if len(nodes) > max_count:
        raise Skip(f"count: more than {max_count} facts to count")
    graph = lookup.graph
    counted = tuple(graph.entity(n) for n in nodes)
    types = {e.type for e in counted}
    star = FactPath(
        entities=(centre, *counted),
        relations=tuple(relations),
        shape="star",
        strategy=path.strategy,
        seed=path.seed,
    )
    return Draft(
        type="count",
        path=star,
        hops=(Hop(first, centre, path.entities[1]),),
        cited=star.relations,
        checks=tuple(holds(r) for r in relations),
        entities={"centre": centre},
        entity_lists={"counted": counted},
        values={"count": len(nodes), "counted_type_name": types.pop() if len(types) == 1 else ""},
        answer=str(len(nodes)),
    )


def comparison_draft(
    lookup: GraphLookup, path: FactPath, rng: random.Random, max_count: int = MAX_COUNT
) -> Draft:
    """A comparison of the centre with another entity of its type: who has more, or do they share one."""
    modes = ["more", "shared"]
    rng.shuffle(modes)
    reasons = []
    for mode in modes:
        try:
            return (
                _more(lookup, path, rng, max_count)
                if mode == "more"
                else _shared(lookup, path, rng, max_count)
            )
        except Skip as skip:
            reasons.append(skip.reason)
    raise Skip(reasons[0])


def _candidates(lookup: GraphLookup, a: Entity, step: Direction) -> np.ndarray:
    """Entities of exactly ``a``'s type that have the relation in this direction at all."""
    return lookup.plausible(Direction(step.predicate, not step.forward, step.symmetric), a.type)


def _more(lookup: GraphLookup, path: FactPath, rng: random.Random, max_count: int) -> Draft:
    c = _centre(lookup, path)
    a, i, step, first = c.entity, c.index, c.step, c.first
    nodes_a, rel_a = _star(lookup, i, step, "comparison")
    if len(nodes_a) > max_count:
        raise Skip(f"comparison: more than {max_count} facts to compare")
    graph = lookup.graph

    def accept(b: int) -> bool:
        size = lookup.neighbours(b, step)[0].size
        return (
            b != i
            and 0 < size <= max_count
            and size != len(nodes_a)
            and (graph.entity_name(b).casefold() != a.name.casefold())
        )

    picked = sample_nodes(_candidates(lookup, a, step), rng, 1, accept)
    if not picked:
        raise Skip(f"comparison: no other {a.type} with a different number of {step.predicate} facts")
    b_i = picked[0]
    nodes_b, rel_b = _star(lookup, b_i, step, "comparison")
    b = graph.entity(b_i)
    winner = a if len(nodes_a) > len(nodes_b) else b
    star = _two_star(lookup, path, a, b, nodes_a + nodes_b, rel_a + rel_b)
    return Draft(
        type="comparison",
        path=star,
        hops=(Hop(first, a, path.entities[1]),),
        cited=star.relations,
        checks=tuple(holds(r) for r in star.relations),
        entities={"a": a, "b": b, "winner": winner},
        values={"count_a": len(nodes_a), "count_b": len(nodes_b)},
        answer=winner.name,
        mode="more",
    )


def _shared(lookup: GraphLookup, path: FactPath, rng: random.Random, max_count: int) -> Draft:
    c = _centre(lookup, path)
    if rng.random() < 0.5:
        draft = _shared_yes(lookup, path, rng, c)
        if draft is not None:
            return draft
    return _shared_no(lookup, path, rng, c, max_count)


def _shared_yes(lookup: GraphLookup, path: FactPath, rng: random.Random, c: _Centre) -> Draft | None:
    """A yes: a neighbour of the centre, and another entity of its type linked to it the same way."""
    graph, a = lookup.graph, c.entity
    back = Direction(c.step.predicate, not c.step.forward, c.step.symmetric)
    same_type = set(lookup.of_exact_type(a.type).tolist())
    nodes_a, edges_a = lookup.neighbours(c.index, c.step)
    order = list(zip(nodes_a.tolist(), edges_a.tolist(), strict=True))
    rng.shuffle(order)
    for x, k_a in order:
        others, edges = lookup.neighbours(x, back)
        pairs = [
            (b, k)
            for b, k in zip(others.tolist(), edges.tolist(), strict=True)
            if b != c.index and b in same_type and graph.entity_name(b).casefold() != a.name.casefold()
        ]
        if not pairs:
            continue
        b_i, k_b = pairs[rng.randrange(len(pairs))]
        rel_a, rel_b = graph.relations([k_a, k_b])
        b, shared = graph.entity(b_i), graph.entity(x)
        return Draft(
            type="comparison",
            path=_two_star(lookup, path, a, b, [x], [rel_a, rel_b]),
            hops=(Hop(c.first, a, path.entities[1]),),
            cited=(rel_a, rel_b),
            checks=(holds(rel_a), holds(rel_b)),
            entities={"a": a, "b": b, "shared": shared},
            values={"share": True},
            answer_word="yes",
            mode="shared",
        )
    return None


def _shared_no(lookup: GraphLookup, path: FactPath, rng: random.Random, c: _Centre, max_count: int) -> Draft:
    """A no: another entity of the centre's type whose neighbours the centre has none of."""
    graph, a, step = lookup.graph, c.entity, c.step
    nodes_a, rel_a = _star(lookup, c.index, step, "comparison")
    if len(nodes_a) > max_count:
        raise Skip(f"comparison: more than {max_count} facts to compare")
    mine = set(nodes_a)

    def accept(b: int) -> bool:
        theirs = lookup.neighbours(b, step)[0]
        return (
            b != c.index
            and 0 < theirs.size <= max_count
            and not mine.intersection(theirs.tolist())
            and (graph.entity_name(b).casefold() != a.name.casefold())
        )

    picked = sample_nodes(_candidates(lookup, a, step), rng, 1, accept)
    if not picked:
        raise Skip(f"comparison: no other {a.type} sharing no {step.predicate} neighbour")
    nodes_b, rel_b = _star(lookup, picked[0], step, "comparison")
    b = graph.entity(picked[0])
    star = _two_star(lookup, path, a, b, nodes_a + nodes_b, rel_a + rel_b)
    checks = [holds(r) for r in star.relations]
    for y in nodes_b:
        subject, object_ = oriented(a.id, graph.entity_id(y), step.forward)
        checks.extend(absent(subject, step.predicate, object_, symmetric=step.symmetric))
    return Draft(
        type="comparison",
        path=star,
        hops=(Hop(c.first, a, path.entities[1]),),
        cited=star.relations,
        checks=tuple(checks),
        entities={"a": a, "b": b},
        values={"share": False},
        answer_word="no",
        label="negative",
        mode="shared",
    )


def _two_star(
    lookup: GraphLookup, path: FactPath, a: Entity, b: Entity, nodes: list[int], relations: list[Relation]
) -> FactPath:
    """A star path with centres ``a`` and ``b`` followed by their neighbours, each entity once."""
    entities = [a, b]
    seen = {a.id, b.id}
    for n in nodes:
        entity = lookup.graph.entity(n)
        if entity.id not in seen:
            seen.add(entity.id)
            entities.append(entity)
    unique = tuple({rid(r): r for r in relations}.values())  # a symmetric A-B fact is in both stars
    return FactPath(
        entities=tuple(entities), relations=unique, shape="star", strategy=path.strategy, seed=path.seed
    )


__all__ = ["MAX_COUNT", "comparison_draft", "count_draft"]
