"""One document's extraction results -> the ``GraphBatch`` that stores it, checked against the schema.

The pipeline reports mentions and relations per chunk, with offsets into the chunk's text;
here they become graph rows with offsets into the document's stored text (chunk start +
offset), entities resolved to one node per canonical thing, and relations checked against
the ontology's domain and range. What does not fit the schema is counted under its reason,
never written and never dropped silently.

Document-scoped terms ("this Agreement", "the Company", "Licensee"; ``nlp/document_terms.py``)
stay in their document: one whose canonical name is a real name (a defined term resolved by the
pipeline) is a mention of that entity, and one left bare is a mention of the document's one
entity of its type (coreference to the defined entity); with none or several such entities it
is dropped and counted. Such a term never becomes an entity's name or alias, so it can never
link "the agreement" of another document to this one.

Evidence span: a relation's ``Evidence.start``/``end`` is the tightest span holding both its
subject and object mentions (``"aspirin is indicated for headache"`` within a longer sentence),
and ``Evidence.sentence`` holds the whole sentence. The narrow span shows exactly what was
read; the sentence gives a reader or checker the context. A relation an LLM read carries the
words it quoted (``FoundRelation.span_start``/``span_end``): its evidence span is that quote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from kgsynth.model import (
    Chunk,
    Document,
    Entity,
    Evidence,
    GraphBatch,
    Mention,
    Relation,
    Schema,
    normalise_name,
)

if TYPE_CHECKING:  # kgsynth.nlp imports spaCy; assembly only reads the fields of its results
    from kgsynth.nlp import FoundMention, FoundRelation, TextFacts
    from kgsynth.nlp.document_terms import DocumentTerms


class Resolution(Protocol):
    """What ``EntityResolver.resolve`` returns."""

    entity_id: str
    canonical_name: str


class Resolver(Protocol):
    """The part of ``kgsynth.nlp.EntityResolver`` assembly uses."""

    def resolve(self, type: str, name: str) -> Resolution: ...


@dataclass
class _Node:
    type: str
    name: str
    aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Placed:
    """A mention, resolved and placed in the document."""

    entity_id: str
    type: str
    start: int
    end: int


@dataclass
class DocumentGraph:
    """The batch for one document and what was left out of it, by reason."""

    batch: GraphBatch
    dropped: Counter[str]


def assemble(
    document: Document,
    chunks: Sequence[Chunk],
    facts: Sequence[TextFacts],
    resolver: Resolver,
    schema: Schema,
    terms: DocumentTerms | None = None,
) -> DocumentGraph:
    """The ``GraphBatch`` for ``document`` (document, chunks, entities, mentions, relations).

    ``terms`` tells document-scoped terms (default: those of ``schema`` and its shipped patterns file).
    """
    terms = terms if terms is not None else _schema_terms(schema)
    nodes: dict[str, _Node] = {}
    mentions: list[Mention] = []
    relations: dict[tuple[str, str, str, bool], Relation] = {}
    dropped: Counter[str] = Counter()
    resolved = [[_resolve(found, resolver, schema, terms) for found in f.mentions] for f in facts]
    referents = _referents([r for chunk in resolved for r in chunk if r is not None and not r.scoped], schema)
    for chunk, chunk_facts, chunk_resolved in zip(chunks, facts, resolved, strict=True):
        placed = [
            _place(document, chunk, found, hit, referents, nodes, mentions, dropped, terms)
            for found, hit in zip(chunk_facts.mentions, chunk_resolved, strict=True)
        ]
        for found in chunk_facts.relations:
            relation = _relation(document, chunk, found, placed, schema, dropped)
            if relation is not None:
                relations[relation.key] = _merge(relations.get(relation.key), relation)
    entities = tuple(
        Entity(id=entity_id, type=node.type, name=node.name, aliases=tuple(sorted(node.aliases)))
        for entity_id, node in sorted(nodes.items())
    )
    batch = GraphBatch(
        documents=(document,),
        chunks=tuple(chunks),
        entities=entities,
        mentions=tuple(mentions),
        relations=tuple(relations[key] for key in sorted(relations)),
    )
    return DocumentGraph(batch=batch, dropped=dropped)


@dataclass(frozen=True)
class _Resolved:
    entity_id: str
    type: str
    name: str
    scoped: bool


def _resolve(
    found: FoundMention, resolver: Resolver, schema: Schema, terms: DocumentTerms
) -> _Resolved | None:
    """Where a mention resolves; ``scoped`` when its only name is a document-scoped term."""
    if not schema.has_entity_type(found.type):
        return None
    resolved = resolver.resolve(found.type, found.canonical or found.text)
    entity_type = getattr(resolved, "type", None) or found.type
    scoped = resolved.canonical_name in terms
    return _Resolved(resolved.entity_id, entity_type, resolved.canonical_name, scoped)


def _referents(named: list[_Resolved], schema: Schema) -> dict[str, _Resolved]:
    """The document's one named entity of each type, which its bare defined terms refer to."""
    by_type: dict[str, dict[str, _Resolved]] = {}
    for hit in named:
        for entity_type in schema.entity_types:
            if schema.is_a(hit.type, entity_type.name):
                by_type.setdefault(entity_type.name, {})[hit.entity_id] = hit
    return {t: next(iter(hits.values())) for t, hits in by_type.items() if len(hits) == 1}


