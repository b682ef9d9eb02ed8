"""Questions about what two named entities share: "Do A and B share an adverse effect?" (issue 11 part A).

"Do A and B share a N?", "Which N do A and B have in common?", "Name a N shared by A and B",
"a N common to A and B", "Which N do A and B both have?" and "A and B share the N X." say
that one entity x (the N) is related to A and to B in the same way: two statements
``A -p- x`` and ``B -p- x`` about one unnamed entity (or about X when it is named). Read as a
relation between A and B, such a question used to be contradicted by the graph's other
facts about the two.

The relation ``p`` and its direction come from the noun N, as "the N of" does elsewhere:

* a relation phrase "N of" / "N to" (the label "adverse effect of", the synonym "side effect
  of") makes x its subject: ``x -adverse_effect_of-> A``; "has N" (the label "has symptom")
  makes x its object; a phrase that is N itself, the side the types allow;
* else N names an entity type ("symptom"), or any type ("condition"; no N at all: "What do A
  and B have in common?"): every relation between A's type and that type is a reading, and
  the query holds when one of them holds for both (``Atom.readings``, ``query_check``).

A sentence without a cue word, without two names joined by "and", or whose other words are
more than a noun (a clause: "a disease they treat") is left to the other readings (None).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from kgsynth.model import Schema
from kgsynth.verify.lexicon import RelationLexicon
from kgsynth.verify.question_order import fits
from kgsynth.verify.question_terms import Atom, Term, TermFinder, VariableState
from kgsynth.verify.question_words import QuestionWords

_CUE = re.compile(r"\b(?:shar(?:e|es|ed|ing)|in\s+common|common\s+to|both\s+(?:have|has|had))\b", re.I)
_WORD = re.compile(r"\w[\w'-]*")
#: Words of a share sentence that are neither the shared noun nor a name.
_FRAME = frozenset(
    {
        *("share", "shares", "shared", "sharing", "in", "common", "to", "by", "both", "between", "and"),
        *("do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "there", "that"),
        *("a", "an", "the", "any", "some", "one", "same", "which", "what", "anything", "something"),
        *("of", "these", "following", "they", "me", "please"),
    }
)
_LEADING = frozenset({"is", "are", "was", "were", "a", "an", "the"})
_HAVE = frozenset({"has", "have"})
_PREPOSITIONS = frozenset({"of", "to", "for", "with", "in"})

Reading = tuple[str, bool]


class ShareReader:
    """Reads "A and B share a N" sentences into two statements about one shared entity."""

    def __init__(self, schema: Schema, lexicon: RelationLexicon, finder: TermFinder, words: QuestionWords):
        self.schema = schema
        self.lexicon = lexicon
        self.finder = finder
        self.words = words

    def atoms(
        self, text: str, start: int, end: int, terms: list[Term], state: VariableState
    ) -> list[Atom] | None:
        """The two statements of a share sentence ``text[start:end]``, or None if it is none."""
        if _CUE.search(text, start, end) is None:
            return None
        pair = _joined(text, terms)
        if pair is None:
            return None
        rest = [t for t in terms if t not in pair]
        named = None
        if len(rest) == 2 and rest[0].kind == "var" and rest[1].kind == "entity":
            if text[rest[0].end : rest[1].start].strip():
                return None
            named = rest.pop()  # "share the symptom nausea": the noun, then the shared entity's name
        if len(rest) > 1:
            return None
        value = rest[0] if rest else None
        noun = self._noun(text, start, end, terms, value)
        if noun is None:
            return None
        said, span = noun
        value_type = self.finder.noun_type(said) if said else None
        readings = self.readings(said, [t.type for t in pair], value_type)
        if not readings:
            return None
        value = named or self._value(text, start, value, said, span, value_type, state)
        relation, value_first = readings[0]
        alternatives = tuple((r, first != value_first) for r, first in readings) if len(readings) > 1 else ()
        atoms = []
        for anchor in pair:
            subject, object_ = (value, anchor) if value_first else (anchor, value)
            atoms.append(Atom(subject, relation, object_, start, end, "question:share", alternatives))
        return atoms

    def readings(self, noun: str, anchor_types: list[str | None], value_type: str | None) -> list[Reading]:
        """``(relation, shared entity is the subject)`` for each relation the noun may stand for."""
        named = [] if not noun else self._named_by(noun)
        fitting = [(n, first) for n, first in named if self._fits(n, first, anchor_types, value_type)]
        if not fitting:
            if noun and value_type is None and noun not in self.finder.generic:
                return []  # "a disease they treat", "adverse reactions reported": not a noun alone
            every = [(r.name, first) for r in self.schema.relation_types for first in (False, True)]
            fitting = [(n, first) for n, first in every if self._fits(n, first, anchor_types, value_type)]
        said = set(_WORD.findall(noun))
        worded = [(n, f) for n, f in fitting if said & set(_WORD.findall(n.replace("_", " ")))]
        return _distinct(self.schema, worded or fitting)

    def _fits(self, name: str, value_first: bool, anchor_types: list[str | None], value: str | None) -> bool:
        ends = ((value, a) if value_first else (a, value) for a in anchor_types)
        return all(fits(self.schema, name, subject, object_) for subject, object_ in ends)

    def _named_by(self, noun: str) -> list[Reading]:
        """The relations one of whose phrases is "N of", "has N" or N itself."""
        wanted = [noun.split()]
        singular = _singular(noun)
        if singular != noun:
            wanted.append(singular.split())
        found: list[Reading] = []
        for name, phrases in self.lexicon.phrases.items():
            for phrase in phrases:
                words = phrase.split()
                while len(words) > 1 and words[0] in _LEADING:
                    words = words[1:]
                for noun_words in wanted:
                    if words[:-1] == noun_words and words[-1] in _PREPOSITIONS:
                        found.append((name, True))
                    elif words[0] in _HAVE and [w for w in words[1:] if w not in _LEADING] == noun_words:
                        found.append((name, False))
                    elif words == noun_words:
                        found += [(name, False), (name, True)]
        return list(dict.fromkeys(found))

    def _noun(
        self, text: str, start: int, end: int, terms: list[Term], value: Term | None
    ) -> tuple[str, tuple[int, int]] | None:
        """The shared noun (lower case; "" when the sentence names none) and where it is said."""
        masked = list(text[start:end])
        for term in terms:
            for at in range(max(term.start, start), min(term.end, end)):
                masked[at - start] = "\x00"
        tokens = [m for m in _WORD.finditer("".join(masked)) if "\x00" not in m.group()]
        ask = set(self.words.ask_verbs)
        kept = [i for i, m in enumerate(tokens) if m.group().lower() not in _FRAME | ask]
        if kept and kept != list(range(kept[0], kept[-1] + 1)):
            return None  # words on both sides of a frame word: more than one noun
        if value is not None and value.kind == "var" and value.type is not None:
            if kept:
                return None  # "a disease they treat": the noun phrase goes on
            noun = self._var_noun(value)
            return (noun, (value.start, value.end)) if noun else None
        if not kept:
            return "", (start, start)
        first, last = tokens[kept[0]], tokens[kept[-1]]
        said = " ".join(tokens[i].group().lower() for i in kept)
        if len(kept) > 4:
            return None
        return said, (start + first.start(), start + last.end())

    def _var_noun(self, value: Term) -> str:
        words = value.text.lower().split()
        for cut in range(len(words)):
            noun = " ".join(words[cut:])
            if self.finder.noun_type(noun) is not None or noun in self.finder.generic:
                return noun
        return ""

    def _value(
        self,
        text: str,
        start: int,
        value: Term | None,
        noun: str,
        span: tuple[int, int],
        value_type: str | None,
        state: VariableState,
    ) -> Term:
        """The shared entity: the named one, the unnamed one the sentence has, or a new one."""
        if value is not None and value.kind == "entity":
            return value
        if value is not None:
            if value.type is None and value_type is not None and value.var is not None:
                value = replace(value, type=value_type)
                state.terms[value.var] = value
            return value
        first = (text[start:].split() or [""])[0].lower().strip(",:")
        asked = first in self.words.ask_verbs or first in self.words.asked_words
        return state.term(noun or "what they share", span, value_type, "", asked, self.words)


def _joined(text: str, terms: list[Term]) -> tuple[Term, Term] | None:
    """Two named entities joined by "and" ("A and B", "both A and B")."""
    for a, b in itertools.pairwise(terms):
        if a.kind == b.kind == "entity" and text[a.end : b.start].strip().lower() == "and":
            return a, b
    return None


def _distinct(schema: Schema, readings: list[Reading]) -> list[Reading]:
    """The readings without those that state the same facts (an inverse the other way, a
    symmetric relation either way)."""
    kept: list[Reading] = []
    for name, first in readings:
        relation = schema.relation_type(name)
        same = [(name, not first)] if relation.symmetric else []
        same += [(r.name, not first) for r in schema.relation_types if r.inverse_of == name]
        if relation.inverse_of:
            same.append((relation.inverse_of, not first))
        if not any(s in kept for s in same):
            kept.append((name, first))
    return kept


def _singular(noun: str) -> str:
    """The noun phrase with its last word in the singular ("adverse effects" -> "adverse effect")."""
    head, _, last = noun.rpartition(" ")
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("ses", "xes", "ches", "shes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return f"{head} {last}".strip()
