"""Lexical rules for contract parties, dates and amounts.

The statistical NER misses many company names in contracts (they are often in capitals,
"ADAMS GOLF, LTD.") and has no idea of a date written "1/13/05" or "the 25th day of May,
1999". These rules add candidates for the types the schema has: a run of capitalised
words ending in a company form (Inc., LLC, S.A., GmbH, ...), dates in the common
contract formats, and currency amounts.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from kgsynth.model import Schema
from kgsynth.nlp.candidates import add_candidate
from kgsynth.nlp.months import MONTH_ABBREVIATIONS, MONTH_NAMES

_COMPANY_FORMS = [
    "inc",
    "inc.",
    "incorporated",
    "llc",
    "l.l.c.",
    "ltd",
    "ltd.",
    "limited",
    "corp",
    "corp.",
    "corporation",
    "company",
    "co.",
    "l.p.",
    "lp",
    "llp",
    "l.l.p.",
    "plc",
    "p.l.c.",
    "gmbh",
    "ag",
    "s.a.",
    "sa",
    "n.v.",
    "nv",
    "b.v.",
    "bv",
    "pte",
    "s.p.a.",
    "spa",
    "s.a.s.",
    "sas",
    "se",
    "ab",
    "oy",
    "s.l.",
    "s.r.l.",
    "pty",
    "kg",
    "kk",
    "k.k.",
    "bhd",
    "trust",
    "partnership",
    "l.p",
    "s.a",
]
_NAME_WORD = {"TEXT": {"REGEX": r"^[A-Z0-9][\w&'.-]*$"}}
_LINK_WORD = {"LOWER": {"IN": ["&", "and", "of", "de", "du", "la", "-"]}}
_MONTHS = [*MONTH_NAMES, *MONTH_ABBREVIATIONS, *(f"{a}." for a in MONTH_ABBREVIATIONS)]
_DAY = {"TEXT": {"REGEX": r"^([1-9]|[12]\d|3[01])(st|nd|rd|th)?$"}}
_YEAR = {"TEXT": {"REGEX": r"^(19|20)\d\d$"}}
_MONTH = {"LOWER": {"IN": _MONTHS}}
_SLASH_DATE = {"TEXT": {"REGEX": r"^\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})$"}}
_LEADING_NOISE = frozenset(
    {"the", "this", "by", "between", "and", "among", "with", "of", "to", "for", "each"}
)

_PATTERNS = {
    "Organization": [
        [_NAME_WORD, {**_NAME_WORD, "OP": "*"}, {"ORTH": ",", "OP": "?"}, {"LOWER": {"IN": _COMPANY_FORMS}}],
        [
            _NAME_WORD,
            {"OP": "*", **_LINK_WORD},
            {**_NAME_WORD, "OP": "+"},
            {"ORTH": ",", "OP": "?"},
            {"LOWER": {"IN": _COMPANY_FORMS}},
        ],
    ],
    "Date": [
        [_MONTH, _DAY, {"ORTH": ",", "OP": "?"}, _YEAR],
        [_DAY, _MONTH, {"ORTH": ",", "OP": "?"}, _YEAR],
        [_DAY, {"LOWER": "day"}, {"LOWER": "of"}, _MONTH, {"ORTH": ",", "OP": "?"}, _YEAR],
        [_MONTH, _YEAR],
        [_SLASH_DATE],
    ],
    "Amount": [
        [
            {"ORTH": {"IN": ["$", "€", "£", "US$", "USD", "EUR", "GBP"]}},
            {"LIKE_NUM": True},
            {"LOWER": {"IN": ["million", "billion", "thousand"]}, "OP": "?"},
        ],
        [{"LIKE_NUM": True}, {"LOWER": {"IN": ["dollars", "usd", "euros", "eur", "pounds"]}}],
    ],
}


@Language.factory("kgsynth_legal_terms", default_config={"schema_json": "{}"})
def make_legal_terms(nlp: Language, name: str, schema_json: str) -> LegalTerms:
    """spaCy factory: organisation, date and amount rules for the types ``schema`` (JSON) has."""
    return LegalTerms(nlp, Schema.model_validate_json(schema_json))


class LegalTerms:
    """Adds organisation, date and amount candidates found by token patterns."""

    def __init__(self, nlp: Language, schema: Schema) -> None:
        self.matcher = Matcher(nlp.vocab)
        self.types: dict[int, str] = {}
        for wanted, patterns in _PATTERNS.items():
            type_name = _present(schema, wanted)
            if type_name:
                self.types[nlp.vocab.strings.add(f"legal:{wanted}")] = type_name
                self.matcher.add(f"legal:{wanted}", patterns, greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        for match_id, start, end in self.matcher(doc):
            while start < end - 1 and doc[start].lower_ in _LEADING_NOISE:
                start += 1
            method = self.vocab_key(doc, match_id)
            add_candidate(doc, start, end, self.types[match_id], method)
        return doc

    @staticmethod
    def vocab_key(doc: Doc, match_id: int) -> str:
        return doc.vocab.strings[match_id].lower()


def _present(schema: Schema, wanted: str) -> str:
    """``wanted`` if the schema has it, else its nearest listed fallback (Organization -> Party)."""
    for candidate in (wanted, "Party") if wanted == "Organization" else (wanted,):
        if schema.has_entity_type(candidate):
            return candidate
    return ""
