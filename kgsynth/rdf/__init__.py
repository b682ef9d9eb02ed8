"""RDF in and out of the graph store: ``import_rdf`` loads a knowledge graph, ``export_graph`` writes one.

Import reads Turtle, N-Triples, RDF/XML, N3, JSON-LD or kgsynth's JSONL dump; export writes
Turtle, N-Triples or JSONL. IRIs stay entity ids, so import -> export -> import gives the
same graph; JSONL also keeps evidence and negated relations, which RDF cannot state.
"""

from __future__ import annotations

from kgsynth.rdf.jsonl import JsonlSource, read_jsonl
from kgsynth.rdf.load import import_rdf
from kgsynth.rdf.read import RdfSource, read_rdf
from kgsynth.rdf.report import ExportReport, ImportReport
from kgsynth.rdf.write import ExportFormat, export_graph

__all__ = [
    "ExportFormat",
    "ExportReport",
    "ImportReport",
    "JsonlSource",
    "RdfSource",
    "export_graph",
    "import_rdf",
    "read_jsonl",
    "read_rdf",
]
