"""``load_ontology``: an ontology file (or the name of a shipped one) -> ``model.Schema``.

This module decides what ``source`` means, picks the syntax, parses, converts and logs one
summary line; the steps themselves live in ``formats``, ``read``, ``convert`` and ``shipped``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

from rdflib.namespace import OWL

from kgsynth.errors import OntologyError, choices
from kgsynth.model import Schema
from kgsynth.ontology.convert import graph_to_schema
from kgsynth.ontology.formats import rdf_format
from kgsynth.ontology.read import read_graph
from kgsynth.ontology.shipped import shipped_ontologies, shipped_ontology_path

logger = logging.getLogger(__name__)

#: A bare word like "medical" names a shipped ontology rather than a file.
_SHIPPED_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def load_ontology(source: str | Path, *, format: str | None = None) -> Schema:
    """Read an OWL/RDFS ontology into a ``Schema`` of entity and relation types.

    Args:
        source: a path to a ``.ttl``, ``.owl``, ``.rdf``, ``.xml``, ``.nt``, ``.n3`` or
            ``.jsonld`` file, or the name of a shipped ontology (``"medical"``, ``"legal"``).
        format: the RDF syntax (``"turtle"``, ``"xml"``, ``"nt"``, ``"n3"``, ``"json-ld"``),
            overriding what the extension and content suggest.

    Raises:
        OntologyError: the file is missing, unreadable, not parseable (the message names the
            file and line), OBO rather than RDF, or declares no classes and no object properties.

    Example:
        >>> schema = load_ontology("medical")
        >>> schema.relation_type("treats").domain
        ('Drug',)
    """
    path = resolve_source(source)
    graph = read_graph(path, rdf_format(path, format))
    schema, skipped = graph_to_schema(graph, name=path.stem)
    imports = len(set(graph.objects(None, OWL.imports)))
    if not schema.entity_types and not schema.relation_types:
        raise OntologyError(_empty_message(path, len(graph), imports))
    if imports:
        skipped["owl:imports not followed"] += imports
    logger.info("%s", _summary(path, schema, skipped))
    return schema


def resolve_source(source: str | Path) -> Path:
    """The file ``source`` refers to: an existing path, or a shipped ontology's file by name.

    Raises:
        OntologyError: the path does not exist or is a directory, or no shipped ontology has that name.
    """
    path = Path(source)
    if isinstance(source, str) and _SHIPPED_NAME.fullmatch(source) and not path.exists():
        return shipped_ontology_path(source)
    if not path.exists():
        raise OntologyError(
            f'ontology file "{source}" does not exist. '
            f"Shipped ontologies, loadable by name: {choices(shipped_ontologies())}."
        )
    if path.is_dir():
        raise OntologyError(f'"{source}" is a directory; give the path of an ontology file in it.')
    return path


def _empty_message(path: Path, triples: int, imports: int) -> str:
    found = f"{path}: no owl:Class, rdfs:Class or owl:ObjectProperty found ({triples} triples read)."
    if imports:
        return (
            f"{found} It only owl:imports {imports} other modules, which are not followed: "
            "load those module files instead."
        )
    return f"{found} Is this an ontology (classes and properties) rather than instance data?"


def _summary(path: Path, schema: Schema, skipped: Counter[str]) -> str:
    left_out = ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
    return (
        f"ontology {path.name}: {len(schema.entity_types)} entity types, "
        f"{len(schema.relation_types)} relations; left out: {left_out or 'nothing'}"
    )
