"""Yes/no drafts, with negatives derived from the graph rather than invented.

A positive asks whether the path's last entity fits the chain's description ("Is fever a
symptom of a disease that aspirin treats?"): yes. A negative swaps the last entity for another
entity of exactly the same type that the description does NOT fit anywhere in the graph (not
reachable from the start by the same relations), preferring entities the last relation does
reach from elsewhere so the wrong claim is plausible, and avoiding entities within two hops of
the corrupted triple's source while farther ones exist (a near miss is the likeliest true fact
the corpus never stated; see ``distractors``). Its kind is recorded in ``meta``:

- ``functional``: the last relation is functional and read forward, so the graph contradicts
  the claim (an agreement governed by New York law is not governed by Texas law);
- ``closed_world``: the graph simply does not hold the claim;
- ``negated``: a 1-hop path over a stored negated fact ("X does not cause Y") asks the claim
  the graph explicitly denies.

A negative's checks include ``TripleCheck(expect="absent")`` for the corrupted triple (both
directions for a symmetric relation) besides the path's own facts.
"""

from __future__ import annotations

import random

from kgsynth.generate.distractors import nearby
from kgsynth.generate.draft import Draft, Skip, absent, chain_hops, holds, oriented
from kgsynth.generate.lookup import Direction, GraphLookup, sample_nodes
from kgsynth.model import Entity, FactPath

#: Share of yes/no samples made negative when a negative can be found.
NEGATIVE_SHARE = 0.5


def yesno_draft(
    lookup: GraphLookup, path: FactPath, rng: random.Random, negative_share: float = NEGATIVE_SHARE
) -> Draft:
    """A yes/no draft for ``path``: positive, or (with chance ``negative_share``) a graph-derived negative.

    When a negative is wanted but the graph offers no entity to corrupt with, the draft stays
    positive and ``meta["negative"]`` says why.
    """
    if path.hops == 1 and path.relations[0].negated:
        return _negated_fact(path)
    if any(relation.negated for relation in path.relations):
        raise Skip("yesno: path has a negated fact")
    hops = chain_hops(path)
    draft = Draft(
        type="yesno",
        path=path,
        hops=hops,
        cited=path.relations,
        checks=tuple(holds(r) for r in path.relations),
        entities={"known": path.entities[0], "claimed": path.entities[-1], "true_end": path.entities[-1]},
        values={"negative": False, "negative_kind": ""},
        answer_word="yes",
        hidden=path.entities[1:-1],
    )
    if rng.random() >= negative_share:
        return draft
    steps = [lookup.direction(hop.relation, hop.source.id) for hop in hops]
    corrupted = corrupt_end(lookup, path, steps, rng)
    if corrupted is None:
        draft.meta["negative"] = "no entity of the same type lies outside the answer set"
        return draft
    return _negative(draft, lookup, corrupted, steps[-1])


def corrupt_end(
    lookup: GraphLookup, path: FactPath, steps: list[Direction], rng: random.Random
) -> Entity | None:
    """An entity of the end's exact type that the path's description does not reach, or None."""
    graph = lookup.graph
    reach = lookup.reachable(graph.index(path.entities[0].id), steps)
    if reach is None:  # too many answers to be sure a candidate is not one of them
        return None
    taken = reach | {graph.index(e.id) for e in path.entities}
    end_type = path.entities[-1].type
    same_type = lookup.of_exact_type(end_type)

    near = nearby(graph, graph.index(path.entities[-2].id))

    def accept(node: int) -> bool:
        return node not in taken and not lookup.name_clashes(node, taken)

    def far(node: int) -> bool:
        return node not in near and accept(node)

    plausible = lookup.plausible(steps[-1], end_type)
    for pool, fits in ((plausible, far), (same_type, far), (plausible, accept), (same_type, accept)):
        chosen = sample_nodes(pool, rng, 1, fits)
        if chosen:
            return graph.entity(chosen[0])
    return None


def _negative(draft: Draft, lookup: GraphLookup, corrupted: Entity, last: Direction) -> Draft:
    source = draft.path.entities[-2]
    subject, object_ = oriented(source.id, corrupted.id, last.forward)
    kind = "functional" if last.forward and lookup.is_functional(last.predicate) else "closed_world"
    draft.checks = draft.checks + absent(subject, last.predicate, object_, symmetric=last.symmetric)
    draft.entities["claimed"] = corrupted
    draft.values.update(negative=True, negative_kind=kind)
    draft.answer_word = "no"
    draft.label = "negative"
    draft.meta.update(negative_kind=kind, corrupted=corrupted.id)
    return draft


def _negated_fact(path: FactPath) -> Draft:
    relation = path.relations[0]
    return Draft(
        type="yesno",
        path=path,
        hops=chain_hops(path),
        cited=path.relations,
        checks=(holds(relation),),
        entities={"known": path.entities[0], "claimed": path.entities[-1], "true_end": path.entities[-1]},
        values={"negative": True, "negative_kind": "negated"},
        answer_word="no",
        label="negative",
        meta={"negative_kind": "negated"},
    )


__all__ = ["NEGATIVE_SHARE", "corrupt_end", "yesno_draft"]
