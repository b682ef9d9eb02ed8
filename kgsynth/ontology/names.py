"""Turn class and property IRIs into schema names: plain, unique identifiers that stores accept.

Names become Neo4j labels and relationship types, so they must match ``model.IDENTIFIER``, must
not clash with each other or with ``model.RESERVED_NAMES``. A name that would clash gets a
suffix derived from its IRI's hash, so the same IRI always gets the same name no matter what
else the ontology holds; the IRI itself is kept on the type.
"""

from __future__ import annotations

import re
import unicodedata

from kgsynth.model import RESERVED_NAMES, content_hash

_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_]+")


def local_name(iri: str) -> str:
    """The part of ``iri`` after its last ``#``, else its last ``/``, else its last ``:``."""
    stripped = iri.rstrip("/#")
    for separator in ("#", "/", ":"):
        if separator in stripped:
            return stripped.rsplit(separator, 1)[1]
    return stripped


def sanitise(name: str) -> str:
    """``name`` as an identifier: accents folded to ASCII, runs of other characters turned into ``_``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = _NOT_IDENTIFIER.sub("_", ascii_name).strip("_") or "unnamed"
    return f"_{cleaned}" if cleaned[0].isdigit() else cleaned


class NameAllocator:
    """Hands out unique identifiers for IRIs; call it in a fixed IRI order for fixed results."""

    def __init__(self, taken: frozenset[str] = frozenset()) -> None:
        self._taken = set(taken) | set(RESERVED_NAMES)
        self.renamed = 0

    def allocate(self, iri: str) -> str:
        """A name for ``iri``: its sanitised local name, or that plus an IRI-hash suffix on a clash."""
        base = sanitise(local_name(iri))
        name = base
        length = 6
        while name in self._taken:
            name = f"{base}_{content_hash(iri, length=length)}"
            length += 2
        if name != base:
            self.renamed += 1
        self._taken.add(name)
        return name
