"""Seeded synthetic graphs for the walk and synthesis tests (built in code, as STYLE.md asks).

``medical_graph(seed, ...)`` gives a small drug/disease/symptom/gene graph whose every relation
carries one piece of evidence, so tests can check that emitted paths come back with it.
"""

from __future__ import annotations

import random

from kgsynth.model import Entity, EntityType, Evidence, GraphBatch, Relation, RelationType, Schema

SCHEMA = Schema(
    name="synthetic-medical",
    entity_types=(
        EntityType(name="Chemical"),
        EntityType(name="Drug", parents=("Chemical",)),
        EntityType(name="Disease"),
        EntityType(name="Symptom"),
        EntityType(name="Gene"),
    ),
    relation_types=(
        RelationType(name="treats", domain=("Drug",), range=("Disease",)),
        RelationType(name="has_symptom", domain=("Disease",), range=("Symptom",)),
        RelationType(name="interacts_with", domain=("Drug",), range=("Drug",), symmetric=True),
        RelationType(name="associated_with", domain=("Gene",), range=("Disease",)),
        RelationType(name="causes", domain=("Chemical",), range=("Symptom",)),
    ),
)

#: (predicate, subject type, object type, how many per subject entity on average)
_SHAPES = (
    ("treats", "Drug", "Disease", 2),
    ("has_symptom", "Disease", "Symptom", 3),
    ("interacts_with", "Drug", "Drug", 1),
    ("associated_with", "Gene", "Disease", 1),
    ("causes", "Drug", "Symptom", 1),
)
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "xe", "zo", "pra", "den", "mol", "tur")


def _name(rng: random.Random, kind: str) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(3)) + " " + kind.lower()


def medical_graph(seed: int = 0, per_type: int = 12) -> GraphBatch:
    """A connected-ish random graph with ``per_type`` entities of each concrete type."""
    rng = random.Random(seed)
    by_type: dict[str, list[Entity]] = {}
    seen: set[str] = set()
    for kind in ("Drug", "Disease", "Symptom", "Gene"):
        members = by_type.setdefault(kind, [])
        while len(members) < per_type:
            entity = Entity.make(kind, _name(rng, kind))
            if entity.id not in seen:
                seen.add(entity.id)
                members.append(entity)
    relations: dict[str, Relation] = {}
    for predicate, subject_type, object_type, fanout in _SHAPES:
        for subject in by_type[subject_type]:
            for obj in rng.sample(by_type[object_type], fanout):
                if obj.id == subject.id:
                    continue
                sentence = f"{subject.name} {predicate.replace('_', ' ')} {obj.name}."
                relation = Relation(
                    subject=subject.id,
                    predicate=predicate,
                    object=obj.id,
                    confidence=round(rng.uniform(0.5, 1.0), 2),
                    evidence=(
                        Evidence(
                            document_id=f"doc:{seed}-{len(relations)}",
                            start=0,
                            end=len(sentence),
                            sentence=sentence,
                            extractor="synthetic",
                        ),
                    ),
                )
                relations[relation.id] = relation
    entities = tuple(e for kind in by_type.values() for e in kind)
    return GraphBatch(entities=entities, relations=tuple(relations.values()))


def chain_graph(length: int) -> GraphBatch:
    """A single path ``e0 - e1 - ... - e<length>``: the longest simple path has ``length`` hops."""
    entities = tuple(Entity.make("Drug", f"chain drug {i}") for i in range(length + 1))
    relations = tuple(
        Relation(subject=entities[i].id, predicate="interacts_with", object=entities[i + 1].id)
        for i in range(length)
    )
    return GraphBatch(entities=entities, relations=relations)
