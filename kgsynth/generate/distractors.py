"""Multiple-choice drafts: the right answer among distractors the graph proves wrong.

A distractor has exactly the answer's type and is NOT linked to the known entity by the asked
relation (in the asked direction; either direction for a symmetric relation), nor named like
any right answer. Entities the relation reaches from other entities come first (they are
plausible: another drug's disease), then any entity of the type. Entities within two hops of
the known entity are used only when nothing farther is left: the graph is closed-world, and a
near miss ("salbutamol treats asthma" when the corpus only says it relieves bronchospasm, a
symptom of asthma) is the distractor most likely to be a true fact the corpus never stated.
The sample's checks include ``expect="absent"`` for every distractor's triple, so a checker
can re-prove each one wrong.
"""

from __future__ import annotations

import random
import string

from kgsynth.generate.draft import Draft, Skip, absent, chain_hops, holds, oriented
from kgsynth.generate.lookup import GraphLookup, sample_nodes
from kgsynth.model import FactPath

#: Options per question (the answer included) when the graph has enough distractors.
N_CHOICES = 4
#: Fewer options than this and the question is skipped: a two-way choice is a coin toss.
MIN_CHOICES = 3


def mcq_draft(lookup: GraphLookup, path: FactPath, rng: random.Random, n_choices: int = N_CHOICES) -> Draft:
    """A multiple-choice draft for a 1-hop ``path``: which entity does the known one relate to?

    Raises:
        Skip: if the fact is negated, or the graph has too few distractors of the answer's type.
    """
    relation = path.relations[0]
    if relation.negated:
        raise Skip("mcq: path has a negated fact")
    known, answer = path.entities[0], path.entities[1]
    graph = lookup.graph
    step = lookup.direction(relation, known.id)
    known_i, answer_i = graph.index(known.id), graph.index(answer.id)
    right = set(lookup.neighbours(known_i, step)[0].tolist()) | {answer_i}
    named = right | {known_i}

    def accept(node: int) -> bool:
        return node not in named and not lookup.name_clashes(node, named)

    near = nearby(graph, known_i)
    same_type = lookup.of_exact_type(answer.type)
    plausible = lookup.plausible(step, answer.type)
    wanted = n_choices - 1
    picked: list[int] = []
    for pool, far_only in ((plausible, True), (same_type, True), (same_type, False)):
        if len(picked) >= wanted:
            break

        def fits(node: int, far_only: bool = far_only) -> bool:
            return node not in picked and not (far_only and node in near) and accept(node)

        picked.extend(sample_nodes(pool, rng, wanted - len(picked), fits))
    if len(picked) + 1 < MIN_CHOICES:
        raise Skip(
            f"mcq: fewer than {MIN_CHOICES - 1} {answer.type} entities unlinked by {relation.predicate}"
        )
    distractors = [graph.entity(i) for i in picked]
    options = [answer, *distractors]
    rng.shuffle(options)
    letters = string.ascii_uppercase[: len(options)]
    checks = [holds(relation)]
    for wrong in distractors:
        subject, object_ = oriented(known.id, wrong.id, step.forward)
        checks.extend(absent(subject, relation.predicate, object_, symmetric=step.symmetric))
    answer_letter = letters[options.index(answer)]
    return Draft(
        type="mcq",
        path=path,
        hops=chain_hops(path),
        cited=path.relations,
        checks=tuple(checks),
        entities={"known": known, "target": answer},
        entity_lists={"option_entities": tuple(options)},
        values={"letters": list(letters), "answer_letter": answer_letter},
        answer=answer.name,
        meta={"answer_choice": answer_letter, "distractors": ",".join(d.id for d in distractors)},
    )


#: Past this many direct neighbours the second hop is not expanded (hubs would reach everything).
NEARBY_FANOUT = 200


def nearby(graph: object, node: int) -> frozenset[int]:
    """Entities within two hops of ``node`` in either direction, over any relation."""
    first: set[int] = set()
    for edges in (graph.out_edges(node), graph.in_edges(node)):
        first.update(edges[0].tolist())
    reached = set(first)
    if len(first) <= NEARBY_FANOUT:
        for other in first:
            for edges in (graph.out_edges(other), graph.in_edges(other)):
                reached.update(edges[0].tolist())
    reached.discard(node)
    return frozenset(reached)


__all__ = ["MIN_CHOICES", "NEARBY_FANOUT", "N_CHOICES", "mcq_draft", "nearby"]
