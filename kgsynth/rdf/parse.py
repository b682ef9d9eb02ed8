"""Reading an RDF file into an rdflib ``Graph``: the one place kgsynth calls rdflib's parsers.

The format comes from the caller or from the file name; ``.owl``, ``.rdf`` and ``.xml`` files
are sniffed, because in practice they hold Turtle about as often as RDF/XML. Every failure
(missing file, wrong encoding, bad syntax) becomes an ``InputError`` that names the file and,
where the parser knows it, the line.
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
import xml.sax
from pathlib import Path

from rdflib import Graph
from rdflib.exceptions import Error as RdflibError
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.parsers.ntriples import W3CNTriplesParser

from kgsynth.errors import InputError, choices

logger = logging.getLogger(__name__)

#: Format names a user may give, by alias; values are kgsynth's canonical names.
FORMAT_ALIASES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "xml": "xml",
    "rdfxml": "xml",
    "rdf/xml": "xml",
    "rdf-xml": "xml",
    "owl": "xml",
    "n3": "n3",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "jsonl": "jsonl",
}
#: kgsynth format name -> rdflib parser name (``jsonl`` is ours, not RDF).
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "xml": "xml", "n3": "n3", "json-ld": "json-ld"}
_BY_EXTENSION = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".n3": "n3",
    ".jsonld": "json-ld",
    ".jsonl": "jsonl",
}
_SNIFFED_EXTENSIONS = (".owl", ".rdf", ".xml")
_XML_START = re.compile(r"^(?:<\?xml|<!DOCTYPE|<!--|<[A-Za-z_][\w.-]*(?::[\w.-]+)?[\s>/])")
_FUNCTIONAL_SYNTAX_START = re.compile(r"^(?:Prefix|Ontology)\s*\(")
_FORMAT_TITLES = {
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "xml": "RDF/XML",
    "n3": "N3",
    "json-ld": "JSON-LD",
}
_HINT = "Check the syntax, or pass --format if the file is in another RDF syntax ({})."


def canonical_format(name: str) -> str:
    """The canonical name of a format a user gave; raises ``InputError`` listing the valid ones."""
    try:
        return FORMAT_ALIASES[name.strip().lower()]
    except KeyError:
        raise InputError(
            f'unknown RDF format "{name}". Formats: {choices(set(FORMAT_ALIASES.values()))}.'
        ) from None


def detect_format(path: Path, format: str | None = None) -> str:
    """The canonical format of ``path``: ``format`` if given, else from its extension or first bytes.

    Raises:
        InputError: the format is unknown, or the extension says nothing and none was given.
    """
    if format:
        return canonical_format(format)
    suffix = path.suffix.lower()
    if suffix in _BY_EXTENSION:
        return _BY_EXTENSION[suffix]
    if suffix in _SNIFFED_EXTENSIONS:
        return _sniff(path)
    raise InputError(
        f'{path}: cannot tell the RDF format from the extension "{suffix}". '
        f"Pass --format ({choices(set(FORMAT_ALIASES.values()))})."
    )


def _sniff(path: Path) -> str:
    head = _read_head(path).lstrip("\ufeff \t\r\n")
    if _FUNCTIONAL_SYNTAX_START.match(head):
        raise InputError(
            f"{path}: OWL functional syntax is not supported. "
            "Save the ontology as RDF/XML or Turtle (e.g. with Protégé or ROBOT) and import that."
        )
    return "xml" if _XML_START.match(head) else "turtle"


def _read_head(path: Path, size: int = 2048) -> str:
    check_readable(path)
    try:
        with path.open("rb") as handle:
            return handle.read(size).decode("utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc


def check_readable(path: Path) -> None:
    """Raise ``InputError`` unless ``path`` is an existing file."""
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    if not path.is_file():
        raise InputError(f"{path}: not a file.")


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the file's bytes, read in blocks so a large file never sits in memory twice."""
    check_readable(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    return digest.hexdigest()


def parse_rdf(path: Path, format: str) -> Graph:
    """Parse ``path`` (of canonical ``format``) into a new in-memory rdflib ``Graph``.

    Raises:
        InputError: the file is missing or unreadable, or not valid in ``format``; the message
            names the file and, when the parser reports one, the line.
    """
    check_readable(path)
    # SimpleMemory keeps no per-triple context sets: less memory and about twice the iteration
    # speed of rdflib's default store. rdflib's JSON-LD parser insists on a context-aware store.
    graph = Graph(store="Memory" if format == "json-ld" else "SimpleMemory")
    try:
        with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(str(path), format=RDFLIB_FORMATS[format])
    except BadSyntax as exc:
        raise _syntax_error(path, format, exc.lines + 1, exc._why) from exc
    except xml.sax.SAXParseException as exc:
        raise _syntax_error(path, format, exc.getLineNumber(), exc.getMessage()) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}); RDF files must be UTF-8.") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    except IndexError as exc:
        # rdflib's Turtle/N3 tokenizer indexes past the end of a truncated statement.
        raise _syntax_error(path, format, None, "unexpected end of input") from exc
    except (RdflibError, ValueError) as exc:
        line = _first_bad_ntriples_line(path) if format == "ntriples" else getattr(exc, "lineno", None)
        raise _syntax_error(path, format, line, str(exc)) from exc
    logger.debug("parsed %s as %s: %d triples", path, format, len(graph))
    return graph


def _syntax_error(path: Path, format: str, line: int | None, why: str) -> InputError:
    where = f"{path}, line {line}" if line else str(path)
    why = " ".join(str(why).split())
    if len(why) > 200:
        why = why[:200] + "..."
    other = sorted(set(RDFLIB_FORMATS) - {format})
    return InputError(
        f"{where}: not valid {_FORMAT_TITLES[format]} ({why}). " + _HINT.format(", ".join(other))
    )


class _NullSink:
    def triple(self, s: object, p: object, o: object) -> None:
        """Discard the triple: we only want to know whether the line parses."""


def _first_bad_ntriples_line(path: Path) -> int | None:
    """The number of the first line that is not valid N-Triples (rdflib's error does not say)."""
    parser = W3CNTriplesParser(_NullSink())  # type: ignore[arg-type]
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                parser.parsestring(line)
            except (RdflibError, ValueError):
                return number
    return None
