"""Month words, shared by the date rules of the legal terms and the NER date filter."""

from __future__ import annotations

#: Full month names, January first (index + 1 is the month number).
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: Usual abbreviations; each may also be written with a full stop ("Sept.").
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
#: Every month word without a full stop.
MONTH_WORDS = frozenset(MONTH_NAMES + MONTH_ABBREVIATIONS)

__all__ = ["MONTH_ABBREVIATIONS", "MONTH_NAMES", "MONTH_WORDS"]
