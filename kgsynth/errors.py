"""Every error kgsynth raises on purpose, in one tree.

The CLI turns any ``KgsynthError`` into one line and a non-zero exit code; anything
else keeps its traceback because it is a bug. Errors from the libraries below us
(sqlite3, neo4j, rdflib, jinja2, openai, spaCy) are caught in the one module that
calls that library and re-raised ``from`` the original in our words.

    KgsynthError
    ├── ConfigError            a setting in kgsynth.toml, the environment or a flag is wrong
    ├── InputError             an input file is missing, unreadable or malformed
    │   └── OntologyError      an ontology cannot be read or makes no sense
    │       └── OntologySyntaxError  it does not parse (``problem`` and ``hint`` apart)
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
    ├── CheckError             a sample cannot be checked against the graph
    └── LLMError               a language-model endpoint failed or its output was unusable
        ├── EndpointUnreachableError  no connection (or only timeouts) after every attempt
        ├── LLMAuthError              the endpoint refused the API key (401/403)
        ├── UnknownModelError         the endpoint does not serve the model (404)
        ├── LLMRequestError           the endpoint refused the request or kept failing
        ├── BudgetExceededError       the cost or token budget is spent
        ├── HighErrorRateError        too many recent requests failed; the run stops early
        └── MalformedOutputError      a reply is not the JSON asked for (``reason`` says why)
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


class OntologySyntaxError(OntologyError):
    """An ontology file does not parse: ``problem`` says where and why, ``hint`` what to try.

    The two are kept apart because the hint names the ``format`` option, which only some
    commands have: the others report ``problem`` alone.
    """

    def __init__(self, problem: str, hint: str = "") -> None:
        super().__init__(f"{problem} {hint}".rstrip())
        self.problem = problem
        self.hint = hint


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


class LLMError(KgsynthError):
    """A language-model endpoint failed, or its output could not be used."""


class EndpointUnreachableError(LLMError):
    """The endpoint could not be reached (connection refused, DNS, timeouts) after every attempt."""


class LLMAuthError(LLMError):
    """The endpoint refused the API key (HTTP 401 or 403)."""


class UnknownModelError(LLMError):
    """The endpoint does not serve the requested model (HTTP 404)."""


class LLMRequestError(LLMError):
    """The endpoint refused the request (4xx) or kept failing (5xx) until attempts ran out."""


class BudgetExceededError(LLMError):
    """The cost or token budget is spent; no new request is scheduled."""


class HighErrorRateError(LLMError):
    """Too many recent requests to one endpoint failed, so the run stops early."""


class MalformedOutputError(LLMError):
    """A reply is not the structured output asked for; ``reason`` names the kind of failure."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
