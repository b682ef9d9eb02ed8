"""The gazetteer: ontology class labels and lexicon names matched as phrases, case-insensitively.

Terms come from two places: the instance lexicon next to the ontology (canonical names
and synonyms, with regular plural/singular variants) and the ontology's own class labels
and synonyms. A bare class word ("the drug") is generic, so it only becomes a mention
when written as a defined term: capitalised and not at the start of a sentence
("this Agreement", "the Court"). Short all-capital abbreviations ("ASA", "NO") are
matched with their exact case, or "no" would become nitric oxide.
"""

from __future__ import annotations

import logging

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kgsynth.model import Schema
from kgsynth.nlp.candidates import add_candidate
from kgsynth.nlp.lexicon import LexiconEntry, read_lexicon
from kgsynth.nlp.morphology import plural, singular

logger = logging.getLogger(__name__)

_CLASS_PREFIX = "class\x1f"
_DETERMINERS = frozenset({"the", "this", "that", "a", "an", "each", "either", "any", "such", "said"})


@Language.factory(
    "kgsynth_gazetteer",
    default_config={"schema_json": "{}", "lexicon_path": ""},
)
def make_gazetteer(nlp: Language, name: str, schema_json: str, lexicon_path: str) -> Gazetteer:
    """spaCy factory: the gazetteer for ``schema`` (JSON), reading the lexicon at ``lexicon_path``."""
    schema = Schema.model_validate_json(schema_json)
    entries = read_lexicon(lexicon_path, schema) if lexicon_path else ()
    return Gazetteer(nlp, schema, entries)


class Gazetteer:
    """Adds a candidate for every lexicon name or defined-term class label found in a Doc."""

    def __init__(self, nlp: Language, schema: Schema, entries: tuple[LexiconEntry, ...]) -> None:
        self._terms = _lexicon_terms(entries) + _class_terms(schema)
        self._case_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._keys: dict[int, tuple[str, str]] = {}
        for term, type_name, canonical in self._terms:
            matcher = self._case_matcher if _case_sensitive(term) else self._lower_matcher
            key = f"{type_name}\x1f{canonical}"
            self._keys[nlp.vocab.strings.add(key)] = (type_name, canonical)
            matcher.add(key, [nlp.make_doc(term)])
        logger.debug("gazetteer: %d terms", len(self._terms))

    def __call__(self, doc: Doc) -> Doc:
        for matcher in (self._case_matcher, self._lower_matcher):
            for match_id, start, end in matcher(doc):
                type_name, canonical = self._keys[match_id]
                if canonical.startswith(_CLASS_PREFIX):
                    start = _title_start(doc, start)
                    if not _is_defined_term(doc, start, end):
                        continue
                    add_candidate(doc, start, end, type_name, "gazetteer:class")
                else:
                    add_candidate(doc, start, end, type_name, "gazetteer", canonical)
        return doc


def _lexicon_terms(entries: tuple[LexiconEntry, ...]) -> list[tuple[str, str, str]]:
    """(surface form, type, canonical name) for every name, synonym and its number variants."""
    terms: dict[str, tuple[str, str, str]] = {}
    for entry in entries:
        for name in (entry.name, *entry.synonyms):
            variants = (name,) if _case_sensitive(name) else (name, plural(name), singular(name))
            for variant in variants:
                # The first entry to claim a surface form keeps it: lexicon order is precedence.
                terms.setdefault(variant.lower(), (variant, entry.type, entry.name))
    return list(terms.values())


def _class_terms(schema: Schema) -> list[tuple[str, str, str]]:
    """Class labels and synonyms, without a leading determiner ("this agreement" -> "agreement")."""
    terms = {}
    for entity_type in schema.entity_types:
        for word in (entity_type.label or entity_type.name, *entity_type.synonyms):
            first, _, rest = word.partition(" ")
            if rest and first.lower() in _DETERMINERS:
                word = rest
            terms.setdefault(word.lower(), (word, entity_type.name, _CLASS_PREFIX + word))
    return list(terms.values())


def _case_sensitive(term: str) -> bool:
    """Abbreviations ("ASA", "5-FU", "cAMP") must match exactly; ordinary words in any case."""
    letters = [c for c in term if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return (len(term) <= 6 and upper >= 2) or (bool(letters) and upper > len(letters) / 2 and len(term) <= 8)


def _title_start(doc: Doc, start: int) -> int:
    """Take in the capitalised words of a title: "Master Supply Agreement", "SUPREME COURT"."""
    while (
        start > 0
        and doc[start - 1].is_alpha
        and doc[start - 1].text[:1].isupper()
        and not (doc[start - 1].is_stop or doc[start - 1].lower_ in _DETERMINERS)
    ):
        start -= 1
    return start


def _is_defined_term(doc: Doc, start: int, end: int) -> bool:
    token = doc[start]
    return token.text[:1].isupper() and (end - start > 1 or not token.is_sent_start)
