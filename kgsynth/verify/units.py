"""Units of measure: how texts spell them, how they convert, and which unit a stored number is in.

Texts and graphs state the same amount in different units: "8,000 feet" for a runway
length the graph holds as 2438.4 (metres), "1.5 km" for 1500.0, "5 ft" for 1.52. To
compare them, ``literals.py`` needs the unit a text names (``unit_named``), the unit of the
stored number, and the factor between the two. This table is the data for that: written
from the SI definitions (1 ft = 0.3048 m exactly, 1 lb = 0.45359237 kg ...), not from a
corpus, and kept to the units texts about places, buildings, people and vehicles use.
It is code rather than a data file because conversion factors and the rule below belong
together and are not meant to be tuned per ontology.

Which unit a stored number is in, first answer wins (``literal_unit`` / ``relation_unit``):

1. a unit the literal itself carries: "45.97 (square kilometres)", "3500 m";
2. a unit named at the end of its relation's name or label, two letters or more:
   ``elevationAboveTheSeaLevel_(in_feet)``, ``heightFt``, ``areaTotalSqMi``, ``lengthKm``;
3. DBpedia's convention for the dimension the relation's name speaks of (its specialised
   properties, which WebNLG uses): lengths (length, height, elevation, altitude, depth,
   width, diameter, distance, wingspan, runway) in metres, areas in square kilometres
   (a floor area in square metres), mass and weight in kilograms, temperatures in degrees
   Celsius, speeds in km/h. A name that also says code, number, name, id, rank, count,
   class, type, year or date names no amount ("areaCode", "runwayName");
4. otherwise the unit is unknown, and the number is compared as a bare number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Unit:
    """A unit: value in the dimension's base unit = (value + ``offset``) * ``factor``."""

    symbol: str
    dimension: str
    factor: Decimal
    offset: Decimal = Decimal(0)

    def to_base(self, value: Decimal) -> Decimal:
        return (value + self.offset) * self.factor

    def from_base(self, value: Decimal) -> Decimal:
        return value / self.factor - self.offset


def _unit(symbol: str, dimension: str, factor: str, offset: str = "0") -> Unit:
    return Unit(symbol, dimension, Decimal(factor), Decimal(offset))


def _plurals(*words: str) -> tuple[str, ...]:
    """Each word and its plural ("metre" -> "metre", "metres")."""
    return tuple(form for word in words for form in (word, word + "s"))


#: Unit -> its spellings (matched without case, except the one-letter ones).
UNITS: dict[Unit, tuple[str, ...]] = {
    _unit("mm", "length", "0.001"): ("mm", *_plurals("millimetre", "millimeter")),
    _unit("cm", "length", "0.01"): ("cm", "cms", *_plurals("centimetre", "centimeter")),
    _unit("m", "length", "1"): ("m", *_plurals("metre", "meter")),
    _unit("km", "length", "1000"): ("km", "kms", *_plurals("kilometre", "kilometer")),
    _unit("in", "length", "0.0254"): ("in", "in.", "inch", "inches"),
    _unit("ft", "length", "0.3048"): ("ft", "ft.", "foot", "feet"),
    _unit("yd", "length", "0.9144"): ("yd", "yds", *_plurals("yard")),
    _unit("mi", "length", "1609.344"): ("mi", "mi.", *_plurals("mile")),
    _unit("g", "mass", "0.001"): ("g", *_plurals("gram", "gramme")),
    _unit("kg", "mass", "1"): ("kg", "kgs", *_plurals("kilogram", "kilogramme", "kilo")),
    _unit("t", "mass", "1000"): ("t", *_plurals("tonne", "metric ton")),
    _unit("lb", "mass", "0.45359237"): ("lb", "lbs", *_plurals("pound")),
    _unit("oz", "mass", "0.028349523125"): ("oz", *_plurals("ounce")),
    _unit("m2", "area", "1"): (
        *("m2", "m²", "sq m", "sq. m", "sq. m.", "sqm"),
        *_plurals("square metre", "square meter"),
    ),
    _unit("km2", "area", "1000000"): (
        *("km2", "km²", "sq km", "sq. km", "sq. km.", "sq kms", "sqkm"),
        *_plurals("square kilometre", "square kilometer"),
    ),
    _unit("mi2", "area", "2589988.110336"): (
        *("mi2", "mi²", "sq mi", "sq. mi", "sq. mi.", "sq miles"),
        *_plurals("square mile"),
    ),
    _unit("ha", "area", "10000"): ("ha", *_plurals("hectare")),
    _unit("acre", "area", "4046.8564224"): _plurals("acre"),
    _unit("ml", "volume", "0.001"): ("ml", *_plurals("millilitre", "milliliter")),
    _unit("l", "volume", "1"): ("l", "L", *_plurals("litre", "liter")),
    _unit("s", "time", "1"): ("s", "sec", "secs", *_plurals("second")),
    _unit("min", "time", "60"): ("min", "mins", *_plurals("minute")),
    _unit("h", "time", "3600"): ("h", "hr", "hrs", *_plurals("hour")),
    _unit("°C", "temperature", "1", "273.15"): (
        *("°C", "ºC", "° C", "celsius", "degrees celsius", "degree celsius", "degrees centigrade"),
    ),
    _unit("°F", "temperature", "0.5555555555555555555555555556", "459.67"): (
        *("°F", "ºF", "° F", "fahrenheit", "degrees fahrenheit", "degree fahrenheit"),
    ),
    _unit("K", "temperature", "1"): ("K", *_plurals("kelvin")),
    _unit("km/h", "speed", "0.2777777777777777777777777778"): (
        *("km/h", "kmh", "kph", "km/hr"),
        *("kilometres per hour", "kilometers per hour"),
    ),
    _unit("mph", "speed", "0.44704"): ("mph", "miles per hour"),
    _unit("m/s", "speed", "1"): ("m/s", "metres per second", "meters per second"),
}

