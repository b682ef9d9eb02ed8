"""The words an ontology gives a class or property: label, synonyms, description.

Labels and synonyms become the gazetteer and relation lexicon of the extraction pipeline, which
reads English, so only English (``en``, ``en-*``) and untagged literals are kept; others are
counted as dropped. The label is the best of ``rdfs:label`` / ``skos:prefLabel`` (English before
untagged, then alphabetical, so the pick is stable); the other labels join the synonyms.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDFS, SKOS

from kgsynth.model import normalise_text

OBO_IN_OWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
IAO_DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")

LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)
SYNONYM_PROPERTIES = (SKOS.altLabel, OBO_IN_OWL.hasExactSynonym, OBO_IN_OWL.hasRelatedSynonym)
#: Definitions describe a term better than free comments, so they are preferred.
DESCRIPTION_PROPERTIES = (SKOS.definition, IAO_DEFINITION, RDFS.comment)


@dataclass(frozen=True)
class Terms:
    """What a class or property is called and how it is described."""

    label: str = ""
    synonyms: tuple[str, ...] = ()
    description: str = ""


def read_terms(graph: Graph, iri: URIRef, dropped: Counter[str]) -> Terms:
    """Label, synonyms and description of ``iri``; non-English literals are counted in ``dropped``."""
    labels = _english_texts(graph, iri, LABEL_PROPERTIES, dropped)
    label = labels[0] if labels else ""
    others = labels[1:] + _english_texts(graph, iri, SYNONYM_PROPERTIES, dropped)
    descriptions = _english_texts(graph, iri, DESCRIPTION_PROPERTIES, dropped)
    return Terms(
        label=label,
        synonyms=_distinct(others, exclude=label),
        description=descriptions[0] if descriptions else "",
    )


def _english_texts(
    graph: Graph, iri: URIRef, properties: tuple[URIRef, ...], dropped: Counter[str]
) -> list[str]:
    """English/untagged literal values, best first: by property order, language rank, then text."""
    ranked: list[tuple[int, int, str]] = []
    for order, prop in enumerate(properties):
        for value in graph.objects(iri, prop):
            if not isinstance(value, Literal):
                continue
            rank = _language_rank(value.language)
            text = normalise_text(str(value))
            if rank is None:
                dropped["non-English literal"] += 1
            elif text:
                ranked.append((order, rank, text))
    return [text for _, _, text in sorted(ranked)]


def _language_rank(language: str | None) -> int | None:
    if language is None:
        return 1
    tag = language.lower()
    if tag == "en" or tag.startswith("en-"):
        return 0
    return None


def _distinct(texts: list[str], exclude: str) -> tuple[str, ...]:
    """Texts without case-insensitive duplicates or the label, sorted for a stable order."""
    seen = {exclude.casefold()}
    kept: list[str] = []
    for text in sorted(texts, key=lambda t: (t.casefold(), t)):
        if text.casefold() not in seen:
            seen.add(text.casefold())
            kept.append(text)
    return tuple(kept)
