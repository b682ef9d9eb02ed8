"""An RDF file -> the schema it needs and a stream of ``GraphBatch``\\ es for a store.

Each IRI (or skolemised blank node) that the file describes becomes an entity whose id is the
IRI itself, so an export writes it back unchanged. ``rdf:type`` gives its type, ``rdfs:label``
or ``skos:prefLabel`` its name (English or untagged first; else the IRI's local name), and
every other label or ``skos:altLabel`` its aliases. A triple between two such resources becomes
a relation carrying one ``Evidence`` that points at a ``Document`` standing for the file
(``rdf:`` + hash of its bytes), so deleting that document undoes the import. Classes,
properties and OWL axioms are not data: they only name the schema's types. Literal values
other than names are counted per predicate and skipped.

rdflib holds the whole parsed file in memory; on top of it this module keeps only node
references (the sorted entity list, the schema nodes, the blank-node names), and yields all
entities before any relation, so a relation never refers to an entity not yet written.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kgsynth.errors import InputError, UnknownEntityTypeError, UnknownRelationError, choices
from kgsynth.model import ROOT_TYPE, Document, Entity, Evidence, GraphBatch, Relation, Schema
from kgsynth.rdf.names import display_name, entity_id_of, is_vocabulary, local_name
from kgsynth.rdf.parse import detect_format, file_sha256, parse_rdf
from kgsynth.rdf.report import ImportReport
from kgsynth.rdf.skolem import skolemise
from kgsynth.rdf.terms import (
    ROOT_CLASSES,
    is_entity_class,
    is_relation_predicate,
    is_resource,
    schema_nodes,
)
from kgsynth.rdf.typemap import TypeInfo, TypeMap

logger = logging.getLogger(__name__)

#: ``Evidence.extractor`` of every imported relation.
EXTRACTOR = "rdf-import"
#: Label predicates, in the order they are preferred for an entity's name; the last gives aliases only.
_LABEL_RANK = {RDFS.label: 0, SKOS.prefLabel: 1, SKOS.altLabel: 2}
_ALIAS_ONLY = 2


def read_rdf(
    path: str | Path,
    *,
    format: str | None = None,
    schema: Schema | None = None,
    known: Schema | None = None,
) -> RdfSource:
    """Parse an RDF file and map its classes and predicates to schema names, writing nothing.

    Args:
        path: a Turtle, N-Triples, RDF/XML, N3 or JSON-LD file.
        format: the file's syntax; by default from its extension (``.owl``/``.rdf`` sniffed).
        schema: if given, every class and predicate used must be in it (strict).
        known: without ``schema``, types to reuse when their IRI matches (the store's schema);
            all other classes and predicates get derived types.

    Raises:
        InputError: the file is missing, unreadable or not valid RDF in ``format``.
        UnknownEntityTypeError / UnknownRelationError: ``schema`` lacks a class or predicate
            the file uses; the message names the IRIs and the file.

    Example:
        >>> source = read_rdf("examples/rdf/pharma.ttl")
        >>> batches = list(source.batches())
        >>> source.report().relations > 0
        True
    """
    path = Path(path)
    fmt = detect_format(path, format)
    if fmt == "jsonl":
        raise InputError(f"{path}: JSONL is kgsynth's own export format, not RDF; import it with import_rdf.")
    file_hash = file_sha256(path)
    graph = parse_rdf(path, fmt)
    source = RdfSource(
        path, fmt, graph, file_hash, TypeMap(schema or known or Schema(), strict=schema is not None)
    )
    source.map_types()
    return source


class RdfSource:
    """A parsed RDF file, ready to be written: its schema, its document, and its batches.

    Build it with :func:`read_rdf`. Iterating :meth:`batches` fills in :meth:`report`.
    """

    def __init__(self, path: Path, format: str, graph: Graph, file_hash: str, types: TypeMap) -> None:
        self.path = path
        self.format = format
        #: What ``records`` counts, for messages (``JsonlSource`` counts lines instead).
        self.record_kind = "triples"
        self.graph = graph
        self.types = types
        self.document = Document(
            id="rdf:" + file_hash[:16],
            source=str(path),
            text="",
            metadata={"format": format, "sha256": file_hash},
        )
        self._schema_nodes = schema_nodes(graph)
        self._bnodes = skolemise(graph, file_hash)
        self._evidence = (Evidence(document_id=self.document.id, extractor=EXTRACTOR),)
        self._counts: Counter[str] = Counter()
        self._skipped: Counter[str] = Counter()
        self._schema: Schema | None = None
        self._nodes: list[Node] | None = None
        self._relational: dict[Node, bool] = {}

    @property
    def schema(self) -> Schema:
        """The schema this file's entities and relations are typed by (to ``ensure_schema`` first)."""
        if self._schema is None:
            self._schema = self.types.schema(with_root=self._has_untyped_entities())
        return self._schema

    # ----------------------------------------------------------------- types
    def map_types(self) -> None:
        """Name every class and predicate the data uses; raise if a strict schema lacks one."""
        self.types.add_classes({str(c): self._class_info(c) for c in self._used_classes()})
        self.types.add_relations({str(p): self._property_info(p) for p in self._used_predicates()})
        self._schema = None
        if self.types.unknown_classes:
            raise UnknownEntityTypeError(
                self._unknown_message("class", self.types.unknown_classes, "entity types")
            )
        if self.types.unknown_predicates:
            raise UnknownRelationError(
                self._unknown_message("predicate", self.types.unknown_predicates, "relations")
            )

    def _used_classes(self) -> set[URIRef]:
        """Classes of entities; without a strict schema also their superclasses, to keep the hierarchy."""
        found = {
            cls
            for subject, cls in self.graph.subject_objects(RDF.type)
            if subject not in self._schema_nodes and is_entity_class(cls) and cls not in ROOT_CLASSES
        }
        frontier = [] if self.types.strict else list(found)
        while frontier:
            for parent in self.graph.objects(frontier.pop(), RDFS.subClassOf):
                if isinstance(parent, URIRef) and not is_vocabulary(str(parent)) and parent not in found:
                    found.add(parent)
                    frontier.append(parent)
        return found  # type: ignore[return-value]

    def _used_predicates(self) -> set[URIRef]:
        return {
            predicate
            for predicate in self.graph.predicates(unique=True)
            if is_relation_predicate(predicate)
            and any(
                subject not in self._schema_nodes and self._is_relation(predicate, obj)
                for subject, obj in self.graph.subject_objects(predicate)
            )
        }  # type: ignore[misc]

    def _class_info(self, cls: Node) -> TypeInfo:
        parents = tuple(
            sorted(str(p) for p in self.graph.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef))
        )
        return TypeInfo(label=self._best_label(cls), parents=parents)

    def _property_info(self, predicate: Node) -> TypeInfo:
        return TypeInfo(
            label=self._best_label(predicate),
            symmetric=(predicate, RDF.type, OWL.SymmetricProperty) in self.graph,
            functional=(predicate, RDF.type, OWL.FunctionalProperty) in self.graph,
        )

    def _best_label(self, node: Node) -> str:
        labels = sorted(
            (_language_rank(o), str(o).strip())
            for o in self.graph.objects(node, RDFS.label)
            if isinstance(o, Literal) and str(o).strip()
        )
        return labels[0][1] if labels else ""

    def _unknown_message(self, kind: str, iris: list[str], present: str) -> str:
        shown = ", ".join(f'"{iri}"' for iri in iris[:5])
        more = f" and {len(iris) - 5} more" if len(iris) > 5 else ""
        names = (
            [t.name for t in self.types.base.entity_types]
            if kind == "class"
            else [r.name for r in self.types.base.relation_types]
        )
        schema_name = f" {self.types.base.name}" if self.types.base.name else ""
        plural = "es" if kind == "class" else "s"
        subject = f"{kind} {shown}" if len(iris) == 1 else f"{kind}{plural} {shown}{more}"
        verb, pronoun = ("is", "it") if len(iris) == 1 else ("are", "them")
        return (
            f"{self.path}: {subject} {verb} not in the schema{schema_name}. {present.capitalize()} present: "
            f"{choices(names)}. Add {pronoun} to the ontology, or import without an ontology "
            "(--derive-types) to derive types from the file."
        )

    # ----------------------------------------------------------------- batches
    def batches(self, batch_size: int = 1000) -> Iterator[GraphBatch]:
        """The document, then every entity, then every relation, ``batch_size`` items a batch."""
        self._counts.clear()
        self._skipped.clear()
        nodes = self._entity_nodes()
        pending: list[Entity | Relation] = []
        first = True
        for item in itertools.chain(self._entities(nodes), self._relations(nodes)):
            pending.append(item)
            if len(pending) >= batch_size:
                yield _batch(pending, self.document if first else None)
                pending, first = [], False
        if pending or first:
            yield _batch(pending, self.document if first else None)
        self._counts["schema"] = sum(
            1 for node in self._schema_nodes for _ in self.graph.predicate_objects(node)
        )

    @property
    def records(self) -> int:
        """The file's triples; none means there is nothing to import."""
        return len(self.graph)

    def report(self) -> ImportReport:
        """Counts of what :meth:`batches` yielded (all zero before it has run)."""
        return ImportReport(
            source=str(self.path),
            format=self.format,
            document_id=self.document.id,
            triples=len(self.graph),
            entities=self._counts["entity"],
            relations=self._counts["relation"],
            attribute_triples=self._counts["attribute"],
            schema_triples=self._counts["schema"],
            skipped=dict(sorted(self._skipped.items())),
            blank_nodes=len(self._bnodes),
            several_types=self._counts["several_types"],
            entity_types=len(self.schema.entity_types),
            relation_types=len(self.schema.relation_types),
        )

    def _id(self, node: Node) -> str:
        if isinstance(node, BNode):
            return self._bnodes[node]
        return entity_id_of(str(node))

    def _is_relation(self, predicate: Node, obj: Node) -> bool:
        relational = self._relational.get(predicate)
        if relational is None:  # a file has few predicates and many triples: classify each once
            relational = self._relational[predicate] = is_relation_predicate(predicate)
        return relational and is_resource(obj) and obj not in self._schema_nodes

    def _has_untyped_entities(self) -> bool:
        """Whether some entity has no class but a root one, and so needs the root type in the schema."""
        typed = {
            subject
            for subject, cls in self.graph.subject_objects(RDF.type)
            if cls not in ROOT_CLASSES and is_entity_class(cls)
        }
        return any(node not in typed for node in self._entity_nodes())

    def _entity_nodes(self) -> list[Node]:
        """Every subject that is not schema, and every resource a relation points at, in id order."""
        if self._nodes is None:
            self._nodes = self._find_entity_nodes()
        return self._nodes

    def _find_entity_nodes(self) -> list[Node]:
        nodes = {s for s in self.graph.subjects(unique=True) if s not in self._schema_nodes}
        targets = {o for s, p, o in self.graph if o not in nodes and s in nodes and self._is_relation(p, o)}
        return sorted(nodes | targets, key=self._id)

    def _entities(self, nodes: list[Node]) -> Iterator[Entity]:
        for node in nodes:
            self._counts["entity"] += 1
            yield self._entity(node)

    def _entity(self, node: Node) -> Entity:
        labels: list[tuple[int, int, str]] = []
        classes: set[str] = set()
        for predicate, obj in self.graph.predicate_objects(node):
            if predicate == RDF.type:
                self._counts["attribute"] += 1
                if is_entity_class(obj):
                    classes.add(
                        ROOT_TYPE if obj in ROOT_CLASSES else self.types.type_name(str(obj)) or ROOT_TYPE
                    )
            elif predicate in _LABEL_RANK and isinstance(obj, Literal):
                self._counts["attribute"] += 1
                if str(obj).strip():
                    labels.append((_language_rank(obj), _LABEL_RANK[predicate], str(obj).strip()))
            elif not self._is_relation(predicate, obj):
                self._skipped[str(predicate)] += 1
        entity_id = self._id(node)
        # A blank node's fallback name is its IRI's hash prefix, so unlabelled ones stay distinguishable.
        fallback = (
            f"blank node {local_name(entity_id)[:8]}" if isinstance(node, BNode) else display_name(entity_id)
        )
        name, aliases = _name_and_aliases(labels, fallback)
        return Entity(id=entity_id, type=self._most_specific(classes), name=name, aliases=aliases)

    def _most_specific(self, names: set[str]) -> str:
        """The one type to keep: the candidate no other candidate descends from (first by name on a tie)."""
        names = names - {ROOT_TYPE}
        if len(names) <= 1:
            return next(iter(names), ROOT_TYPE)
        self._counts["several_types"] += 1
        schema = self.schema
        leaves = [n for n in names if not any(o != n and schema.is_a(o, n) for o in names)]
        return sorted(leaves or names)[0]

    def _relations(self, nodes: list[Node]) -> Iterator[Relation]:
        for node in nodes:
            subject = self._id(node)
            pairs = [(p, o) for p, o in self.graph.predicate_objects(node) if self._is_relation(p, o)]
            for predicate, obj in sorted(pairs, key=lambda pair: (str(pair[0]), self._id(pair[1]))):
                self._counts["relation"] += 1
                yield Relation(
                    subject=subject,
                    predicate=self.types.relation_name(str(predicate)),  # type: ignore[arg-type]
                    object=self._id(obj),
                    evidence=self._evidence,
                )


def _name_and_aliases(labels: list[tuple[int, int, str]], fallback: str) -> tuple[str, tuple[str, ...]]:
    """The best name label (English/untagged, ``rdfs:label`` first), and every other label as an alias."""
    labels.sort()
    names = [label for label in labels if label[1] != _ALIAS_ONLY]
    name = names[0][2] if names else fallback
    # Sorted by text alone: an export writes every alias untagged, so the order survives a round trip.
    aliases = tuple(sorted({text for _, _, text in labels} - {name}))
    return name, aliases


def _language_rank(literal: Literal) -> int:
    """0 for English, 1 for no language tag, 2 for any other language."""
    if literal.language is None:
        return 1
    return 0 if literal.language.lower().split("-")[0] == "en" else 2


def _batch(items: list[Entity | Relation], document: Document | None) -> GraphBatch:
    return GraphBatch(
        documents=(document,) if document else (),
        entities=tuple(i for i in items if isinstance(i, Entity)),
        relations=tuple(i for i in items if isinstance(i, Relation)),
    )
