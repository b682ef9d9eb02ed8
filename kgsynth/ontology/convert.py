"""Map the classes and object properties of an rdflib graph onto ``model.Schema``.

What becomes what:
``owl:Class`` / ``rdfs:Class`` -> ``EntityType``; named ``rdfs:subClassOf`` targets -> parents
(``owl:Thing`` is the implicit root, ``model.ROOT_TYPE``); ``owl:ObjectProperty`` (and the OWL
property characteristics that imply it, and any ``rdf:Property`` whose range is a class) ->
``RelationType`` with domain and range (``owl:unionOf`` lists are unfolded; several
``rdfs:domain`` statements are read as alternatives, which is how they are usually meant);
``owl:FunctionalProperty`` / ``owl:SymmetricProperty`` -> the flags; ``owl:inverseOf`` in either
direction -> ``inverse_of`` on both properties; ``rdfs:subPropertyOf`` a loaded property ->
``implies``, and ``rdfs:subPropertyOf [ owl:inverseOf q ]`` (OWL 2's inverse property
expression) -> ``implies_inverse``.

Everything left out is counted by reason (deprecated terms, restrictions, datatype properties,
references to classes the file does not declare, ...) so the loader can report it: nothing is
dropped silently. Output is sorted by name, so the same file always gives the same schema.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kgsynth.model import ROOT_TYPE, EntityType, RelationType, Schema
from kgsynth.ontology.names import NameAllocator
from kgsynth.ontology.terms import read_terms

CLASS_TYPES = (OWL.Class, RDFS.Class)
#: Property types that make a property an object property (OWL 2 characteristics included).
OBJECT_PROPERTY_TYPES = (
    OWL.ObjectProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.TransitiveProperty,
    OWL.InverseFunctionalProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
)
#: Property types that are relations only when their range is a class.
MAYBE_OBJECT_PROPERTY_TYPES = (RDF.Property, OWL.FunctionalProperty)
NON_OBJECT_PROPERTY_TYPES = {
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}
ANY_CLASS = (OWL.Thing, RDFS.Resource)
_BUILTIN_NAMESPACES = tuple(str(ns) for ns in (OWL, RDF, RDFS, XSD))
_TRUE = {"true", "1"}


def graph_to_schema(graph: Graph, name: str) -> tuple[Schema, Counter[str]]:
    """The schema of ``graph``, and how many things were left out, by reason."""
    skipped: Counter[str] = Counter()
    class_iris = _live(graph, _subjects_typed(graph, CLASS_TYPES), "deprecated class", skipped)
    properties = _object_properties(graph, set(class_iris), skipped)
    property_iris = _live(graph, properties, "deprecated property", skipped)
    class_allocator = NameAllocator(frozenset({ROOT_TYPE}))
    class_names = {iri: class_allocator.allocate(str(iri)) for iri in class_iris}
    relation_allocator = NameAllocator()
    relation_names = {iri: relation_allocator.allocate(str(iri)) for iri in property_iris}
    skipped["name made unique (IRI kept)"] += class_allocator.renamed + relation_allocator.renamed
    entity_types = [_entity_type(graph, iri, class_names, skipped) for iri in class_iris]
    relation_types = [
        _relation_type(graph, iri, class_names, relation_names, skipped) for iri in property_iris
    ]
    schema = Schema(
        name=name,
        iri=_ontology_iri(graph),
        entity_types=tuple(sorted(entity_types, key=lambda t: t.name)),
        relation_types=tuple(sorted(relation_types, key=lambda r: r.name)),
    )
    return schema, +skipped  # unary + drops zero counts


def _subjects_typed(graph: Graph, types: Iterable[URIRef]) -> set[URIRef]:
    return {
        subject
        for rdf_type in types
        for subject in graph.subjects(RDF.type, rdf_type)
        if isinstance(subject, URIRef) and not str(subject).startswith(_BUILTIN_NAMESPACES)
    }


def _live(graph: Graph, iris: set[URIRef], reason: str, skipped: Counter[str]) -> list[URIRef]:
    """``iris`` without the deprecated ones, sorted by IRI (allocation order decides clashes)."""
    deprecated = {iri for iri in iris if _is_deprecated(graph, iri)}
    skipped[reason] += len(deprecated)
    return sorted(iris - deprecated, key=str)


def _is_deprecated(graph: Graph, iri: URIRef) -> bool:
    return any(
        isinstance(flag, Literal) and str(flag).strip().lower() in _TRUE
        for flag in graph.objects(iri, OWL.deprecated)
    )


def _object_properties(graph: Graph, classes: set[URIRef], skipped: Counter[str]) -> set[URIRef]:
    found = _subjects_typed(graph, OBJECT_PROPERTY_TYPES)
    excluded: set[URIRef] = set()
    for rdf_type, reason in NON_OBJECT_PROPERTY_TYPES.items():
        typed = _subjects_typed(graph, (rdf_type,)) - found
        skipped[reason] += len(typed)
        excluded |= typed
    for prop in _subjects_typed(graph, MAYBE_OBJECT_PROPERTY_TYPES) - found - excluded:
        if any(_is_class_like(graph, node, classes) for node in graph.objects(prop, RDFS.range)):
            found.add(prop)
        else:
            skipped["property without a class range"] += 1
    return found


def _is_class_like(graph: Graph, node: object, classes: set[URIRef]) -> bool:
    if isinstance(node, BNode):
        return (node, OWL.unionOf, None) in graph
    return node in classes or node in ANY_CLASS


def _entity_type(
    graph: Graph, iri: URIRef, class_names: dict[URIRef, str], skipped: Counter[str]
) -> EntityType:
    parents: set[str] = set()
    for parent in graph.objects(iri, RDFS.subClassOf):
        if parent == iri:
            skipped["subclass of itself"] += 1
        elif parent in class_names:
            parents.add(class_names[parent])
        elif parent in ANY_CLASS:
            continue  # the implicit root
        elif isinstance(parent, BNode):
            skipped["anonymous superclass (restriction or class expression)"] += 1
        else:
            skipped["superclass that is not a loaded class"] += 1
    terms = read_terms(graph, iri, skipped)
    return EntityType(
        name=class_names[iri],
        iri=str(iri),
        label=terms.label,
        synonyms=terms.synonyms,
        parents=tuple(sorted(parents)),
        description=terms.description,
    )


def _relation_type(
    graph: Graph,
    iri: URIRef,
    class_names: dict[URIRef, str],
    relation_names: dict[URIRef, str],
    skipped: Counter[str],
) -> RelationType:
    terms = read_terms(graph, iri, skipped)
    implies, implies_inverse = _super_properties(graph, iri, relation_names, skipped)
    return RelationType(
        name=relation_names[iri],
        iri=str(iri),
        label=terms.label,
        synonyms=terms.synonyms,
        domain=_class_set(graph, graph.objects(iri, RDFS.domain), class_names, skipped),
        range=_class_set(graph, graph.objects(iri, RDFS.range), class_names, skipped),
        functional=(iri, RDF.type, OWL.FunctionalProperty) in graph,
        symmetric=(iri, RDF.type, OWL.SymmetricProperty) in graph,
        inverse_of=_inverse(graph, iri, relation_names, skipped),
        implies=implies,
        implies_inverse=implies_inverse,
        description=terms.description,
    )


def _class_set(
    graph: Graph, nodes: Iterable[object], class_names: dict[URIRef, str], skipped: Counter[str]
) -> tuple[str, ...]:
    """Names of the classes ``nodes`` denote; empty (= any class) if any of them is not resolvable."""
    names: set[str] = set()
    for node in nodes:
        resolved = _resolve_classes(graph, node, class_names)
        if resolved is None:
            skipped["domain/range that is not a loaded class (read as any)"] += 1
            return ()
        names |= resolved
    return () if ROOT_TYPE in names else tuple(sorted(names))


def _resolve_classes(graph: Graph, node: object, class_names: dict[URIRef, str]) -> set[str] | None:
    """``{name}`` for a loaded class, the members of an ``owl:unionOf``, ``{ROOT_TYPE}`` for any, or None."""
    if node in ANY_CLASS:
        return {ROOT_TYPE}
    if isinstance(node, URIRef):
        return {class_names[node]} if node in class_names else None
    union = graph.value(node, OWL.unionOf) if isinstance(node, BNode) else None
    if union is None:
        return None
    names: set[str] = set()
    for member in Collection(graph, union):
        resolved = _resolve_classes(graph, member, class_names)
        if resolved is None:
            return None
        names |= resolved
    return names


def _inverse(
    graph: Graph, iri: URIRef, relation_names: dict[URIRef, str], skipped: Counter[str]
) -> str | None:
    partners = set(graph.objects(iri, OWL.inverseOf)) | set(graph.subjects(OWL.inverseOf, iri))
    known = sorted(relation_names[p] for p in partners if p in relation_names)
    skipped["inverse that is not a loaded property"] += sum(
        1 for p in partners if isinstance(p, URIRef) and p not in relation_names
    )
    return known[0] if known else None


def _super_properties(
    graph: Graph, iri: URIRef, relation_names: dict[URIRef, str], skipped: Counter[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The loaded properties ``iri`` is a sub-property of: ``(as stated, of their inverse)``."""
    direct: set[str] = set()
    inverse: set[str] = set()
    for parent in graph.objects(iri, RDFS.subPropertyOf):
        if isinstance(parent, URIRef) and parent in relation_names:
            direct.add(relation_names[parent])
            continue
        of = graph.value(parent, OWL.inverseOf) if isinstance(parent, BNode) else None
        if of is not None and of in relation_names:
            inverse.add(relation_names[of])
        elif parent not in (OWL.topObjectProperty,):
            skipped["super-property that is not a loaded property"] += 1
    direct.discard(relation_names[iri])
    return tuple(sorted(direct)), tuple(sorted(inverse))


def _ontology_iri(graph: Graph) -> str:
    iris = sorted(str(s) for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))
    return iris[0] if iris else ""
