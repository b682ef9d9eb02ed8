"""check_ontology, hierarchy_depth and subclass_cycles on hand-built schemas."""

from __future__ import annotations

import pytest

from kgsynth.model import EntityType, RelationType, Schema
from kgsynth.ontology import check_ontology, hierarchy_depth, subclass_cycles


def _types(*pairs: tuple[str, tuple[str, ...]]) -> tuple[EntityType, ...]:
    return tuple(EntityType(name=name, parents=parents) for name, parents in pairs)


def test_check_ontology_conftest_schema_only_lacks_relation_labels(schema):
    assert check_ontology(schema) == [f'relation "{r.name}" has no label' for r in schema.relation_types]


@pytest.mark.parametrize(
    ("relation", "problem"),
    [
        (
            RelationType(name="treats", label="treats", domain=("Medicine",)),
            'relation "treats": domain names "Medicine", which is not an entity type',
        ),
        (
            RelationType(name="treats", label="treats", range=("Illness",)),
            'relation "treats": range names "Illness", which is not an entity type',
        ),
        (
            RelationType(name="treats", label="treats", inverse_of="cured_by"),
            'relation "treats": inverse_of names "cured_by", which is not a relation',
        ),
        (
            RelationType(name="married_to", label="married to", functional=True, symmetric=True),
            'relation "married_to" is both functional and symmetric, so each entity can have at most one '
            "such link; check that this is meant",
        ),
        (
            RelationType(name="linked", label="linked", domain=("Drug",), range=("Disease",), symmetric=True),
            'relation "linked" is symmetric but its domain differs from its range',
        ),
        (RelationType(name="treats"), 'relation "treats" has no label'),
    ],
    ids=["unknown-domain", "unknown-range", "unknown-inverse", "functional-symmetric", "symmetric-mismatch",
         "no-label"],
)  # fmt: skip
def test_check_ontology_reports_relation_problem(relation, problem):
    schema = Schema(entity_types=_types(("Drug", ()), ("Disease", ())), relation_types=(relation,))
    assert check_ontology(schema) == [problem]


def test_check_ontology_accepts_thing_as_domain():
    schema = Schema(relation_types=(RelationType(name="related", label="related", domain=("Thing",)),))
    assert check_ontology(schema) == []


def test_check_ontology_reports_non_reciprocal_inverse():
    schema = Schema(
        relation_types=(
            RelationType(name="a", label="a", inverse_of="b"),
            RelationType(name="b", label="b", inverse_of="c"),
            RelationType(name="c", label="c"),
        )
    )
    assert check_ontology(schema) == ['relation "a": its inverse "b" names "c" as its own inverse']


def test_check_ontology_reports_unknown_parent():
    schema = Schema(entity_types=_types(("Drug", ("Chemical",))))
    assert check_ontology(schema) == ['entity type "Drug": parent "Chemical" is not an entity type']


def test_check_ontology_reports_subclass_cycle():
    schema = Schema(entity_types=_types(("B", ("C",)), ("C", ("A",)), ("A", ("B",))))
    assert check_ontology(schema) == ["subclass cycle: A -> B -> C -> A"]


@pytest.mark.parametrize(
    ("pairs", "cycles"),
    [
        ((("A", ("A",)),), [("A", "A")]),
        ((("A", ("B",)), ("B", ("A",)), ("C", ("A",))), [("A", "B", "A")]),
        ((("A", ("B",)), ("B", ("A",)), ("C", ("D",)), ("D", ("C",))), [("A", "B", "A"), ("C", "D", "C")]),
        ((("A", ()), ("B", ("A",))), []),
    ],
    ids=["self", "two-with-tail", "two-separate", "none"],
)
def test_subclass_cycles_lists_each_cycle_once(pairs, cycles):
    assert subclass_cycles(Schema(entity_types=_types(*pairs))) == cycles


@pytest.mark.parametrize(
    ("pairs", "depth"),
    [
        ((), 0),
        ((("A", ()), ("B", ())), 1),
        ((("Chemical", ()), ("Drug", ("Chemical",))), 2),
        ((("A", ()), ("B", ("A",)), ("C", ("B",)), ("D", ("A", "C"))), 4),
        ((("A", ("B",)), ("B", ("A",))), 2),
    ],
    ids=["empty", "flat", "two-levels", "diamond", "cycle-terminates"],
)
def test_hierarchy_depth_counts_levels_of_deepest_chain(pairs, depth):
    assert hierarchy_depth(Schema(entity_types=_types(*pairs))) == depth


def test_check_ontology_names_an_unknown_super_property():
    schema = Schema(relation_types=(RelationType(name="caused_by", implies=("nosuch",)),))
    assert 'relation "caused_by": implies names "nosuch", which is not a relation' in check_ontology(schema)
