"""The terms of a question: named entities (linked) and unnamed ones (variables), in text order.

A noun phrase made of a determiner and an entity type's label is no link to a graph entity
named "drug" or "agreement": "a certain drug" introduces an unnamed entity, "this drug" /
"the second drug" refers back to one, "which drug" / "Name one drug" is the entity asked
for (issue 11). Everything else the pipeline found in the sentence is a named entity,
linked to the graph. The determiner lists come from ``questions.patterns.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from kgsynth.model import Schema
from kgsynth.nlp.facts import FoundMention
from kgsynth.verify.lexicon import RelationLexicon
from kgsynth.verify.link import StoreLinker
from kgsynth.verify.question_words import QuestionWords

TermKind = Literal["entity", "var"]
_WORD = re.compile(r"\w[\w'-]*")
_ARTICLE = re.compile(r"^(?:the|a|an|this|that)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """One argument of a question's statements: a named entity (its candidate ids) or a variable."""

    kind: TermKind
    text: str
    start: int
    end: int
    type: str | None = None
    ids: tuple[str, ...] = ()
    var: int | None = None
    asked: bool = False


@dataclass(frozen=True)
class Atom:
    """One statement of a question: ``subject -predicate-> object`` over terms, where it was read.

    ``readings`` lists the relations an ambiguous noun may stand for ("Do A and B share a
    symptom?": A causes it, or A treats it), each as ``(relation, swapped)``, ``swapped`` when
    that relation runs from ``object`` to ``subject``; reading ``i`` is taken by every atom
    of the query at once (``query_check``), so both ends share the same relation.
    """

    subject: Term
    predicate: str
    object: Term
    start: int
    end: int
    rule: str
    readings: tuple[tuple[str, bool], ...] = ()


class TermFinder:
    """Finds a sentence's terms; variables are numbered across the sentences of one question."""

    def __init__(
        self, schema: Schema, linker: StoreLinker, words: QuestionWords, lexicon: RelationLexicon
    ) -> None:
        self.schema = schema
        self.lexicon = lexicon
        self.linker = linker
        self.words = words
        self.nouns: dict[str, str] = {}
        for entity_type in schema.entity_types:
            label = (entity_type.label or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entity_type.name)).lower()
            for noun in (label, _plural(label)):
                self.nouns.setdefault(noun, entity_type.name)
        #: Nouns that stand for an entity of any type ("several conditions": a disease or a symptom).
        self.generic = frozenset(words.generic_nouns) - set(self.nouns)
        dets = sorted({*words.new, *words.back, *words.asked}, key=len, reverse=True)
        nouns = sorted({*self.nouns, *self.generic}, key=len, reverse=True)
        det_re, noun_re = "|".join(map(_words_re, dets)), "|".join(map(_words_re, nouns))
        self._phrase = re.compile(
            rf"(?<![\w-])(?P<det>{det_re})\s+(?P<noun>{noun_re})(?![\w-])", re.IGNORECASE
        )
        asked_dets = "|".join(map(_words_re, sorted(words.asked, key=len, reverse=True)))
        # "With which does X interact?": a preposition may come first
        self._alone = re.compile(
            rf"^\s*(?:(?:with|of|in|to|for|by|from)\s+)?(?P<det>{asked_dets})(?![\w-])", re.IGNORECASE
        )

    def noun_type(self, noun: str) -> str | None:
        """The entity type a noun names ("drugs" -> "Drug"), or None."""
        return self.nouns.get(noun.lower())

    def variables(self, text: str, start: int, end: int, state: VariableState) -> list[Term]:
        """The unnamed entities of ``text[start:end]`` (one sentence), numbered in ``state``."""
        found: list[Term] = []
        sentence = text[start:end]
        for match in self._phrase.finditer(sentence):
            det, noun = match.group("det").lower(), match.group("noun")
            type_name = self.noun_type(noun)
            if self._starts_phrase(sentence[match.start("noun") :]):
                continue  # "is a party to": the noun is part of a relation's phrase
            if _as_relation_noun(sentence, match.start(), match.end()):
                continue  # "that has this symptom as a symptom": the noun names the relation
            before = sentence[: match.start()].split()
            # "which drugs" asks wherever it stands ("X appears in which movies?"); a relative "which"
            # is followed by a clause, not by a type noun.
            asked = det in self.words.asked or _asks(before, self.words.ask_verbs)
            at = (start + match.start(), start + match.end())
            found.append(state.term(match.group(0), at, type_name, det, asked, self.words))
        alone = self._alone.match(sentence)
        if alone and not any(t.start == start + alone.start("det") for t in found):
            at = (start + alone.start("det"), start + alone.end("det"))
            found.append(state.term(alone.group("det"), at, None, "", True, self.words))
        return found

    def _starts_phrase(self, rest: str) -> bool:
        found = self.lexicon.first_phrase(_WORD.findall(rest.lower())[:6])
        return found is not None and found[0] == 0 and found[1] >= 2

    def entities(self, mentions: list[FoundMention], taken: list[Term]) -> list[Term]:
        """The pipeline's mentions that no variable overlaps, linked to the graph."""
        terms = []
        for mention in mentions:
            overlapped = [t for t in taken if mention.start < t.end and t.start < mention.end]
            if overlapped:
                rest = self._rest(mention, max(t.end for t in overlapped))
                if rest is not None:
                    terms.append(rest)
                continue
            if self.noun_type(_ARTICLE.sub("", mention.text)) is not None:
                continue  # a bare type noun ("agreement", "date") is generic, never a named entity
            link = self.linker.link(mention)
            ids = tuple(dict.fromkeys(i for i in (link.entity_id, *_candidates(self.linker, mention)) if i))
            terms.append(
                Term("entity", mention.text, mention.start, mention.end, link.type or mention.type, ids)
            )
        return terms

    def _rest(self, mention: FoundMention, after: int) -> Term | None:
        """The longest name at the end of a mention a variable cut into ("[that drug] cause bronchospasm")."""
        tail = mention.text[after - mention.start :]
        words = [m for m in _WORD.finditer(tail)]
        for first in words:
            name = tail[first.start() :].strip()
            link = self.linker.resolve(mention.type, name, name)
            if link.entity_id is None:
                link = self.linker.resolve(None, name, name)
            if link.entity_id is not None:
                start = after + first.start()
                ids = tuple(dict.fromkeys(i for i in (link.entity_id, *link.candidates) if i))
                return Term("entity", name, start, start + len(name), self.linker.entity_type(ids[0]), ids)
        return None

    def answer(self, text: str, type_name: str | None, at: int) -> Term:
        """The answer's name linked in the asked type (any type when that finds nothing)."""
        ids: tuple[str, ...] = ()
        for wanted in (type_name, None) if type_name else (None,):
            link = self.linker.resolve(wanted, text, text)
            ids = tuple(dict.fromkeys(i for i in (link.entity_id, *link.candidates) if i))
            if ids:
                break
        found_type = self.linker.entity_type(ids[0]) if ids else type_name
        return Term("entity", text, at, at + len(text), found_type, ids)


