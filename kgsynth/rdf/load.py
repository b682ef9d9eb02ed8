"""``import_rdf``: an RDF file (or a kgsynth JSONL dump) into a store, in batches.

Everything that can be wrong with the input is found before the first write: the file is
parsed, and every class and predicate it uses is matched against the schema, while nothing
is written. Only then is the schema registered and the batches written, each in its own
transaction. A store failure in the middle leaves the batches already written; since every
id is deterministic, running the same import again completes it without duplicating anything,
and ``store.delete_document(report.document_id)`` removes what an RDF import added.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from kgsynth.errors import InputError
from kgsynth.model import Schema
from kgsynth.rdf.jsonl import read_jsonl
from kgsynth.rdf.parse import detect_format
from kgsynth.rdf.read import read_rdf
from kgsynth.rdf.report import ImportReport
from kgsynth.store.base import GraphStore

logger = logging.getLogger(__name__)


def import_rdf(
    store: GraphStore,
    path: str | Path,
    *,
    format: str | None = None,
    schema: Schema | None = None,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Load a knowledge graph file into ``store`` and say what was imported and what was skipped.

    Args:
        store: where to write.
        path: Turtle (``.ttl``), N-Triples (``.nt``), RDF/XML or Turtle (``.owl``, ``.rdf``,
            sniffed), N3, JSON-LD, or a JSONL dump written by ``export_graph``.
        format: the syntax, when the extension does not tell (``turtle``, ``ntriples``, ``xml``,
            ``n3``, ``json-ld``, ``jsonl``).
        schema: an ontology's schema that every class and predicate must belong to; without
            one, types are derived from the file (reusing the store's where IRIs match).
        batch_size: entities or relations per write transaction.
        progress: called after each batch with the entities and relations written so far.

    Raises:
        InputError: the file is missing, unreadable, malformed or empty (nothing is written).
        UnknownEntityTypeError / UnknownRelationError: ``schema`` lacks a class or predicate
            the file uses (nothing is written).
        StoreError: the store refused a batch.

    Example:
        >>> from kgsynth.store import open_store
        >>> with open_store(":memory:") as store:
        ...     import_rdf(store, "examples/rdf/pharma.ttl").entities
        69
    """
    path = Path(path)
    if detect_format(path, format) == "jsonl":
        source = read_jsonl(path, schema=schema)
        source.check_references(store)
    else:
        source = read_rdf(path, format=format, schema=schema, known=None if schema else store.schema())
    if source.records == 0:
        raise InputError(
            f"{path}: nothing to import: the file holds no {source.record_kind}. Nothing was written."
        )
    store.ensure_schema(source.schema)
    entities = relations = 0
    # Into an empty SQLite store, defer the read indexes and build them once at the end; into a
    # store that already holds a graph, a rebuild would cost more than the import saves.
    bulk_load = getattr(store, "bulk_load", None)
    empty = bulk_load is not None and next(store.iter_relations(1, with_evidence=False), None) is None
    with bulk_load() if empty else nullcontext():
        for batch in source.batches(batch_size):
            store.write(batch)
            entities += len(batch.entities)
            relations += len(batch.relations)
            if progress is not None:
                progress(entities, relations)
    report = source.report()
    logger.info("%s", report.summary())
    return report
