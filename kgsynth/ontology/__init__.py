"""Ontologies: OWL/RDFS files (or the shipped "medical" and "legal") -> ``model.Schema``, and checks on it."""

from kgsynth.ontology.check import check_ontology, hierarchy_depth, subclass_cycles
from kgsynth.ontology.load import load_ontology, resolve_source
from kgsynth.ontology.shipped import shipped_ontologies, shipped_ontology_path

__all__ = [
    "check_ontology",
    "hierarchy_depth",
    "load_ontology",
    "resolve_source",
    "shipped_ontologies",
    "shipped_ontology_path",
    "subclass_cycles",
]