def _place(
    document: Document,
    chunk: Chunk,
    found: FoundMention,
    hit: _Resolved | None,
    referents: dict[str, _Resolved],
    nodes: dict[str, _Node],
    mentions: list[Mention],
    dropped: Counter[str],
    terms: DocumentTerms,
) -> _Placed | None:
    if hit is None:
        dropped[f"mentions of type {found.type} (not in the ontology)"] += 1
        return None
    if hit.scoped:
        referent = referents.get(hit.type)
        if referent is None:
            dropped[
                f'mentions of the document-scoped term "{hit.name}" with no single {hit.type} to refer to'
            ] += 1
            return None
        hit = referent
    start, end = chunk.start + found.start, chunk.start + found.end
    surface = document.text[start:end]
    node = nodes.setdefault(hit.entity_id, _Node(type=hit.type, name=hit.name))
    for alias in (surface, found.canonical):
        if alias and normalise_name(alias) != normalise_name(node.name) and alias not in terms:
            node.aliases.add(alias)
    mentions.append(
        Mention(
            entity_id=hit.entity_id,
            document_id=document.id,
            chunk_id=chunk.id,
            start=start,
            end=end,
            text=surface,
            sentence=_sentence(chunk, found.sentence_start, found.sentence_end),
        )
    )
    return _Placed(entity_id=hit.entity_id, type=hit.type, start=start, end=end)


def _schema_terms(schema: Schema) -> DocumentTerms:
    from kgsynth.nlp.document_terms import document_terms  # spaCy-free, but kgsynth.nlp's __init__ is not
    from kgsynth.nlp.pipeline import companion_file

    return document_terms(schema, companion_file(schema, ".patterns.yaml"))


def _relation(
    document: Document,
    chunk: Chunk,
    found: FoundRelation,
    placed: list[_Placed | None],
    schema: Schema,
    dropped: Counter[str],
) -> Relation | None:
    subject, object_ = placed[found.subject], placed[found.object]
    if subject is None or object_ is None:
        dropped[f"{found.predicate} relations with an argument outside the ontology"] += 1
        return None
    reason = schema_violation(schema, found.predicate, subject.type, object_.type)
    if reason is None and subject.entity_id == object_.entity_id:
        reason = f"{found.predicate} relations from an entity to itself"
    if reason is not None:
        dropped[reason] += 1
        return None
    if schema.relation_type(found.predicate).symmetric and object_.entity_id < subject.entity_id:
        subject, object_ = object_, subject  # one edge per unordered pair of a symmetric relation
    quoted = found.span_start is not None and found.span_end is not None  # an LLM's quote
    evidence = Evidence(
        document_id=document.id,
        chunk_id=chunk.id,
        start=chunk.start + found.span_start if quoted else min(subject.start, object_.start),
        end=chunk.start + found.span_end if quoted else max(subject.end, object_.end),
        sentence=_sentence(chunk, found.sentence_start, found.sentence_end),
        extractor=found.rule,
    )
    return Relation(
        subject=subject.entity_id,
        predicate=found.predicate,
        object=object_.entity_id,
        negated=found.negated,
        hedged=found.hedged,
        confidence=found.confidence,
        evidence=(evidence,),
    )


def schema_violation(schema: Schema, predicate: str, subject_type: str, object_type: str) -> str | None:
    """Why ``subject_type -predicate-> object_type`` does not fit ``schema``, or None if it does.

    The reason is a short count label, e.g. ``"treats relations with a Disease subject
    (domain: Drug)"``.
    """
    if not schema.has_relation(predicate):
        return f"{predicate} relations (not in the ontology)"
    relation_type = schema.relation_type(predicate)
    domain, range_ = relation_type.domain, relation_type.range
    if domain and not any(schema.is_a(subject_type, t) for t in domain):
        return f"{predicate} relations with a {subject_type} subject (domain: {', '.join(domain)})"
    if range_ and not any(schema.is_a(object_type, t) for t in range_):
        return f"{predicate} relations with a {object_type} object (range: {', '.join(range_)})"
    return None


def _merge(old: Relation | None, new: Relation) -> Relation:
    """Two readings of one fact in one document: evidence united, as the store's merge rule does."""
    if old is None:
        return new
    evidence = {e.key: e for e in old.evidence + new.evidence}
    return old.model_copy(
        update={
            "confidence": max(old.confidence, new.confidence),
            "hedged": old.hedged and new.hedged,
            "evidence": tuple(evidence[key] for key in sorted(evidence)),
        }
    )


def _sentence(chunk: Chunk, start: int, end: int) -> str:
    """The sentence's text without the blank lines a paragraph break leaves at its end."""
    return chunk.text[start:end].strip()
