"""The words that signal each relation, derived from the schema (and its patterns file's triggers).

A relation is named by its label (or its identifier split at ``_`` and camelCase:
``leaderName`` -> "leader name"), its synonyms and their regular verb forms, and the
general English paraphrases of its label's words (``paraphrases.py``: "birth" -> "born"). Two uses:

* ``phrases``/``first_phrase``/``said``: whole phrases (with the extra trigger words of the
  ontology's patterns file, when given), for turning a question into a statement
  (``qa.py`` needs to know where the verb of "Does aspirin treat headache?" starts) and for
  telling whether a sentence says a relation outside its entity names;
* ``mentioned``: a lenient test of whether a sentence speaks of a relation at all, used by
  the graph-guided claim reading (``claims.py``). A label's content words match by stem:
  the word itself if shorter than five letters, else all but its last three letters (at
  least five), so "location" matches "located" and "creator" matches "created", while
  "contraindicated" does not match "controls". Generic words ("name", "number", "has",
  prepositions) never count. This is a heuristic, chosen so that schemas derived from data
  (DBpedia predicates have labels but no synonyms) can be checked at all; see
  ``scripts/evaluate_check.py`` for what it reaches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from kgsynth.model import RelationType, Schema
from kgsynth.nlp.morphology import base_verb, verb_forms
from kgsynth.nlp.patterns import load_patterns
from kgsynth.nlp.pipeline import companion_file
from kgsynth.verify.paraphrases import PARAPHRASES

_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: Words that say nothing about which relation is meant.
GENERIC_WORDS = frozenset(
    {
        *("a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "and", "or"),
        *("is", "was", "are", "were", "be", "been", "being", "has", "have", "had", "its", "it", "this"),
        *("that", "which", "who", "whom", "whose", "what", "there", "their", "his", "her", "one", "ones"),
        *("name", "names", "number", "code", "id", "type", "value", "date", "year"),
    }
)
_MIN_STEM = 5


def relation_label(relation: RelationType) -> str:
    """The relation's label, or its identifier in words: ``leaderName`` -> "leader name"."""
    if relation.label:
        return relation.label.lower()
    return _CAMEL.sub(" ", relation.name).replace("_", " ").lower().strip()


def stem(word: str) -> str:
    """The prefix a word's relatives share: short words whole, long words without their last three letters."""
    if len(word) < _MIN_STEM:
        return word
    return word[: max(_MIN_STEM, len(word) - 3)]


class RelationLexicon:
    """Trigger phrases and content-word stems of every relation of a schema."""

    def __init__(self, schema: Schema, triggers: Mapping[str, Iterable[str]] | None = None) -> None:
        self.phrases: dict[str, tuple[str, ...]] = {}
        self.stems: dict[str, frozenset[str]] = {}
        for relation in schema.relation_types:
            label = relation_label(relation)
            phrases: list[str] = []
            extra = tuple((triggers or {}).get(relation.name, ()))
            for phrase in (label, *(s.lower() for s in relation.synonyms), *extra):
                phrase = " ".join(_WORD.findall(phrase))
                if phrase:
                    phrases.append(phrase)
                    phrases.extend(verb_forms(base_verb(phrase)))
            phrases += [said for word in _WORD.findall(label) for said in PARAPHRASES.get(word, ())]
            self.phrases[relation.name] = tuple(dict.fromkeys(phrases))
            self.stems[relation.name] = frozenset(
                stem(word)
                for word in _WORD.findall(label)
                if word not in GENERIC_WORDS and not word.isdigit()
            )
        self._finders: dict[str, re.Pattern[str]] = {}
        self._by_first_word: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for name, phrases in self.phrases.items():
            for phrase in phrases:
                words = tuple(phrase.split())
                self._by_first_word.setdefault(words[0], []).append((words, name))
        # Compiled once here, so checking never pays for it.
        self._mention_finders = {name: self._mention_finder(name) for name in self.phrases}
        for name in self.phrases:
            self.finder(name)

    @classmethod
    def for_schema(cls, schema: Schema) -> RelationLexicon:
        """The lexicon of ``schema`` plus the trigger words of its shipped patterns file, if any.

        Raises:
            InputError: the patterns file cannot be read (as when the pipeline is built).
        """
        path = companion_file(schema, ".patterns.yaml")
        triggers = load_patterns(path, schema).triggers if path is not None else None
        return cls(schema, triggers)

    def words(self) -> frozenset[str]:
        """Every non-generic word of every relation phrase ("isbn" of "isbn number")."""
        return frozenset(
            word
            for phrases in self.phrases.values()
            for phrase in phrases
            for word in phrase.split()
            if word not in GENERIC_WORDS
        )

    def mentioned(self, text: str) -> frozenset[str]:
        """Relations whose phrase or label stem occurs in ``text`` (mask entity names out first)."""
        lowered = text.lower()
        return frozenset(name for name, pattern in self._mention_finders.items() if pattern.search(lowered))

    def signals(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Where in ``text`` each relation is spoken of (the spans ``mentioned`` finds), by relation."""
        lowered = text.lower()
        found: dict[str, list[tuple[int, int]]] = {}
        for name, pattern in self._mention_finders.items():
            spans = [m.span() for m in pattern.finditer(lowered)]
            if spans:
                found[name] = spans
        return found

    def _mention_finder(self, relation: str) -> re.Pattern[str]:
        """Stems (a word starting so) or phrases (whole words) of the relation, in one pattern."""
        stems = [
            re.escape(s) + (r"[a-z0-9]*\b" if len(s) >= _MIN_STEM else r"\b")
            for s in sorted(self.stems.get(relation, ()))
        ]
        phrases = [
            r"\s+".join(map(re.escape, p.split())) + r"\b"
            for p in sorted(self.phrases.get(relation, ()), key=len, reverse=True)
        ]
        return re.compile(rf"\b(?:{'|'.join(stems + phrases) or '(?!)'})")

    def finder(self, relation: str) -> re.Pattern[str]:
        """One compiled pattern matching any of the relation's phrases as whole words (lower case)."""
        pattern = self._finders.get(relation)
        if pattern is None:
            phrases = sorted(self.phrases.get(relation, ()), key=len, reverse=True)
            body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) or "(?!)"
            pattern = self._finders[relation] = re.compile(rf"\b(?:{body})\b")
        return pattern

    def said(self, text: str, relation: str) -> bool:
        """Whether one of the relation's phrases occurs in ``text`` (whole words)."""
        joined = f" {' '.join(_words(text))} "
        return any(f" {phrase} " in joined for phrase in self.phrases.get(relation, ()))

    def first_phrase(self, words: list[str]) -> tuple[int, int, str] | None:
        """``(start, end, relation)`` of the earliest (then longest) trigger phrase in ``words``."""
        lowered = [w.lower() for w in words]
        for start, word in enumerate(lowered):
            best: tuple[int, str] | None = None
            for phrase, name in self._by_first_word.get(word, ()):
                if tuple(lowered[start : start + len(phrase)]) == phrase and (
                    best is None or len(phrase) > best[0]
                ):
                    best = (len(phrase), name)
            if best is not None:
                return start, start + best[0], best[1]
        return None


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))
