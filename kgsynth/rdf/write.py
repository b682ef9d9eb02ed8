"""A store -> Turtle or N-Triples: entities with type, label and aliases, and their relations.

Entity ids that are IRIs (everything an RDF import made) are written as they are; other ids
are minted under ``https://kgsynth.dev/entity/``, and types and relations without an IRI under
``https://kgsynth.dev/schema/``, so :func:`kgsynth.rdf.import_rdf` reads the same graph back.
The schema goes first, as ``owl:Class`` / ``owl:ObjectProperty`` declarations with labels,
superclasses and symmetric/functional flags. RDF cannot say "X does not treat Y", so negated
relations are left out and counted, and evidence is not written: use JSONL for both.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from typing import BinaryIO, Literal, TextIO

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib import Literal as RdfLiteral

from kgsynth.errors import ConfigError
from kgsynth.model import ROOT_TYPE, Entity, Relation, Schema
from kgsynth.rdf.jsonl import write_jsonl
from kgsynth.rdf.names import ENTITY_NS, SCHEMA_NS, entity_iri, local_name, namespace_of, schema_iri
from kgsynth.rdf.report import ExportReport
from kgsynth.store.base import DEFAULT_BATCH_SIZE, GraphStore

logger = logging.getLogger(__name__)

ExportFormat = Literal["turtle", "ntriples", "jsonl"]
EXPORT_FORMATS: tuple[str, ...] = ("turtle", "ntriples", "jsonl")
#: A triple as plain strings: subject IRI, predicate IRI, and an object IRI or ``("literal", text)``.
Triple = tuple[str, str, "str | tuple[str, str]"]


def export_graph(
    store: GraphStore,
    out: TextIO | BinaryIO,
    *,
    format: ExportFormat,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ExportReport:
    """Write every entity and relation of ``store`` to ``out`` in ``format``.

    N-Triples and JSONL are written a store page at a time, so memory stays flat however big the
    graph. Turtle needs the whole graph in memory (rdflib groups triples by subject and picks
    prefixes over all of them); use ntriples for big graphs.

    Raises:
        ConfigError: ``format`` is not one of ``turtle``, ``ntriples``, ``jsonl``.

    Example:
        >>> import io
        >>> buffer = io.StringIO()
        >>> export_graph(store, buffer, format="ntriples").entities  # doctest: +SKIP
        69
    """
    if format not in EXPORT_FORMATS:
        raise ConfigError(f'export format "{format}" is not one of: {", ".join(EXPORT_FORMATS)}.')
    write = _text_writer(out)
    if format == "jsonl":
        report = write_jsonl(store, write, batch_size=batch_size)
    elif format == "ntriples":
        report = _write_ntriples(store, write, batch_size)
    else:
        report = _write_turtle(store, write, batch_size)
    if report.skipped_negated:
        logger.warning(
            "export: %d negated relations left out: RDF cannot state them; export jsonl to keep them",
            report.skipped_negated,
        )
    logger.info("%s", report.summary())
    return report


def _text_writer(out: TextIO | BinaryIO) -> Callable[[str], object]:
    """A function writing text to ``out``, encoding to UTF-8 if ``out`` takes bytes."""
    if isinstance(out, io.TextIOBase) or not isinstance(out, (io.RawIOBase, io.BufferedIOBase)):
        return out.write  # type: ignore[return-value]
    return lambda text: out.write(text.encode("utf-8"))


class _Triples:
    """The triples of a store, a page at a time, with counts."""

    def __init__(self, store: GraphStore, batch_size: int) -> None:
        self.store = store
        self.batch_size = batch_size
        self.schema = store.schema()
        self._types = {t.name: schema_iri(t.name, t.iri) for t in self.schema.entity_types}
        self._relations = {r.name: schema_iri(r.name, r.iri) for r in self.schema.relation_types}
        self.entities = self.relations = self.negated = self.triples = 0

    def pages(self) -> Iterator[list[Triple]]:
        """The schema declarations, then one page of triples per store page of entities or relations."""
        yield list(_schema_triples(self.schema))
        for entities in self.store.iter_entities(self.batch_size):
            self.entities += len(entities)
            yield [t for entity in entities for t in self._entity_triples(entity)]
        for relations in self.store.iter_relations(self.batch_size, with_evidence=False):
            yield [t for relation in relations if (t := self._relation_triple(relation)) is not None]

    def report(self, format: str) -> ExportReport:
        return ExportReport(
            format=format,
            entities=self.entities,
            relations=self.relations,
            skipped_negated=self.negated,
            triples=self.triples,
        )

    def _entity_triples(self, entity: Entity) -> Iterator[Triple]:
        iri = entity_iri(entity.id)
        if entity.type != ROOT_TYPE:
            yield iri, str(RDF.type), self._types.get(entity.type) or schema_iri(entity.type)
        yield iri, str(RDFS.label), ("literal", entity.name)
        for alias in entity.aliases:
            yield iri, str(SKOS.altLabel), ("literal", alias)

    def _relation_triple(self, relation: Relation) -> Triple | None:
        if relation.negated:
            self.negated += 1
            return None
        self.relations += 1
        predicate = self._relations.get(relation.predicate) or schema_iri(relation.predicate)
        return entity_iri(relation.subject), predicate, entity_iri(relation.object)


def _schema_triples(schema: Schema) -> Iterator[Triple]:
    """Declarations of the schema's types, so an import without an ontology rebuilds them."""
    types = {t.name: schema_iri(t.name, t.iri) for t in schema.entity_types}
    for entity_type in schema.entity_types:
        if entity_type.name == ROOT_TYPE:
            continue
        iri = types[entity_type.name]
        yield iri, str(RDF.type), str(OWL.Class)
        if entity_type.label:
            yield iri, str(RDFS.label), ("literal", entity_type.label)
        for parent in entity_type.parents:
            yield iri, str(RDFS.subClassOf), types.get(parent) or schema_iri(parent)
    for relation in schema.relation_types:
        iri = schema_iri(relation.name, relation.iri)
        yield iri, str(RDF.type), str(OWL.ObjectProperty)
        if relation.label:
            yield iri, str(RDFS.label), ("literal", relation.label)
        if relation.symmetric:
            yield iri, str(RDF.type), str(OWL.SymmetricProperty)
        if relation.functional:
            yield iri, str(RDF.type), str(OWL.FunctionalProperty)


