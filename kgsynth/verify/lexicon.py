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
#: Distinct text words whose possible relations are remembered (the cache is cleared beyond).
_TOKEN_CACHE_SIZE = 100_000
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
        self._starts: dict[str, tuple[str, ...]] = {}
        self._unfiltered: set[str] = set()
        for name in self.phrases:
            starts = {*self.stems[name], *(p.split()[0] for p in self.phrases[name])}
            if all(_WORD.fullmatch(word) for word in starts):
                self._starts[name] = tuple(sorted(starts))
            else:
                self._unfiltered.add(name)
        self._by_token: dict[str, tuple[str, ...]] = {}
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
        return frozenset(self.signals(text))

    def signals(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Where in ``text`` each relation is spoken of (the spans ``mentioned`` finds), by relation."""
        lowered = text.lower()
        at = self._where_possible(lowered)
        found: dict[str, list[tuple[int, int]]] = {}
        for name, pattern in self._mention_finders.items():
            if name in self._unfiltered:
                spans = [m.span() for m in pattern.finditer(lowered)]
            else:
                spans = _spans_at(pattern, lowered, at.get(name, ()))
            if spans:
                found[name] = spans
        return found

    def _where_possible(self, lowered: str) -> dict[str, list[int]]:
        """Where each relation's mention pattern can match at all, so the big patterns are tried
        there only, not at every character of the text.

        A pattern matches at a word boundary, with a stem or the first word of a phrase, all made
        of ``[a-z0-9]``; so it can only match where an ``[a-z0-9]`` run starts with one of them.
        (Relations with words of other characters are in ``_unfiltered`` and searched in full.)
        """
        at: dict[str, list[int]] = {}
        for token in _WORD.finditer(lowered):
            word = token.group()
            relations = self._by_token.get(word)
            if relations is None:
                if len(self._by_token) >= _TOKEN_CACHE_SIZE:
                    self._by_token.clear()
                relations = self._by_token[word] = tuple(
                    name for name, starts in self._starts.items() if word.startswith(starts)
                )
            for name in relations:
                at.setdefault(name, []).append(token.start())
        return at

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


def _spans_at(pattern: re.Pattern[str], lowered: str, starts: Iterable[int]) -> list[tuple[int, int]]:
    """``pattern.finditer(lowered)``'s spans, trying only ``starts`` (ascending): the only places
    a match can begin (see ``RelationLexicon._where_possible``); matches never overlap."""
    spans: list[tuple[int, int]] = []
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(lowered, start)) is not None:
            spans.append(match.span())
            end = match.end()
    return spans


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))
