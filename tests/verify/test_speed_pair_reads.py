"""The SQLite reads the checker makes per claim, answered with fewer queries, answer the same.

``relations(subject=, object=)`` (one end's index probed with the other's relation numbers)
and ``find_entities`` (names and aliases in one query; alias rows read only for entities
that have any).
"""

from __future__ import annotations

import pytest

from kgsynth.model import Entity, Evidence, GraphBatch, Relation
from kgsynth.store.sqlite import SQLiteStore
from tests.verify.conftest import SCHEMA

ASPIRIN = Entity.make("Drug", "aspirin", aliases=("acetylsalicylic acid", "ASA", "Aspro"))
ASA_CLASS = Entity.make("DrugClass", "ASA", aliases=("salicylates",))
WARFARIN = Entity.make("Drug", "warfarin")
IBUPROFEN = Entity.make("Drug", "ibuprofen", aliases=("aspro",))
HEADACHE = Entity.make("Symptom", "headache")
MIGRAINE = Entity.make("Disease", "migraine")


def _fact(subject: Entity, predicate: str, object_: Entity, negated: bool = False) -> Relation:
    return Relation(
        subject=subject.id,
        predicate=predicate,
        object=object_.id,
        negated=negated,
        evidence=(
            Evidence(
                document_id="doc:1", sentence=f"{subject.name} {predicate} {object_.name}.", extractor="test"
            ),
        ),
    )


ASPIRIN_TREATS_HEADACHE = _fact(ASPIRIN, "treats", HEADACHE)
ASPIRIN_CAUSES_NO_HEADACHE = _fact(ASPIRIN, "causes", HEADACHE, negated=True)
HEADACHE_TREATED_BY_ASPIRIN = _fact(HEADACHE, "treated_by", ASPIRIN)
ASPIRIN_TREATS_MIGRAINE = _fact(ASPIRIN, "treats", MIGRAINE)
IBUPROFEN_TREATS_HEADACHE = _fact(IBUPROFEN, "treats", HEADACHE)
WARFARIN_WITH_ASPIRIN = _fact(WARFARIN, "interacts_with", ASPIRIN)
FACTS = (
    ASPIRIN_TREATS_HEADACHE,
    ASPIRIN_CAUSES_NO_HEADACHE,
    HEADACHE_TREATED_BY_ASPIRIN,
    ASPIRIN_TREATS_MIGRAINE,
    IBUPROFEN_TREATS_HEADACHE,
    WARFARIN_WITH_ASPIRIN,
)


@pytest.fixture
def store(tmp_path):
    with SQLiteStore(str(tmp_path / "kg.db")) as graph:
        graph.ensure_schema(SCHEMA)
        graph.write(
            GraphBatch(
                entities=(ASPIRIN, ASA_CLASS, WARFARIN, IBUPROFEN, HEADACHE, MIGRAINE), relations=FACTS
            )
        )
        yield graph


@pytest.mark.parametrize(
    ("subject", "object_", "expected"),
    [
        (ASPIRIN, HEADACHE, [ASPIRIN_TREATS_HEADACHE, ASPIRIN_CAUSES_NO_HEADACHE]),
        (HEADACHE, ASPIRIN, [HEADACHE_TREATED_BY_ASPIRIN]),
        (ASPIRIN, MIGRAINE, [ASPIRIN_TREATS_MIGRAINE]),
        (WARFARIN, ASPIRIN, [WARFARIN_WITH_ASPIRIN]),
        (ASPIRIN, WARFARIN, []),
        (WARFARIN, HEADACHE, []),
        (ASPIRIN, Entity.make("Drug", "unknown"), []),
    ],
)
def test_relations_of_both_ends_are_exactly_those_from_subject_to_object(store, subject, object_, expected):
    found = store.relations(subject=subject.id, object=object_.id)
    assert sorted(found, key=lambda r: r.id) == sorted(expected, key=lambda r: r.id)


def test_relations_of_both_ends_come_in_id_order(store):
    found = store.relations(subject=ASPIRIN.id, object=HEADACHE.id)
    assert [r.id for r in found] == sorted(r.id for r in found)


def test_relations_of_both_ends_and_a_predicate_match_all_three(store):
    assert store.relations(subject=ASPIRIN.id, predicate="causes", object=HEADACHE.id) == [
        ASPIRIN_CAUSES_NO_HEADACHE
    ]


@pytest.mark.parametrize(
    ("name", "type_name", "expected"),
    [
        ("aspirin", None, [(ASPIRIN, "name")]),
        ("ASA", None, [(ASA_CLASS, "name"), (ASPIRIN, "alias")]),
        ("asa", "Drug", [(ASPIRIN, "alias")]),
        ("asa", "DrugClass", [(ASA_CLASS, "name")]),
        ("aspro", None, [(ASPIRIN, "alias"), (IBUPROFEN, "alias")]),
        ("warfarin", None, [(WARFARIN, "name")]),
        ("salicylates", "Drug", []),
    ],
)
def test_find_entities_gives_whole_entities_names_before_aliases(store, name, type_name, expected):
    found = store.find_entities(name, type=type_name)
    assert [(m.entity, m.method) for m in found] == expected


@pytest.mark.parametrize("entity", [ASPIRIN, WARFARIN, ASA_CLASS])
def test_get_entity_reads_aliases_in_stored_order(store, entity):
    assert store.get_entity(entity.id) == entity
