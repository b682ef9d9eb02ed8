"""Reads of a graph for the result pages: entities by type, relations, a document with an
evidence span marked, and an entity's neighbourhood for the graph view.

All of it goes through the ``GraphStore`` protocol (never the store's tables). Lists are
paged by id (``after``), and the neighbourhood is capped: the view asks for more by
expanding a node.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kgsynth.model import Entity, Relation
from kgsynth.service.errors import NotFoundError
from kgsynth.service.graphs import open_graph

#: Most neighbours one expansion adds.
NEIGHBOUR_CAP = 25


class Segment(BaseModel):
    """A piece of document text; ``marked`` pieces are the evidence span (escaped when shown)."""

    text: str
    marked: bool = False


def entities_page(path: Path, *, type: str | None = None, after: str = "", limit: int = 50) -> dict[str, Any]:
    """Entities (of one type, if given) in id order after ``after``, with the counts by type."""
    with open_graph(path) as store:
        stats = store.stats()
        found: list[Entity] = []
        for page in store.iter_entities(batch_size=1000):
            found += [e for e in page if e.id > after and (not type or e.type == type)]
            if len(found) > limit:
                break
    items = found[:limit]
    return {
        "by_type": stats.entities_by_type,
        "items": [e.model_dump() for e in items],
        "next": items[-1].id if len(found) > limit else None,
    }


def relations_page(
    path: Path, *, predicate: str | None = None, entity: str | None = None, after: str = "", limit: int = 50
) -> dict[str, Any]:
    """Relations (of one predicate / touching one entity, if given) in id order after ``after``."""
    with open_graph(path) as store:
        stats = store.stats()
        if entity:
            candidates = sorted(
                store.neighbours(entity, predicates=[predicate] if predicate else None), key=lambda r: r.id
            )
        elif predicate:
            candidates = store.relations(predicate=predicate)
        else:
            candidates = [r for page in store.iter_relations(batch_size=5000) for r in page]
        found = [r for r in candidates if r.id > after][: limit + 1]
        names = _names(store, found)
    items = found[:limit]
    return {
        "by_predicate": stats.relations_by_predicate,
        "items": [_relation(r, names) for r in items],
        "next": items[-1].id if len(found) > limit else None,
    }


def document_view(path: Path, document_id: str, relation_id: str | None = None) -> dict[str, Any]:
    """A document's text cut into segments, the evidence span(s) of ``relation_id`` marked.

    Raises:
        NotFoundError: no such document, or the relation has no evidence in it.
    """
    with open_graph(path) as store:
        document = store.get_document(document_id)
        if document is None:
            raise NotFoundError(f'document "{document_id[:80]}" is not in this graph.')
        spans: list[tuple[int, int]] = []
        relation = None
        if relation_id:
            found = store.relations_by_id([relation_id])
            if not found:
                raise NotFoundError(f'relation "{relation_id[:80]}" is not in this graph.')
            relation = found[0]
            spans = sorted(
                {
                    (e.start, e.end)
                    for e in relation.evidence
                    if e.document_id == document_id and e.start is not None and e.end is not None
                }
            )
        names = _names(store, [relation] if relation else [])
    return {
        "id": document.id,
        "source": document.source,
        "segments": [s.model_dump() for s in _segments(document.text, spans)],
        "relation": _relation(relation, names) if relation else None,
    }


def _segments(text: str, spans: list[tuple[int, int]]) -> list[Segment]:
    out, at = [], 0
    for start, end in spans:
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        out += [Segment(text=text[at:start]), Segment(text=text[start:end], marked=True)]
        at = end
    return [*out, Segment(text=text[at:])]


def neighbourhood(path: Path, entity_id: str, *, hops: int = 1, cap: int = NEIGHBOUR_CAP) -> dict[str, Any]:
    """Nodes and edges within ``hops`` (1 or 2) of an entity, at most ``cap`` new nodes per hop.

    Raises:
        NotFoundError: no such entity.
    """
    with open_graph(path) as store:
        centre = store.get_entity(entity_id)
        if centre is None:
            raise NotFoundError(f'entity "{entity_id[:80]}" is not in this graph.')
        nodes: dict[str, Entity] = {centre.id: centre}
        edges: dict[str, Relation] = {}
        frontier, capped = [centre.id], False
        for _ in range(max(1, min(hops, 2))):
            added: list[str] = []
            for node in frontier:
                for relation in store.neighbours(node, limit=cap * 4):
                    other = relation.object if relation.subject == node else relation.subject
                    if other not in nodes:
                        if len(added) >= cap:
                            capped = True
                            continue
                        entity = store.get_entity(other)
                        if entity is None:
                            continue
                        nodes[other] = entity
                        added.append(other)
                    edges[relation.id] = relation
            frontier = added
    return {
        "centre": centre.id,
        "capped": capped,
        "nodes": [{"id": e.id, "name": e.name, "type": e.type} for e in nodes.values()],
        "edges": [
            {
                "id": r.id,
                "source": r.subject,
                "target": r.object,
                "predicate": r.predicate,
                "negated": r.negated,
            }
            for r in edges.values()
        ],
    }


def _names(store: Any, relations: list[Relation]) -> dict[str, str]:
    ids = {r.subject for r in relations} | {r.object for r in relations}
    return {i: (e.name if (e := store.get_entity(i)) else i) for i in ids}


def _relation(relation: Relation, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": relation.id,
        "subject": relation.subject,
        "subject_name": names.get(relation.subject, relation.subject),
        "predicate": relation.predicate,
        "object": relation.object,
        "object_name": names.get(relation.object, relation.object),
        "negated": relation.negated,
        "confidence": relation.confidence,
        "evidence": [
            {
                "document_id": e.document_id,
                "start": e.start,
                "end": e.end,
                "sentence": e.sentence,
                "extractor": e.extractor,
            }
            for e in relation.evidence
        ],
    }


__all__ = ["NEIGHBOUR_CAP", "Segment", "document_view", "entities_page", "neighbourhood", "relations_page"]
