"""Sanity checks on a ``Schema``: the mistakes that make extraction or fact-checking go quietly wrong.

A domain naming a class that does not exist rejects every triple of that relation; a subclass
cycle makes type checks loop or pass everything; a relation without a label gives the relation
lexicon nothing to match. ``check_ontology`` lists such problems as readable sentences; it does
not raise, because a schema with problems is still loadable and the user decides what matters.
"""

from __future__ import annotations

from kgsynth.model import ROOT_TYPE, EntityType, RelationType, Schema


def check_ontology(schema: Schema) -> list[str]:
    """Problems found in ``schema``, one sentence each, in a stable order (empty if none).

    Example:
        >>> treats = RelationType(name="treats", label="treats", domain=("Drug",))
        >>> check_ontology(Schema(relation_types=(treats,)))
        ['relation "treats": domain names "Drug", which is not an entity type']
    """
    types = {t.name for t in schema.entity_types} | {ROOT_TYPE}
    relations = {r.name: r for r in schema.relation_types}
    problems: list[str] = []
    for entity_type in schema.entity_types:
        problems += _unknown_parents(entity_type, types)
    for relation in schema.relation_types:
        problems += _unknown_classes(relation, types)
        problems += _inverse_problems(relation, relations)
        problems += _unknown_super_properties(relation, relations)
        problems += _oddities(relation)
    problems += [f"subclass cycle: {' -> '.join(cycle)}" for cycle in subclass_cycles(schema)]
    return problems


def hierarchy_depth(schema: Schema) -> int:
    """Levels in the deepest subclass chain (a flat list of classes is 1, no classes is 0)."""
    parents = {t.name: t.parents for t in schema.entity_types}
    depths: dict[str, int] = {}

    def depth(name: str, path: frozenset[str]) -> int:
        if name not in depths:
            above = [depth(p, path | {name}) for p in parents.get(name, ()) if p in parents and p not in path]
            depths[name] = 1 + max(above, default=0)
        return depths[name]

    return max((depth(name, frozenset()) for name in sorted(parents)), default=0)


def subclass_cycles(schema: Schema) -> list[tuple[str, ...]]:
    """Each subclass cycle once, as names from its smallest member round to it again."""
    parents = {t.name: t.parents for t in schema.entity_types}
    cycles: set[tuple[str, ...]] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            loop = path[path.index(name) :]
            start = loop.index(min(loop))
            cycles.add((*loop[start:], *loop[:start], min(loop)))
            return
        for parent in parents.get(name, ()):
            if parent in parents:
                visit(parent, [*path, name])

    for name in sorted(parents):
        visit(name, [])
    return sorted(cycles)


def _unknown_parents(entity_type: EntityType, types: set[str]) -> list[str]:
    return [
        f'entity type "{entity_type.name}": parent "{parent}" is not an entity type'
        for parent in entity_type.parents
        if parent not in types
    ]


def _unknown_classes(relation: RelationType, types: set[str]) -> list[str]:
    return [
        f'relation "{relation.name}": {side} names "{name}", which is not an entity type'
        for side, names in (("domain", relation.domain), ("range", relation.range))
        for name in names
        if name not in types
    ]


def _unknown_super_properties(relation: RelationType, relations: dict[str, RelationType]) -> list[str]:
    return [
        f'relation "{relation.name}": {field} names "{name}", which is not a relation'
        for field, names in (("implies", relation.implies), ("implies_inverse", relation.implies_inverse))
        for name in names
        if name not in relations
    ]


def _inverse_problems(relation: RelationType, relations: dict[str, RelationType]) -> list[str]:
    if relation.inverse_of is None:
        return []
    partner = relations.get(relation.inverse_of)
    if partner is None:
        return [
            f'relation "{relation.name}": inverse_of names "{relation.inverse_of}", which is not a relation'
        ]
    if partner.inverse_of not in (None, relation.name):
        return [
            f'relation "{relation.name}": its inverse "{partner.name}" names "{partner.inverse_of}" '
            "as its own inverse"
        ]
    return []


def _oddities(relation: RelationType) -> list[str]:
    problems = []
    if relation.functional and relation.symmetric:
        problems.append(
            f'relation "{relation.name}" is both functional and symmetric, so each entity can have at '
            "most one such link; check that this is meant"
        )
    if relation.symmetric and set(relation.domain) != set(relation.range):
        problems.append(f'relation "{relation.name}" is symmetric but its domain differs from its range')
    if not relation.label:
        problems.append(f'relation "{relation.name}" has no label')
    return problems
