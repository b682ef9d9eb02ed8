"""The hand-over between mention finders and the component that picks the final mentions.

Every finder (gazetteer, term rules, NER mapping) appends spans to one span group,
``doc.spans[CANDIDATES]``: the span's label is the ontology type, ``kb_id_`` the canonical
name and ``id_`` the method that found it. ``kgsynth_mentions`` resolves overlaps later,
so finders never have to know about each other.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

CANDIDATES = "kgsynth_candidates"

#: Methods whose candidates outrank statistical NER when spans overlap (knowledge beats guesses).
RULE_METHOD_PREFIXES = ("gazetteer", "lexical", "legal", "abbreviation")


def add_candidate(doc: Doc, start: int, end: int, type_name: str, method: str, canonical: str = "") -> None:
    """Record that tokens ``start:end`` may name an instance of ``type_name``."""
    span = Span(
        doc, start, end, label=type_name, kb_id=canonical or _plain(doc[start:end].text), span_id=method
    )
    if CANDIDATES not in doc.spans:
        doc.spans[CANDIDATES] = []
    doc.spans[CANDIDATES].append(span)


def candidates(doc: Doc) -> list[Span]:
    """All candidates recorded so far, in insertion order."""
    return list(doc.spans[CANDIDATES]) if CANDIDATES in doc.spans else []


def _plain(text: str) -> str:
    return " ".join(text.split())