_EXACT = {spelling: unit for unit, spellings in UNITS.items() for spelling in spellings if len(spelling) == 1}
_FOLDED = {
    spelling.casefold(): unit
    for unit, spellings in UNITS.items()
    for spelling in spellings
    if len(spelling) > 1
}
#: Relation names speak of a dimension by these words (rule 3), most specific first.
_CONVENTIONS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"floor", "area"}), "m2"),
    (frozenset({"area"}), "km2"),
    *(
        (frozenset({word}), "m")
        for word in ("length", "height", "elevation", "altitude", "depth", "width", "diameter")
    ),
    *((frozenset({word}), "m") for word in ("distance", "wingspan", "runway")),
    (frozenset({"mass"}), "kg"),
    (frozenset({"weight"}), "kg"),
    (frozenset({"temperature"}), "°C"),
    (frozenset({"speed"}), "km/h"),
)
_NOT_AMOUNTS = frozenset(
    {
        "code",
        "number",
        "name",
        "id",
        "identifier",
        "rank",
        "ranking",
        "count",
        "class",
        "type",
        "year",
        "date",
    }
)
#: Unit spellings that are also words of relation names ("elevation_in_metres", "temperatureMin").
_WORDS_IN_NAMES = frozenset({"in", "min", "sec"})
_BY_SYMBOL = {unit.symbol: unit for unit in UNITS}


def unit_named(spelling: str) -> Unit | None:
    """The unit ``spelling`` names ("feet", "sq. mi.", "km²"), or None."""
    text = " ".join(spelling.split())
    return _EXACT.get(text) or _FOLDED.get(text.casefold())


def relation_unit(name: str, label: str = "") -> Unit | None:
    """The unit a relation's numbers are in, by its name or label (rules 2 and 3 above), or None."""
    for words in (_words(name), _words(label)):
        for size in (3, 2, 1):  # the longest unit named at the end: "sq mi" before "mi"
            tail = " ".join(words[-size:])
            unit = _FOLDED.get(tail) if len(words) >= size and tail not in _WORDS_IN_NAMES else None
            if unit is not None:
                return unit
    words = set(_words(name)) | set(_words(label))
    if words & _NOT_AMOUNTS:
        return None
    return next((_BY_SYMBOL[symbol] for needed, symbol in _CONVENTIONS if needed <= words), None)


def _words(identifier: str) -> list[str]:
    """ "elevationAboveTheSeaLevel_(in_feet)" -> ["elevation", "above", ..., "in", "feet"]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", identifier)
    return [w for w in re.split(r"[^A-Za-z²]+", spaced.casefold()) if w]
