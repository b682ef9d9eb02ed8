"""Which parts of an RDF graph are data and which describe a vocabulary.

An imported file may mix an ontology (classes, properties, OWL axioms) with the instances
described by it. Only the instances become entities; classes and properties become schema
types, and the axioms about them are counted and skipped. This module draws that line.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kgsynth.rdf.names import ALIAS_PREDICATES, NAME_PREDICATES, is_vocabulary

#: Classes that stand for "any thing" and so give an entity kgsynth's root type.
ROOT_CLASSES = frozenset({OWL.Thing, RDFS.Resource})
#: Vocabulary classes an individual may carry without that saying anything about its type.
NEUTRAL_CLASSES = frozenset({OWL.NamedIndividual}) | ROOT_CLASSES
#: Predicates whose subjects are classes, properties or OWL structure, never entities.
SCHEMA_PREDICATES = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.disjointWith,
        OWL.onProperty,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.unionOf,
        OWL.intersectionOf,
        OWL.complementOf,
        OWL.oneOf,
        OWL.members,
        OWL.propertyChainAxiom,
        RDF.first,
        RDF.rest,
    }
)
_LABEL_PREDICATES = frozenset(NAME_PREDICATES) | frozenset(ALIAS_PREDICATES)


def schema_nodes(graph: Graph) -> set[Node]:
    """Every class, property and OWL structure node of ``graph``: the nodes that are not data.

    These are: objects of ``rdf:type``, subjects typed with a vocabulary class (``owl:Class``,
    ``owl:ObjectProperty``...), every predicate, and the nodes linked by ``rdfs:subClassOf``
    and the other axioms of :data:`SCHEMA_PREDICATES`.
    """
    nodes: set[Node] = {RDF.nil}
    for subject, cls in graph.subject_objects(RDF.type):
        nodes.add(cls)
        if isinstance(cls, URIRef) and is_vocabulary(str(cls)) and cls not in NEUTRAL_CLASSES:
            nodes.add(subject)
    nodes.update(graph.predicates(unique=True))
    for predicate in SCHEMA_PREDICATES:
        for subject, obj in graph.subject_objects(predicate):
            nodes.add(subject)
            if predicate in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.inverseOf):
                nodes.add(obj)
    return nodes


def is_resource(node: Node) -> bool:
    """Whether ``node`` can be an entity (an IRI or blank node, not a literal)."""
    return isinstance(node, (URIRef, BNode))


def is_relation_predicate(predicate: Node) -> bool:
    """Whether triples with ``predicate`` may be relations (it is not RDF/RDFS/OWL or a label)."""
    return (
        isinstance(predicate, URIRef)
        and not is_vocabulary(str(predicate))
        and predicate not in _LABEL_PREDICATES
    )


def is_entity_class(cls: Node) -> bool:
    """Whether an ``rdf:type`` object types an entity (a non-vocabulary class IRI or a root class)."""
    return isinstance(cls, URIRef) and (cls in ROOT_CLASSES or not is_vocabulary(str(cls)))


def is_literal(node: Node) -> bool:
    """Whether ``node`` is a literal value."""
    return isinstance(node, Literal)
