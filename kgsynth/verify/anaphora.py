"""Definite noun phrases that point back at an entity named earlier ("The country's leader is ...").

Texts rarely repeat a long name: after "1 Decembrie 1918 University is located in
Romania." the next sentence says "The country's Prime Minister is Klaus Iohannis", and
after "The Baku Turkish Martyrs' Memorial ..." it says "The memorial was designed by ...".
The pipeline finds no mention in "the country", so without this the sentence has one
mention, no claim, and the word "country" (a relation's label word) is reported as said
of something no claim reads.

A reference is "the", "this" or "that" plus one lower-case word that is no entity name,
followed by what ends a noun phrase ("'s", a verb such as "is"/"was"/"has", a relative
"which"/"who", a preposition other than "of", punctuation or the end of the sentence):
"the country's", "the school was", "that book comes". Not references: "the capital of
Romania" (the noun is followed by "of": it names a relation, not an entity), "the
currency is the Sri Lankan Rupee" (a copula and then a name: the phrase states a
relation's value), and plurals ("one of the rivers": a reference points at one entity).

Which entity it points to is decided in this order, among the linked entities named in
earlier sentences that the current sentence does not name again, most recent first:

1. one whose name contains the noun ("the memorial" -> "Baku Turkish Martyrs' Memorial");
2. one the graph relates to an entity the current sentence names (the graph's fact is
   still only read as a claim if the sentence speaks of it, see ``claims.py``).

Otherwise the phrase stays what it was: an unresolved reference is not blanked, so its
noun still counts as a relation word no claim reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

#: Words after "the" that do not name a kind of thing ("the same", "the first").
_NOT_NOUNS = frozenset(
    {
        *("same", "other", "first", "second", "third", "last", "next", "former", "latter", "following"),
        *("one", "two", "three", "most", "least", "best", "only", "main", "whole", "total", "world"),
        *("year", "time", "day", "people", "end", "age", "rest", "top", "way", "case", "fact"),
    }
)
_REFERENCE = re.compile(
    r"\b(?:the|this|that)\s+([a-z]+)"
    r"(?='s\b|’s\b|\s+(?:is|was|are|were|has|had|have|also|which|who|whose|where|and|in|on|at|by|with"
    r"|comes|came|can|could|will|would|itself|serves|served|offers|plays|played|contains|lies)\b|\s*[,.;:!?)]|\s*$)",
    re.IGNORECASE,
)


#: " is the " after a noun: what follows is the value the phrase states, when it is a name (single
#: spaces: blanked names are runs of spaces).
_VALUE = re.compile(r" (?:is|was|are|were) ((?:the|a|an) )?")


@dataclass(frozen=True)
class Reference:
    """A definite noun phrase of a sentence: where its noun is (offsets into the text) and the noun."""

    start: int
    end: int
    noun: str


def definite_references(plain: str, offset: int, name_starts: Collection[int] = ()) -> list[Reference]:
    """The references of a sentence whose entity names are blanked out (``plain``), in text order.

    Args:
        plain: the sentence with its mentions blanked (``sentences.masked``), so no name is read.
        offset: where the sentence starts in the text; returned offsets are the text's.
        name_starts: where the sentence's entity names start (text offsets).
    """
    found = []
    for match in _REFERENCE.finditer(plain):
        noun = match.group(1)
        if noun != noun.lower() or noun in _NOT_NOUNS or _plural(noun):
            continue
        value = _VALUE.match(plain, match.end(1))
        if value is not None and {offset + value.start(1), offset + value.end()} & set(name_starts):
            continue
        found.append(Reference(offset + match.start(1), offset + match.end(1), noun))
    return found


def _plural(noun: str) -> bool:
    return noun.endswith("s") and not noun.endswith(("ss", "us", "is"))


def resolve_reference(
    reference: Reference,
    earlier: Sequence[str],
    names: Callable[[str], Sequence[str]],
    related: Callable[[str], bool],
) -> str | None:
    """The entity a reference points back to (see the module docstring), or None.

    Args:
        reference: the definite noun phrase.
        earlier: linked entity ids named in earlier sentences, most recent first, without
            those the current sentence names.
        names: an entity's name and aliases.
        related: whether the graph relates an entity to one the current sentence names.
    """
    pattern = re.compile(rf"\b{re.escape(reference.noun)}\b", re.IGNORECASE)
    for entity in earlier:
        if any(pattern.search(name) for name in names(entity)):
            return entity
    return next((entity for entity in earlier if related(entity)), None)
