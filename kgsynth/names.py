"""Whole-word name matching, shared by generation (no leaks while rendering) and QC (leak filter).

Both must agree on what "the question names X" means, so it is defined once, below the stages.
``find_spans`` is the same test returning exact offsets after normalisation, shared by LLM
extraction (a quote or a name an LLM copied from a chunk) and LLM claim reading (issue 10).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Chinese, Japanese and Korean script: names in it are matched as substrings (no word spaces).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _in_word(char: str) -> bool:
    """Whether ``char`` continues a word beside a name: a letter, digit or ``_``, but not CJK.

    Chinese text has no spaces, so a Latin name sits right against CJK characters ("与digoxin之间");
    ``str.isalnum`` is true for those, and would make every such mention a non-match.
    """
    return (char.isalnum() or char == "_") and not _CJK.match(char)


def fold_accents(text: str) -> str:
    """Case-folded, accents removed ("Hüseyin Bütüner" -> "huseyin butuner"): how people respell names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def names_in(name: str, text: str) -> bool:
    """Whether ``text`` mentions ``name`` as a whole word (case-insensitive; substring for CJK names)."""
    name = name.strip().casefold()
    if not name:
        return False
    text = text.casefold()
    if _CJK.search(name):
        return name in text
    start = text.find(name)
    while start >= 0:  # plain find + boundary test: a regex per name would thrash re's cache
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not _in_word(before) and not _in_word(after):
            return True
        start = text.find(name, start + 1)
    return False


#: Typographic variants an LLM (or a PDF) writes for the same character: curly quotes, dashes.
_VARIANTS = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
     "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "}
)  # fmt: skip


@lru_cache(maxsize=16)
def _folded(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` NFKC-normalised, case-folded, quotes and dashes unified and whitespace runs made one
    space; and for each character of that, the index in ``text`` of the character it came from."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text.translate(_VARIANTS)):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            pieces = " "
        else:
            pieces = unicodedata.normalize("NFKC", char).casefold().translate(_VARIANTS)
        out.extend(pieces)
        where.extend([index] * len(pieces))
    return "".join(out), tuple(where)


def find_spans(needle: str, text: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` of ``text`` that reads as ``needle`` after normalisation, in order.

    Case, Unicode compatibility forms, curly quotes, dashes and runs of whitespace are ignored,
    and a match must not start or end inside a word (CJK needles match as substrings); the
    offsets index ``text`` exactly, so ``text[start:end]`` is what the text itself says.

    Example:
        >>> find_spans("aspirin  TREATS headache", "Aspirin treats headache. aspirins")
        [(0, 23)]
    """
    key = _folded(needle.strip())[0].strip()
    if not key:
        return []
    hay, where = _folded(text)
    cjk = bool(_CJK.search(key))
    spans = []
    start = hay.find(key)
    while start >= 0:
        end = start + len(key)
        if cjk or (_edge_ok(hay, start - 1, key[0]) and _edge_ok(hay, end, key[-1])):
            spans.append((where[start], where[end - 1] + 1))
            start = hay.find(key, end)
        else:
            start = hay.find(key, start + 1)
    return spans


def _edge_ok(hay: str, index: int, edge: str) -> bool:
    """Whether a match whose edge character is ``edge`` may have ``hay[index]`` beside it."""
    if not _in_word(edge) or index < 0 or index >= len(hay):
        return True
    return not _in_word(hay[index])


__all__ = ["find_spans", "fold_accents", "names_in"]
