"""Factoid (1 hop) and multi-hop (2-4 hops) drafts: ask for the far end of a chain path.

The question names only the start entity; the answer is the last entity; intermediates are
``hidden`` (the factory refuses a question that names one). ``n_answers`` is how many entities
the question's description fits in the whole graph (every node reached from the start by the
same relations in the same directions), counted up to ``ANSWER_LIMIT`` (more reads as
``ANSWER_LIMIT + 1``), so a template can say "Name one disease that ..." instead of implying a
single answer when there are several.
"""

from __future__ import annotations

from dataclasses import replace

from kgsynth.generate.draft import Draft, Skip, chain_hops, holds
from kgsynth.generate.lookup import GraphLookup
from kgsynth.model import FactPath

#: Answers counted exactly; templates only need to tell one answer from several.
ANSWER_LIMIT = 50


def chain_facts(path: FactPath, type_name: str) -> Draft:
    """What every question over a chain states: each relation cited and checked as holding, the
    start entity ``known`` and the end entity ``target`` (factoid, multi-hop, explanation).

    Raises:
        Skip: if a relation on the path is negated (a question must not present it as true).
    """
    if any(relation.negated for relation in path.relations):
        raise Skip(f"{type_name}: path has a negated fact")
    return Draft(
        type=type_name,
        path=path,
        hops=chain_hops(path),
        cited=path.relations,
        checks=tuple(holds(r) for r in path.relations),
        entities={"known": path.entities[0], "target": path.entities[-1]},
    )


def chain_draft(lookup: GraphLookup, path: FactPath, type_name: str) -> Draft:
    """A factoid or multi-hop draft for ``path``: the far end asked for, the middle hidden.

    Raises:
        Skip: if a relation on the path is negated (a question must not present it as true).
    """
    draft = chain_facts(path, type_name)
    start, end = path.entities[0], path.entities[-1]
    steps = [lookup.direction(hop.relation, hop.source.id) for hop in draft.hops]
    reach = lookup.reachable(lookup.graph.index(start.id), steps, limit=ANSWER_LIMIT)
    n_answers = len(reach) if reach is not None else ANSWER_LIMIT + 1
    return replace(draft, values={"n_answers": n_answers}, answer=end.name, hidden=path.entities[1:-1])


__all__ = ["ANSWER_LIMIT", "chain_draft", "chain_facts"]