# --------------------------------------------------------------------------- N-Triples


def _write_ntriples(store: GraphStore, write: Callable[[str], object], batch_size: int) -> ExportReport:
    triples = _Triples(store, batch_size)
    for page in triples.pages():
        triples.triples += len(page)
        write("".join(f"{_iri(s)} {_iri(p)} {_term(o)} .\n" for s, p, o in page))
    return triples.report("ntriples")


def _iri(iri: str) -> str:
    """``<iri>``, with characters N-Triples forbids inside an IRI percent-encoded."""
    if any(c in _IRI_FORBIDDEN or ord(c) <= 0x20 for c in iri):
        iri = "".join(f"%{ord(c):02X}" if c in _IRI_FORBIDDEN or ord(c) <= 0x20 else c for c in iri)
    return f"<{iri}>"


_IRI_FORBIDDEN = frozenset('<>"{}|^`\\')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _term(term: str | tuple[str, str]) -> str:
    if isinstance(term, str):
        return _iri(term)
    text = "".join(_ESCAPES.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 else c) for c in term[1])
    return f'"{text}"'


# --------------------------------------------------------------------------- Turtle


def _write_turtle(store: GraphStore, write: Callable[[str], object], batch_size: int) -> ExportReport:
    triples = _Triples(store, batch_size)
    graph = Graph(bind_namespaces="core")
    for page in triples.pages():
        triples.triples += len(page)
        for s, p, o in page:
            graph.add((URIRef(s), URIRef(p), URIRef(o) if isinstance(o, str) else RdfLiteral(o[1])))
    _bind_prefixes(graph, triples.schema)
    _bind_entity_prefixes(graph)
    write(graph.serialize(format="turtle"))
    return triples.report("turtle")


def _bind_prefixes(graph: Graph, schema: Schema) -> None:
    """Short prefixes for the schema's namespaces and ours, so the Turtle reads like the ontology."""
    graph.bind("skos", SKOS)
    graph.bind("owl", OWL)
    graph.bind("kge", ENTITY_NS)
    graph.bind("kgs", SCHEMA_NS)
    taken = {"rdf", "rdfs", "xsd", "skos", "owl", "kge", "kgs"}
    namespaces = sorted(
        {namespace_of(t.iri) for t in (*schema.entity_types, *schema.relation_types) if t.iri}
        - {ENTITY_NS, SCHEMA_NS, str(OWL)}
    )
    for namespace in namespaces:
        graph.bind(_free_prefix(namespace, taken), namespace)


def _bind_entity_prefixes(graph: Graph, limit: int = 10) -> None:
    """Prefixes for the namespaces most entities share (``https://kgsynth.dev/data/pharma/``)."""
    taken = {prefix for prefix, _ in graph.namespaces()}
    bound = {str(namespace) for _, namespace in graph.namespaces()}
    counts = Counter(namespace_of(str(s)) for s in graph.subjects(unique=True) if isinstance(s, URIRef))
    for namespace, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
        if count > 1 and namespace not in bound and "://" in namespace:
            graph.bind(_free_prefix(namespace, taken), namespace)


def _free_prefix(namespace: str, taken: set[str]) -> str:
    """A prefix from the namespace's last segment (``.../medical#`` -> ``medical``), not in ``taken``."""
    stem = "".join(c for c in local_name(namespace.rstrip("#/")).lower() if c.isascii() and c.isalnum())
    stem = stem if stem[:1].isalpha() else "ns" + stem
    prefix, n = stem, 1
    while prefix in taken:
        n += 1
        prefix = f"{stem}{n}"
    taken.add(prefix)
    return prefix
