"""Entity lookup by name, the parts both backends share: scores, trigram candidates, ranking.

Each backend finds candidates its own way (SQLite: FTS5 trigram tables; Neo4j: a text index
probed per trigram), then scores and orders them here, so ``find_entities`` ranks the same
on every store: exact name 1.0, alias ``ALIAS_SCORE``, then fuzzy by ``fuzz.ratio`` of
normalised names, ties broken by id.
"""

from __future__ import annotations

from collections.abc import Iterable

from kgsynth.model import ROOT_TYPE, Entity, EntityMatch, Schema

#: Score of a match on an alias rather than the canonical name.
ALIAS_SCORE = 0.95
#: Candidates fetched per wanted fuzzy match; the exact scores are computed on all of them.
FUZZY_CANDIDATES_PER_MATCH = 20


def name_matches(by_name: Iterable[Entity], by_alias: Iterable[Entity]) -> list[EntityMatch]:
    """Exact matches: on the canonical name (1.0) first, then on an alias (``ALIAS_SCORE``), once each."""
    matches = [EntityMatch(entity=entity, method="name", score=1.0) for entity in by_name]
    named = {m.entity.id for m in matches}
    matches += [
        EntityMatch(entity=entity, method="alias", score=ALIAS_SCORE)
        for entity in by_alias
        if entity.id not in named
    ]
    return matches


def trigrams(key: str) -> list[str]:
    """The distinct three-character pieces of a normalised name, sorted (none under three characters)."""
    return sorted({key[i : i + 3] for i in range(len(key) - 2)})


def candidate_budget(limit: int, exclude: set[str]) -> int:
    """How many fuzzy candidates to fetch so that ``limit`` good ones survive scoring."""
    return max(200, (limit + len(exclude)) * FUZZY_CANDIDATES_PER_MATCH)


def ranked_fuzzy(scored: Iterable[tuple[float, Entity]], limit: int) -> list[EntityMatch]:
    """Fuzzy matches, best score first, then by id."""
    ordered = sorted(scored, key=lambda pair: (-pair[0], pair[1].id))
    return [
        EntityMatch(entity=entity, method="fuzzy", score=min(score, 1.0)) for score, entity in ordered[:limit]
    ]


def types_under(schema: Schema, type_name: str | None) -> list[str] | None:
    """``type_name`` and its subclasses in ``schema``; None means any type."""
    if type_name is None or type_name == ROOT_TYPE:
        return None
    return sorted({type_name} | {t.name for t in schema.entity_types if schema.is_a(t.name, type_name)})
