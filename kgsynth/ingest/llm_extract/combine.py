"""``--extractor both``: one document's rules graph and LLM graph -> one graph, agreement counted.

Both graphs come from the same chunks and the same entity resolver, so a fact both read has
the same entities. The two readings are independent evidence, so a relation both read gets the
noisy-or of their confidences, ``1 - (1 - rules) * (1 - llm)``, and both pieces of evidence.
A fact counts as read by both in any equivalent form (a relation and its declared inverse, a
symmetric relation either way round). Relations only one of them read are kept with their own
confidence and counted, and so are polarity conflicts: one read the fact, the other its negation.
"""

from __future__ import annotations

from collections import Counter

from kgsynth.ingest.assemble import DocumentGraph
from kgsynth.ingest.assemble import _merge as merge_readings
from kgsynth.ingest.llm_extract.counts import Agreement
from kgsynth.model import Entity, GraphBatch, Relation, Schema

Fact = tuple[str, str, str]


def combine(rules: DocumentGraph, llm: DocumentGraph, schema: Schema) -> tuple[DocumentGraph, Agreement]:
    """One graph holding both readings, and how far they agree."""
    by_fact_rules = _by_fact(rules.batch.relations, schema)
    by_fact_llm = _by_fact(llm.batch.relations, schema)
    relations: dict[tuple[str, str, str, bool], Relation] = {}
    for relation in rules.batch.relations + llm.batch.relations:
        relations[relation.key] = merge_readings(relations.get(relation.key), relation)
    agreed = {key for key in by_fact_rules if key in by_fact_llm}
    for key in agreed:
        confidence = 1 - (1 - max(r.confidence for r in by_fact_rules[key])) * (
            1 - max(r.confidence for r in by_fact_llm[key])
        )
        for relation in by_fact_rules[key] + by_fact_llm[key]:
            relations[relation.key] = relations[relation.key].model_copy(
                update={"confidence": round(confidence, 6)}
            )
    conflicts = {(f, n) for f, n in by_fact_rules if (f, not n) in by_fact_llm}
    agreement = Agreement(
        both=len(agreed),
        rules_only=len(by_fact_rules.keys() - agreed),
        llm_only=len(by_fact_llm.keys() - agreed),
        polarity_conflicts=len(conflicts),
    )
    batch = GraphBatch(
        documents=rules.batch.documents,
        chunks=rules.batch.chunks,
        entities=_entities(rules.batch.entities + llm.batch.entities),
        mentions=tuple({m.id: m for m in rules.batch.mentions + llm.batch.mentions}.values()),
        relations=tuple(relations[key] for key in sorted(relations)),
    )
    return DocumentGraph(batch=batch, dropped=rules.dropped + llm.dropped), agreement


def _by_fact(relations: tuple[Relation, ...], schema: Schema) -> dict[tuple[Fact, bool], list[Relation]]:
    """Relations grouped by the fact they state, written one way (inverses and symmetry folded)."""
    grouped: dict[tuple[Fact, bool], list[Relation]] = {}
    for relation in relations:
        grouped.setdefault((_fact(relation, schema), relation.negated), []).append(relation)
    return grouped


def _fact(relation: Relation, schema: Schema) -> Fact:
    subject, predicate, object_ = relation.subject, relation.predicate, relation.object
    inverse = _inverse(schema, predicate)
    if inverse is not None and inverse < predicate:  # one of the pair stands for both
        subject, predicate, object_ = object_, inverse, subject
    if schema.has_relation(predicate) and schema.relation_type(predicate).symmetric and object_ < subject:
        subject, object_ = object_, subject
    return subject, predicate, object_


def _inverse(schema: Schema, predicate: str) -> str | None:
    """The relation declared inverse of ``predicate``, on either side of the declaration."""
    for relation in schema.relation_types:
        if relation.name == predicate and relation.inverse_of and schema.has_relation(relation.inverse_of):
            return relation.inverse_of
        if relation.inverse_of == predicate and relation.name != predicate:
            return relation.name
    return None


def _entities(entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
    """One entity per id: the first name seen (the rules'), every alias either reading gave."""
    first: dict[str, Entity] = {}
    aliases: dict[str, Counter[str]] = {}
    for entity in entities:
        first.setdefault(entity.id, entity)
        aliases.setdefault(entity.id, Counter()).update(entity.aliases)
    return tuple(
        first[id_].model_copy(update={"aliases": tuple(sorted(set(aliases[id_]) - {first[id_].name}))})
        for id_ in sorted(first)
    )
