"""Other spellings of a number or a date, as a graph built from RDF would store it.

Texts write "1,219", "4100" and "July 21 1998"; graphs imported from RDF hold literals
such as "1219.0", "4100.0" and "1998-07-21". ``literal_forms`` gives the stored forms a
mention may stand for, which the linker tries as further exact names. Only whole
mentions that are a number (optionally followed by a unit word) or a date are rewritten;
anything else has no other forms.
"""

from __future__ import annotations

import re
from datetime import datetime

_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")
_NUMBER_WITH_UNIT = re.compile(r"^([-+]?[\d,]*\d(?:\.\d+)?)\s+[A-Za-z][A-Za-z .()]*$")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b\d{4}\b")
_DATE_FORMATS = ("%d %B %Y", "%B %d %Y", "%d %b %Y", "%b %d %Y", "%Y-%m-%d", "%d/%m/%Y", "%B %Y", "%b %Y")


def literal_forms(text: str) -> list[str]:
    """Stored spellings ``text`` may stand for: ``"1,219" -> ["1219", "1219.0"]``, dates as ISO."""
    value = text.strip()
    with_unit = _NUMBER_WITH_UNIT.match(value)
    if with_unit and not _NUMBER.match(value):
        value = with_unit.group(1)
    forms = _number_forms(value) if _NUMBER.match(value) else _date_forms(value)
    return [f for f in forms if f != text.strip()]


def _number_forms(value: str) -> list[str]:
    plain = value.replace(",", "").lstrip("+")
    forms = [plain]
    if "." in plain:
        whole, _, fraction = plain.partition(".")
        if set(fraction) == {"0"}:
            forms.append(whole)
    else:
        forms.append(plain + ".0")
    return list(dict.fromkeys(forms))


def _date_forms(value: str) -> list[str]:
    if _YEAR.search(value) is None:
        return []  # every date form we read has a four-digit year; most names have none
    cleaned = _ORDINAL.sub(r"\1", value)
    cleaned = re.sub(r"\b(?:of|the)\b", " ", cleaned, flags=re.IGNORECASE).replace(",", " ")
    cleaned = " ".join(cleaned.split())
    for pattern in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        iso = parsed.strftime("%Y-%m-%d") if "%d" in pattern else parsed.strftime("%Y-%m")
        return [iso]
    return []
