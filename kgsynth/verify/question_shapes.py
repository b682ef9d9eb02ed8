"""The shapes of count and comparison questions, and of "both A and B" (issue 11 part A).

"How many drugs cause nausea?" + "4" is read as "Which drugs cause nausea?" whose answers are
counted; "Which treats more symptoms, A or B?" and "Which of A and B do more drugs cause?"
name the two entities compared (their spans are blanked before the rest is read); "a disease
that both A and B treat" is one statement of A and one of B about the same unnamed entity.
``question.QuestionReader`` uses these to read the question; ``query_check`` counts.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kgsynth.verify.question import Query
from kgsynth.verify.question_terms import Term

HOW_MANY = re.compile(r"^\s*(?:with\s+|of\s+|in\s+)?(how\s+many)\b", re.IGNORECASE)
MORE = re.compile(r"\bmore\b", re.IGNORECASE)
_WHICH_OF = re.compile(
    r"^\s*which\s+(?P<of>of)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)(?=\s+(?:do|does|did|has|have|had|is|are|was|were)\b)",
    re.IGNORECASE,
)
_OR_TAIL = re.compile(r"[:,]\s*(?P<a>[^:,?]+?)\s+or\s+(?P<b>[^?]+?)\s*\??\s*$")
_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def joined_by_both(text: str, terms: list[Term]) -> tuple[Term, Term] | None:
    """Two named entities joined by "(both) A and B" beside one unnamed entity, else None."""
    if len(terms) != 3 or sum(t.kind == "var" for t in terms) != 1:
        return None
    for a, b in itertools.pairwise(terms):
        if a.kind == b.kind == "entity" and text[a.end : b.start].strip().lower() == "and":
            return a, b
    return None


def count_answer(answer: str) -> int | None:
    """A count answer: "4", "4 drugs", "four"."""
    first = (answer.strip().split() or [""])[0].strip(".").lower()
    if first.isdigit():
        return int(first)
    return _NUMBER_WORDS.index(first) if first in _NUMBER_WORDS else None


def compared_entities(question: str) -> tuple[int, int, list[tuple[int, int]]] | None:
    """Where a "more" comparison names its two entities: ``(start, end, [span of A, span of B])``.

    "Which treats more symptoms, A or B?" (after the last comma or colon) and "Which of A and B
    do more drugs cause?" (right after "Which"; the span blanked starts at "of").
    """
    if MORE.search(question) is None:
        return None
    inline = _WHICH_OF.match(question)
    if inline is not None:
        return inline.start("of"), inline.end("b"), [inline.span("a"), inline.span("b")]
    tail = _OR_TAIL.search(question)
    if tail is not None:
        return tail.start(), tail.end("b"), [tail.span("a"), tail.span("b")]
    return None


def counted_var(text: str, query: Query | None) -> int | None:
    """The variable a comparison counts: the one whose noun phrase starts with "more"."""
    if query is None:
        return None
    for atom in query.atoms:
        for term in (atom.subject, atom.object):
            if (
                term.kind == "var"
                and not term.asked
                and text[term.start : term.end].lower().startswith("more ")
            ):
                return term.var
    return None
