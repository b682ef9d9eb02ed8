"""Parse an ontology file into an rdflib graph; the one place rdflib's parse errors are translated.

rdflib's parsers fail with many exception types (Turtle's ``BadSyntax``, SAX's
``SAXParseException``, its own ``ParserError``, N-Triples' ``ParseError``, ``json``'s decode
error, and plain ``ValueError``/``KeyError``/``UnicodeDecodeError`` on odd input). Each becomes
one ``OntologyError`` line naming the file, the line when the parser knows it, what was wrong,
and which ``--format`` to try. Imports (``owl:imports``) are never followed: loading is offline.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from kgsynth.errors import OntologyError, OntologySyntaxError
from kgsynth.ontology.formats import FORMAT_NAMES

_RDFXML_LOCATION = re.compile(r":(\d+):(\d+): (.*)$", re.DOTALL)
_TURTLE_REASON = re.compile(r"Bad syntax \((.*?)\) at \^", re.DOTALL)
_MAX_REASON = 200
_HINTS = {
    "turtle": "If the file is RDF/XML, pass --format xml.",
    "n3": "If the file is RDF/XML, pass --format xml.",
    "xml": "If the file is Turtle, pass --format turtle.",
    "nt": "If the file is Turtle, pass --format turtle.",
    "json-ld": "If the file is Turtle, pass --format turtle.",
}


def read_graph(path: Path, rdf_format: str) -> Graph:
    """Parse ``path`` as ``rdf_format`` (an rdflib parser name) into a new graph.

    Raises:
        OntologyError: the file cannot be read or does not parse; the message names the file,
            the line if known, and the format to try instead.
    """
    graph = Graph()
    try:
        with path.open("rb") as stream:
            graph.parse(file=stream, format=rdf_format, publicID=path.absolute().as_uri())
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read the file ({exc.strerror or exc}).") from exc
    except Exception as exc:  # any parser failure on this input is a bad file, not our bug
        problem = parse_error_message(path, rdf_format, exc)
        raise OntologySyntaxError(problem, _HINTS.get(rdf_format, "")) from exc
    return graph


def parse_error_message(path: Path, rdf_format: str, exc: Exception) -> str:
    """One line: ``FILE, line N: not valid FORMAT (reason).``; the hint goes apart (OntologySyntaxError)."""
    line, reason = _line_and_reason(exc)
    where = f"{path}, line {line}" if line else str(path)
    name = FORMAT_NAMES.get(rdf_format, rdf_format)
    return f"{where}: not valid {name} ({_one_line(reason)})."


def _line_and_reason(exc: Exception) -> tuple[int | None, str]:
    if isinstance(exc, BadSyntax):
        found = _TURTLE_REASON.search(str(exc))
        return exc.lines + 1, found.group(1) if found else str(exc)
    if isinstance(exc, SAXParseException):
        return exc.getLineNumber(), exc.getMessage()
    lineno = getattr(exc, "lineno", None)  # json.JSONDecodeError
    if isinstance(lineno, int):
        return lineno, getattr(exc, "msg", str(exc))
    found = _RDFXML_LOCATION.search(str(exc))  # rdflib ParserError: "<uri>:<line>:<col>: <why>"
    if found:
        return int(found.group(1)), found.group(3)
    return None, str(exc) or type(exc).__name__


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_REASON else flat[: _MAX_REASON - 3] + "..."
