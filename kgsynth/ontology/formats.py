"""Which RDF syntax an ontology file is in, and which syntaxes we refuse with a useful message.

The extension decides where it is unambiguous. ``.owl`` and ``.rdf`` are used for both RDF/XML
and Turtle in the wild, so for those (and for unknown extensions) the first few kilobytes are
sniffed. OBO flat files, OWL/XML and the OWL functional/Manchester syntaxes are not RDF that
rdflib can read; they are recognised here so the user gets told what to do instead of a
baffling Turtle parse error.
"""

from __future__ import annotations

import re
from pathlib import Path

from kgsynth.errors import OntologyError, choices

#: rdflib parser names, keyed by every spelling we accept for ``format``.
FORMAT_ALIASES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "xml": "xml",
    "rdfxml": "xml",
    "rdf/xml": "xml",
    "application/rdf+xml": "xml",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "n3": "n3",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
}

#: Human names of the rdflib formats, for error messages.
FORMAT_NAMES = {"turtle": "Turtle", "xml": "RDF/XML", "nt": "N-Triples", "n3": "N3", "json-ld": "JSON-LD"}

_BY_EXTENSION = {".ttl": "turtle", ".xml": "xml", ".nt": "nt", ".n3": "n3", ".jsonld": "json-ld"}
_SNIFF_BYTES = 8192
_XML_START = re.compile(r"<(\?xml|!|[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?[\s>/])")
_RDF_XML_MARK = re.compile(r"<(rdf:)?RDF\b|rdf:about=|<rdf:Description\b")
_OWL_XML_ROOT = re.compile(r"<(owl:)?Ontology\b")
_OBO_START = re.compile(r"(format-version:|data-version:|\[Term\])")
_FUNCTIONAL_START = re.compile(r"(Prefix|Ontology)\(")
_MANCHESTER_START = re.compile(r"(Prefix|Ontology):")


def rdf_format(path: Path, explicit: str | None = None) -> str:
    """The rdflib parser name for ``path``: ``explicit`` if given, else from extension and content.

    Raises:
        OntologyError: ``explicit`` is not a format we read, or the file is in a syntax rdflib
            cannot read (OBO, OWL/XML, OWL functional or Manchester syntax).
    """
    if explicit is not None:
        return _explicit_format(explicit, path)
    suffix = path.suffix.lower()
    if suffix == ".obo":
        raise OntologyError(_obo_message(path))
    if suffix in _BY_EXTENSION:
        return _BY_EXTENSION[suffix]
    return sniff_format(path)


def sniff_format(path: Path) -> str:
    """Tell RDF/XML from Turtle by the file's first bytes; refuse syntaxes rdflib cannot read."""
    try:
        with path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read the file ({exc.strerror or exc}).") from exc
    text = head.lstrip("\ufeff \t\r\n")
    if _OBO_START.match(text):
        raise OntologyError(_obo_message(path))
    if _FUNCTIONAL_START.match(text) or _MANCHESTER_START.match(text):
        raise OntologyError(_unsupported_message(path, "the OWL functional or Manchester syntax"))
    if _XML_START.match(text):
        if not _RDF_XML_MARK.search(text) and _OWL_XML_ROOT.search(text):
            raise OntologyError(_unsupported_message(path, "OWL/XML"))
        return "xml"
    return "turtle"


def _explicit_format(explicit: str, path: Path) -> str:
    key = explicit.strip().lower()
    if key == "obo":
        raise OntologyError(_obo_message(path))
    if key not in FORMAT_ALIASES:
        raise OntologyError(
            f'format "{explicit}" is not an RDF format kgsynth reads. Formats: {choices(FORMAT_ALIASES)}.'
        )
    return FORMAT_ALIASES[key]


def _obo_message(path: Path) -> str:
    sibling = path.with_suffix(".owl")
    where = f" ({sibling.name} is next to it)" if sibling.exists() else ""
    return (
        f"{path}: OBO flat-file format is not RDF, so it cannot be loaded. "
        f"Use the OWL version of the ontology instead{where}; OBO Foundry ontologies publish both."
    )


def _unsupported_message(path: Path, syntax: str) -> str:
    return (
        f"{path}: the file is in {syntax}, which rdflib cannot read. "
        "Save it as RDF/XML or Turtle (e.g. with Protégé or `robot convert`) and load that."
    )