@dataclass
class VariableState:
    """The variables introduced so far in one question, and by which ordinal ("a second drug")."""

    terms: list[Term]
    ordinals: dict[tuple[str, str | None], int]
    #: How many variables the earlier sentences introduced: "this drug" refers to those first.
    before_sentence: int = 0

    @classmethod
    def empty(cls) -> VariableState:
        return cls([], {})

    def next_sentence(self) -> None:
        """Start a sentence: its back references look at the earlier sentences' variables first."""
        self.before_sentence = len(self.terms)

    def term(
        self,
        text: str,
        at: tuple[int, int],
        type_name: str | None,
        det: str,
        asked: bool,
        words: QuestionWords,
    ) -> Term:
        ordinal = next((w for w in det.split() if w in words.ordinals), None)
        if not asked and det in words.back:
            earlier = self._earlier(type_name, ordinal)
            if earlier is not None:
                return replace(earlier, text=text, start=at[0], end=at[1])
        made = Term("var", text, at[0], at[1], type_name, var=len(self.terms), asked=asked)
        self.terms.append(made)
        if ordinal is not None:
            self.ordinals[(ordinal, type_name)] = made.var or 0
        return made

    def _earlier(self, type_name: str | None, ordinal: str | None) -> Term | None:
        if ordinal is not None and (ordinal, type_name) in self.ordinals:
            return self.terms[self.ordinals[(ordinal, type_name)]]
        for pool in (self.terms[: self.before_sentence], self.terms[self.before_sentence :]):
            for term in reversed(pool):
                if term.type == type_name and term.kind == "var" and not term.asked:
                    return term
        return None


def _as_relation_noun(sentence: str, start: int, end: int) -> bool:
    """ "... has X as a symptom?": a noun phrase after "as" that ends the sentence names the relation."""
    before = sentence[:start].split()
    return bool(before) and before[-1].lower() == "as" and not sentence[end:].strip(" ?.!")


def _asks(before: list[str], verbs: tuple[str, ...]) -> bool:
    """Whether the phrase follows an imperative that asks for it ("Name one drug ...")."""
    return len(before) == 1 and before[0].lower().strip(",:") in verbs


def _candidates(linker: StoreLinker, mention: FoundMention) -> tuple[str, ...]:
    return linker.resolve(mention.type, mention.canonical or mention.text, mention.text).candidates


def _plural(noun: str) -> str:
    if noun.endswith("y") and not noun.endswith(("ay", "ey", "oy")):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _words_re(phrase: str) -> str:
    return r"\s+".join(map(re.escape, phrase.split()))
