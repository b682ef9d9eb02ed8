"""Other spellings of a number, a date or an amount, as a graph built from RDF would store it.

Texts write "1,219", "4100" and "July 21 1998"; graphs imported from RDF hold literals
such as "1219.0", "4100.0" and "1998-07-21". ``literal_forms`` gives the stored forms a
mention may stand for, which the linker tries as further exact names. Only whole
mentions that are a number (optionally followed by a unit word) or a date are rewritten;
anything else has no other forms.

An amount with a unit ``units.py`` knows ("8,000 feet", "1.5 km", "546m") may be stored in
another unit of its dimension: ``amount_forms`` spells it in each of them, rounded to 0-3
decimals ("2438.4", "2438", "2.438" ... for 8,000 feet), and ``states_amount`` decides
whether a stored number found that way says the same. The tolerance rule: the stored
value, converted to the text's unit and rounded to the text's last significant digit,
equals the text's value ("8,000 feet": thousands, as an integer's trailing zeros are not
significant; "5 ft" vs 1.52 m = 4.99 ft: units). Since a stored value is only found as a
rounding of the text's converted value, the two in effect agree both ways, each to the
precision it is written with; a stored value more precise than the text and not such a
rounding (8,000 feet vs 2450 m) is not found. Amounts of different dimensions never agree
(kg vs m); a stored number whose unit is unknown agrees only with the same number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from kgsynth.verify.units import UNITS, Unit, unit_named

_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")
_NUMBER_WITH_UNIT = re.compile(r"^([-+]?[\d,]*\d(?:\.\d+)?)\s+[A-Za-z][A-Za-z .()]*$")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b\d{4}\b")
_AMOUNT = re.compile(r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)[\s-]?(\D.*)$")
#: A stored literal: a number, maybe quoted, maybe with a unit (bracketed or not): '"52.0"(minutes)'.
_STORED = re.compile(r'^"?([-+]?\d+(?:\.\d+)?)"?(?:\s*\(([^()]*)\)|\s*([A-Za-z°º][^()]*))?$')
#: Decimals an amount is spelt with in each unit it may be stored in.
_PLACES = range(4)
#: A token after a number: the first right after it (or after one space or hyphen), the rest spaced.
_TOKEN = re.compile(r"(?:(?<=^)[ -]?|(?<!^) )([^\s]+)")
_NOT_UNITS_AFTER_A_NUMBER = frozenset({"in", "s", "t", "K", "l", "L"})
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


@dataclass(frozen=True)
class Amount:
    """A number as a text writes it: value, one unit of its last significant digit, and unit."""

    value: Decimal
    resolution: Decimal
    unit: Unit


@dataclass(frozen=True)
class StoredNumber:
    """A stored literal read as a number: its value and the unit it carries ("" if none, None if unknown)."""

    value: Decimal
    unit: Unit | None
    carries_unit: bool


def read_amount(text: str) -> Amount | None:
    """The amount a mention states ("8,000 feet", "546m"), or None without a unit ``units.py`` knows."""
    match = _AMOUNT.match(" ".join(text.split()))
    unit = unit_named(match.group(2)) if match else None
    if match is None or unit is None:
        return None
    digits = match.group(1).replace(",", "").lstrip("+")
    if "." in digits:
        resolution = Decimal(1).scaleb(-len(digits.partition(".")[2]))
    else:  # "8,000": thousands; an integer's trailing zeros are not significant
        zeros = len(digits) - len(digits.rstrip("0"))
        resolution = Decimal(1).scaleb(min(zeros, len(digits.lstrip("-")) - 1))
    return Amount(Decimal(digits), resolution, unit)


def is_number(text: str) -> bool:
    """Whether ``text`` is a bare number ("2438.4", "1,219")."""
    return _NUMBER.match(text.strip()) is not None


def unit_after(text: str, end: int) -> int:
    """Where a unit written right after a number ending at ``end`` ends ("2438.4 feet"), else ``end``.

    Mention finders often tag the number alone ("2438.4" of "2438.4 feet", when the graph has a
    literal spelled so); without its unit the number would match a literal in another unit.
    Words that are also common English after a number ("in", "s", "t") are not read as units.
    """
    tail = text[end : end + 40]
    tokens = list(_TOKEN.finditer(tail))
    for size in range(min(len(tokens), 3), 0, -1):
        last = tokens[size - 1]
        first = tokens[0].start(1)
        spelling = tail[first : last.end()]
        for candidate in (spelling, spelling.rstrip(".,;:)")):
            if candidate not in _NOT_UNITS_AFTER_A_NUMBER and unit_named(candidate) is not None:
                return end + first + len(candidate)
    return end


def read_stored(name: str) -> StoredNumber | None:
    """A stored name read as a number with the unit it carries: "45.97 (square kilometres)"."""
    match = _STORED.match(" ".join(name.replace('"', " ").split()) if name.startswith('"') else name.strip())
    if match is None:
        return None
    written = (match.group(2) or match.group(3) or "").strip()
    unit = unit_named(written) if written else None
    if match.group(3) and unit is None:
        return None  # "14L/32R": a name that starts with digits, not an amount
    return StoredNumber(Decimal(match.group(1)), unit, bool(written))


def amount_forms(amount: Amount) -> list[str]:
    """The amount spelt in every unit of its dimension, rounded to 0-3 decimals, as stored numbers are."""
    base = amount.unit.to_base(amount.value)
    forms: list[str] = []
    for unit in UNITS:
        if unit.dimension != amount.unit.dimension:
            continue
        value = unit.from_base(base)
        for places in _PLACES:
            rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            if rounded or not value:
                forms += _spellings(rounded)
    return list(dict.fromkeys(forms))


def states_amount(amount: Amount, stored: Decimal, unit: Unit | None) -> bool:
    """Whether a stored number in ``unit`` (None: unknown) says ``amount`` (the module docstring's rule)."""
    if unit is None:
        return stored == amount.value
    if unit.dimension != amount.unit.dimension:
        return False
    converted = amount.unit.from_base(unit.to_base(stored))
    steps = (converted / amount.resolution).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return steps * amount.resolution == amount.value


def _spellings(value: Decimal) -> list[str]:
    """ "2438.40" -> ["2438.4"]; "2438" -> ["2438", "2438.0"] (RDF doubles are stored with ".0")."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return [text] if "." in text else [text, text + ".0"]
