"""Every error kgsynth raises on purpose, in one tree.

The CLI turns any ``KgsynthError`` into one line and a non-zero exit code; anything
else keeps its traceback because it is a bug. Errors from the libraries below us
(sqlite3, neo4j, rdflib, jinja2, openai, spaCy) are caught in the one module that
calls that library and re-raised ``from`` the original in our words.

    KgsynthError
    ├── ConfigError            a setting in kgsynth.toml, the environment or a flag is wrong
    ├── InputError             an input file is missing, unreadable or malformed
    │   └── OntologyError      an ontology cannot be read or makes no sense
    ├── SchemaError            a name is not in the ontology / graph schema
    │   ├── UnknownEntityTypeError
    │   └── UnknownRelationError
    ├── StoreError             the graph store failed or refused a write (the batch was rolled back)
    │   ├── StoreConnectionError   the store cannot be reached or refused the credentials
    │   └── MissingDependencyError an optional extra is not installed
    ├── ExtractionError        document -> graph failed
    ├── WalkError              the graph cannot give the fact paths asked for
    ├── TemplateError          a template is missing, broken or lacks a variable
    ├── GenerationError        samples could not be made as asked
    └── CheckError             a sample cannot be checked against the graph
"""

from __future__ import annotations

from collections.abc import Iterable


class KgsynthError(Exception):
    """Root of every error kgsynth raises on purpose."""


class ConfigError(KgsynthError):
    """A setting is wrong; the message names the setting and what would be valid."""


class InputError(KgsynthError):
    """An input file is missing, unreadable or malformed; the message names the file (and line)."""


class OntologyError(InputError):
    """An ontology cannot be read or is inconsistent."""


class SchemaError(KgsynthError):
    """A type or relation name is not known to the schema in use."""


class UnknownEntityTypeError(SchemaError):
    """An entity type is not in the ontology."""


class UnknownRelationError(SchemaError):
    """A relation name is not in the ontology."""


class StoreError(KgsynthError):
    """The graph store failed; any batch in flight was rolled back."""


class StoreConnectionError(StoreError):
    """The store cannot be reached, or it refused the credentials."""


class MissingDependencyError(StoreError):
    """An optional dependency is needed; the message names the extra to install."""


class ExtractionError(KgsynthError):
    """Turning documents into graph facts failed."""


class WalkError(KgsynthError):
    """The graph cannot give the fact paths that were asked for."""


class TemplateError(KgsynthError):
    """A template is missing, does not parse, or lacks a variable."""


class GenerationError(KgsynthError):
    """Samples could not be produced as asked."""


class CheckError(KgsynthError):
    """A sample or claim cannot be checked against the graph."""


def choices(names: Iterable[str], limit: int = 12) -> str:
    """Format valid choices for an error message: sorted, comma-separated, elided past ``limit``."""
    ordered = sorted(set(names))
    if not ordered:
        return "(none)"
    shown = ", ".join(ordered[:limit])
    return shown if len(ordered) <= limit else f"{shown}, ... ({len(ordered)} in all)"
