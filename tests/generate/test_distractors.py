"""Multiple-choice distractors keep away from the subject's neighbourhood while farther ones exist."""

from __future__ import annotations

import random

from kgsynth.generate.distractors import mcq_draft, nearby
from kgsynth.generate.lookup import GraphLookup
from kgsynth.model import Entity, EntityType, FactPath, Relation, RelationType, Schema
from kgsynth.store.snapshot import GraphSnapshot

SCHEMA = Schema(
    entity_types=(EntityType(name="Drug"), EntityType(name="Disease"), EntityType(name="Symptom")),
    relation_types=(RelationType(name="treats"), RelationType(name="has_symptom")),
)
DRUG = Entity.make("Drug", "salbutamol")
SYMPTOM = Entity.make("Symptom", "bronchospasm")
NEAR = Entity.make("Disease", "asthma")
ANSWER = Entity.make("Disease", "copd")
OTHER = Entity.make("Drug", "other drug")


def _graph(far_diseases: int) -> tuple[GraphSnapshot, FactPath]:
    far = [Entity.make("Disease", f"far disease {i}") for i in range(far_diseases)]
    relations = [
        Relation(subject=DRUG.id, predicate="treats", object=ANSWER.id),
        Relation(subject=DRUG.id, predicate="treats", object=SYMPTOM.id),
        Relation(subject=NEAR.id, predicate="has_symptom", object=SYMPTOM.id),
        *(Relation(subject=OTHER.id, predicate="treats", object=d.id) for d in far),
    ]
    graph = GraphSnapshot.from_graph([DRUG, SYMPTOM, NEAR, ANSWER, OTHER, *far], relations, schema=SCHEMA)
    return graph, FactPath(entities=(DRUG, ANSWER), relations=(relations[0],), strategy="test", seed=0)


def test_nearby_reaches_two_hops_in_either_direction():
    graph, _ = _graph(far_diseases=2)
    near = nearby(graph, graph.index(DRUG.id))
    assert graph.index(NEAR.id) in near
    assert graph.index(Entity.make("Disease", "far disease 0").id) not in near


def test_mcq_distractors_skip_near_entities_when_farther_ones_exist():
    graph, path = _graph(far_diseases=6)
    for seed in range(20):
        draft = mcq_draft(GraphLookup(graph), path, random.Random(seed))
        assert NEAR.id not in draft.meta["distractors"].split(",")


def test_mcq_distractors_fall_back_to_near_entities_on_a_small_graph():
    graph, path = _graph(far_diseases=1)
    draft = mcq_draft(GraphLookup(graph), path, random.Random(0))
    assert NEAR.id in draft.meta["distractors"].split(",")


def test_yesno_negative_skips_near_entities_when_farther_ones_exist():
    from kgsynth.generate.negatives import corrupt_end

    graph, path = _graph(far_diseases=6)
    lookup = GraphLookup(graph)
    steps = [lookup.direction(path.relations[0], DRUG.id)]
    chosen = {corrupt_end(lookup, path, steps, random.Random(seed)).id for seed in range(20)}
    assert NEAR.id not in chosen
    assert chosen <= {Entity.make("Disease", f"far disease {i}").id for i in range(6)}
