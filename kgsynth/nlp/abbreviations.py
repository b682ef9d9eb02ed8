"""Short forms defined in the text: "acetylsalicylic acid (ASA)", 'ADAMS GOLF, LTD. ("Adams")'.

A short form in brackets right after a mention is an abbreviation of it when its letters
appear in order in the long form, starting a word (Schwartz & Hearst, PSB 2003); a quoted
term in brackets ('(the "Company")') is a contract's defined term and needs no letter
check. Either way, every later use of the short form names the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

_OPEN = {"(", "["}
_CLOSE = {")", "]"}
_QUOTES = {'"', "“", "”", "'", "‘", "’", "``", "''"}
_DEFINITION_WORDS = {
    "the",
    "a",
    "an",
    "each",
    "hereinafter",
    "herein",
    "collectively",
    "individually",
    "together",
    "referred",
    "to",
    "as",
    "called",
    "jointly",
    "severally",
    "also",
    "known",
    "and",
    "or",
    ",",
    "this",
}
_MAX_SHORT_CHARS = 12


@dataclass(frozen=True)
class Definition:
    """Tokens ``start:end`` define ``short`` as another name for the mention ending at ``long_end``."""

    start: int
    end: int
    short: tuple[str, ...]
    long_end: int
    quoted: bool


def find_definitions(doc: Doc, mention_ends: set[int]) -> list[Definition]:
    """Bracketed short forms that directly follow a mention (its end token index in ``mention_ends``)."""
    found = []
    for i, token in enumerate(doc):
        if token.text not in _OPEN or i not in mention_ends:
            continue
        close = next((j for j in range(i + 1, min(i + 14, len(doc))) if doc[j].text in _CLOSE), None)
        if close is None or close == i + 1:
            continue
        definition = _quoted_term(doc, i + 1, close) or _short_form(doc, i + 1, close)
        if definition is not None:
            start, end, quoted = definition
            found.append(Definition(start, end, tuple(t.text for t in doc[start:end]), i, quoted))
    return found


def is_abbreviation_of(short: str, long: str) -> bool:
    """Schwartz-Hearst: the letters of ``short`` occur in ``long`` in order, the first one starting a word.

    >>> is_abbreviation_of("ASA", "acetylsalicylic acid"), is_abbreviation_of("VPA", "valproic acid")
    (True, True)
    """
    short_chars = [c.lower() for c in short if c.isalnum()]
    if not short_chars or not any(c.isalpha() for c in short_chars):
        return False
    long_lower = long.lower()
    s, li = len(short_chars) - 1, len(long_lower) - 1
    while s >= 0:
        char = short_chars[s]
        while li >= 0 and (long_lower[li] != char or (s == 0 and li > 0 and long_lower[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return False
        s -= 1
        li -= 1
    return True


def _quoted_term(doc: Doc, start: int, close: int) -> tuple[int, int, bool] | None:
    quotes = [j for j in range(start, close) if doc[j].text in _QUOTES]
    if len(quotes) < 2:
        return None
    first, second = quotes[0], quotes[1]
    if second - first < 2 or any(doc[j].lower_ not in _DEFINITION_WORDS for j in range(start, first)):
        return None
    return first + 1, second, True


def _short_form(doc: Doc, start: int, close: int) -> tuple[int, int, bool] | None:
    text = doc[start:close].text
    if close - start > 3 or len(text) > _MAX_SHORT_CHARS or len(text) < 2:
        return None
    if not any(c.isupper() for c in text) or (" " in text.strip() and close - start > 2):
        return None
    return start, close, False
