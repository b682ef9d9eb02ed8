"""Whole-word name matching, shared by generation (no leaks while rendering) and QC (leak filter).

Both must agree on what "the question names X" means, so it is defined once, below the stages.
"""

from __future__ import annotations

import re
import unicodedata

#: Chinese, Japanese and Korean script: names in it are matched as substrings (no word spaces).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


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
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(name, start + 1)
    return False


__all__ = ["fold_accents", "names_in"]
