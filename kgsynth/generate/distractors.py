"""Multiple-choice drafts: the right answer among distractors the graph proves wrong.

A distractor has exactly the answer's type and is NOT linked to the known entity by the asked
relation (in the asked direction; either direction for a symmetric relation), nor named like
any right answer. Entities the relation reaches from other entities come first (they are
plausible: another drug's disease), then any entity of the type. The sample's checks include
``expect="absent"`` for every distractor's triple, so a checker can re-prove each one wrong.
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

    same_type = lookup.of_exact_type(answer.type)
    plausible = lookup.plausible(step, answer.type)
    wanted = n_choices - 1
    picked = sample_nodes(plausible, rng, wanted, accept)
    if len(picked) < wanted:
        more = sample_nodes(same_type, rng, wanted - len(picked), lambda n: n not in picked and accept(n))
        picked.extend(more)
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


__all__ = ["MIN_CHOICES", "N_CHOICES", "mcq_draft"]
