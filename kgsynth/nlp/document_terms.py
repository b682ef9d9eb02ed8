"""Document-scoped terms: words a document defines for itself ("the Company", "Licensee", "this Agreement").

Such a term names one entity *within its document* (the party or contract it was defined
for), never a global entity and never a global alias: an entity named "Agreement", or
"Agreement" as an alias of every agreement, makes every "the agreement" anywhere link to it
(issue 11). A term is document-scoped when, without a leading determiner, it is an entity
type's label (or its plural) of the schema, or is listed under ``document_terms`` in the
ontology's patterns file (``ontologies/legal.patterns.yaml``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from kgsynth.errors import InputError
from kgsynth.model import Schema

_DETERMINERS = re.compile(r"^(?:the|this|that|such|said|each|any|a|an|our|its)\s+", re.IGNORECASE)
_QUOTES = "\"'“”‘’"


class DocumentTerms:
    """Tells document-scoped terms from names."""

    def __init__(self, schema: Schema, listed: frozenset[str] = frozenset()) -> None:
        nouns = set(listed)
        for entity_type in schema.entity_types:
            label = (entity_type.label or entity_type.name).lower()
            nouns |= {label, label + "s", label[:-1] + "ies" if label.endswith("y") else label}
        self.nouns = frozenset(nouns)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bare(name) in self.nouns


def bare(name: str) -> str:
    """The term without quotes, case and a leading determiner: 'the "Company"' -> "company"."""
    text = " ".join(name.strip().strip(_QUOTES).split()).lower()
    return _DETERMINERS.sub("", text).strip(_QUOTES)


def document_terms(schema: Schema, patterns: Path | None) -> DocumentTerms:
    """The document-scoped terms of ``schema`` and of its patterns file's ``document_terms`` list.

    Raises:
        InputError: the list is not a list of strings (the file is named).
    """
    return DocumentTerms(schema, _listed(str(patterns)) if patterns is not None else frozenset())


@lru_cache(maxsize=16)
def _listed(path: str) -> frozenset[str]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the document terms ({exc})") from exc
    items = raw.get("document_terms", []) if isinstance(raw, dict) else []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputError(f'{path}: "document_terms" must be a list of words')
    return frozenset(bare(i) for i in items)
