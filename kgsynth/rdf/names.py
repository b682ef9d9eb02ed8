"""How kgsynth names meet IRIs: local names, identifiers, and the IRIs we mint for our own ids.

Imported RDF keeps its IRIs as entity ids, so an export writes them back unchanged. Ids that
kgsynth made itself (``Drug:aspirin``) and schema names without an IRI get an IRI under
``https://kgsynth.dev/``; an import turns those minted IRIs back into the original id or name,
so a graph survives export -> import unchanged.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from rdflib import OWL, RDF, RDFS, SKOS, XSD

from kgsynth.model import RESERVED_NAMES, ROOT_TYPE

#: Namespace for entity ids that are not IRIs (``Drug:aspirin`` -> ``.../entity/Drug%3Aaspirin``).
ENTITY_NS = "https://kgsynth.dev/entity/"
#: Namespace for entity types and relations whose schema entry has no IRI.
SCHEMA_NS = "https://kgsynth.dev/schema/"
#: Namespace for skolemised blank nodes: ``.../bnode/<file hash>/<structure hash>``.
BNODE_NS = "https://kgsynth.dev/bnode/"

#: Namespaces whose terms describe a vocabulary rather than the graph's own things.
VOCABULARY_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))

_ABSOLUTE_IRI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|urn:)[^\s<>\"{}|\\^`]+$")
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_]")


def is_absolute_iri(value: str) -> bool:
    """Whether ``value`` can be written as an IRI as it is.

    Only ``scheme://...`` and ``urn:`` count: ``Drug:aspirin`` or ``MESH:D001241`` are
    syntactically IRIs too, but they are our ids and CURIEs, and must be minted instead.
    """
    return bool(_ABSOLUTE_IRI.match(value))


def entity_iri(entity_id: str) -> str:
    """The IRI an entity is exported under: its id if that is an IRI, else a minted one."""
    return entity_id if is_absolute_iri(entity_id) else ENTITY_NS + quote(entity_id, safe="")


def entity_id_of(iri: str) -> str:
    """The entity id an imported IRI stands for: the IRI itself, or the id we once minted it from."""
    if iri.startswith(ENTITY_NS) and len(iri) > len(ENTITY_NS):
        return unquote(iri[len(ENTITY_NS) :])
    return iri


def schema_iri(name: str, iri: str = "") -> str:
    """The IRI of an entity type or relation: its own if the schema has one, else a minted one."""
    return iri or SCHEMA_NS + name


def minted_schema_name(iri: str) -> str | None:
    """The schema name behind an IRI minted by :func:`schema_iri`, or None if it is not one."""
    if iri.startswith(SCHEMA_NS):
        name = iri[len(SCHEMA_NS) :]
        if name and not _NOT_IDENTIFIER.search(name) and not name[0].isdigit():
            return name
    return None


def local_name(iri: str) -> str:
    """The part of ``iri`` after its last ``#``, ``/`` or ``:``, percent-decoded (the IRI if none)."""
    stripped = iri.rstrip("/#")
    cut = max(stripped.rfind("#"), stripped.rfind("/"), stripped.rfind(":"))
    return unquote(stripped[cut + 1 :]) or iri


def namespace_of(iri: str) -> str:
    """The namespace part of ``iri``: everything up to and including its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else iri


def display_name(iri: str) -> str:
    """A readable entity name when a resource has no label: its local name, ``_`` as spaces."""
    return " ".join(local_name(iri).replace("_", " ").split()) or iri


def identifier(text: str) -> str:
    """``text`` made a schema name (``model.IDENTIFIER``): other characters become ``_``."""
    name = _NOT_IDENTIFIER.sub("_", text) or "_"
    return "_" + name if name[0].isdigit() else name


def unique_identifier(text: str, taken: set[str]) -> str:
    """:func:`identifier` of ``text``, suffixed ``_2``, ``_3``... until it is not in ``taken``.

    Reserved store names and the root type count as taken, so a class called ``Document`` or
    ``Thing`` in some other vocabulary cannot be confused with kgsynth's own.
    """
    base = identifier(text)
    name, n = base, 1
    while name in taken or name in RESERVED_NAMES or name == ROOT_TYPE:
        n += 1
        name = f"{base}_{n}"
    return name


def is_vocabulary(iri: str) -> bool:
    """Whether ``iri`` belongs to RDF, RDFS, OWL or XSD."""
    return iri.startswith(VOCABULARY_NAMESPACES)


#: Predicates whose literal values name an entity; the first that gives a name wins.
NAME_PREDICATES = (RDFS.label, SKOS.prefLabel)
#: Predicates whose literal values are other names of an entity.
ALIAS_PREDICATES = (SKOS.altLabel,)
