"""Which relation a question's sentence states, and which of its two terms is the subject.

The relation is the first of the lexicon's phrases outside the terms ("interacts with"),
else "has" before a term whose type a relation's label names ("Does tremor have that
symptom?" for ``has_symptom``), else "the N of" where N is a type a relation ranges over
("the drug class of X", "X is a symptom of Y"), else the one relation whose word stems the
sentence uses ("a known interaction between A and B").

The subject, in this order (each rule named in the atom's ``rule``):

* ``noun_of``: "the effective date of Y is X", "Is X the effective date of Y": Y;
* ``has_as``: "A has B as its effective date": A;
* ``relative``: a phrase left stranded at the end after a relative clause ("a drug that this
  symptom is an adverse effect of"): the term inside the clause;
* ``wh_object``: "Which agreement is that organization a party to?": the term after the auxiliary;
* ``passive``: "Y is caused by X": X;
* ``as_written``: otherwise the first term;

and then, when the relation's domain and range fit only the other way round, the ends
are swapped (``+types``): "Which of the following is rifampin used to treat?" does not
make a disease treat a drug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kgsynth.model import Schema
from kgsynth.verify.lexicon import GENERIC_WORDS, RelationLexicon
from kgsynth.verify.qa import AUXILIARIES
from kgsynth.verify.question_terms import Term, TermFinder
from kgsynth.verify.question_words import QuestionWords

_TOKEN = re.compile(r"\w[\w'-]*|[^\w\s]")
_HAVE = frozenset({"has", "have", "had", "having"})
_PREPOSITIONS = frozenset({"of", "to", "in", "on", "at", "by", "for", "with", "from", "as"})
_OF_NOUN = re.compile(r"^(?:(?:is|are|was|were)\s+)?(?:(?:a|an|the|one)\s+)?(?P<noun>[\w ]*?)\s*of$")


@dataclass(frozen=True)
class Relation:
    """The relation a sentence states and how it was said."""

    name: str
    start: int
    end: int
    how: str = "phrase"
    of_after: bool = False
    by_after: bool = False
    as_before: bool = False


def find_relation(
    text: str,
    start: int,
    end: int,
    terms: list[Term],
    lexicon: RelationLexicon,
    schema: Schema,
    finder: TermFinder,
) -> Relation | None:
    """The relation of ``text[start:end]`` outside its terms (see the module docstring), or None."""
    tokens = [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    words = [w if not any(t.start < e and s < t.end for t in terms) else "\x00" for w, s, e in tokens]
    found = _first_phrase(words, lexicon)
    if found is not None:
        i, j, name = found
        after = words[j] if j < len(words) else ""
        last = words[j - 1]
        before = [w for w in words[:i] if w not in ("its", "a", "an", "the", "their")]
        return Relation(
            name,
            tokens[i][1],
            tokens[j - 1][2],
            of_after=after == "of" and last not in _PREPOSITIONS,
            by_after=after == "by" and "by" not in words[i:j],
            as_before=bool(before) and before[-1] == "as",
        )
    return (
        _has_noun(words, tokens, terms, schema, finder)
        or _noun_of(text, terms, schema, finder)
        or _by_stem(text, start, end, terms, lexicon)
    )


def order(
    text: str,
    start: int,
    end: int,
    terms: list[Term],
    relation: Relation,
    schema: Schema,
    words: QuestionWords,
) -> tuple[Term, Term, str]:
    """``(subject, object, rule)`` of a sentence's two terms under ``relation``."""
    first, second = terms
    if relation.how in ("has_noun",):
        subject, object_, rule = first, second, relation.how
    elif relation.how == "noun_of":
        subject, object_, rule = second, first, relation.how
    elif relation.of_after:
        after = next((t for t in terms if t.start >= relation.end), second)
        subject, object_, rule = after, first if after is second else second, "noun_of"
    elif relation.as_before:
        subject, object_, rule = first, second, "has_as"
    elif second.end <= relation.start and not text[relation.end : end].strip(" ?.!"):
        between = text[first.end : second.start].lower().split()
        after_first = between[0] if between else ""
        if any(w in words.relative_words for w in between):
            subject, object_, rule = second, first, "relative"
        elif first.asked and after_first in AUXILIARIES:
            subject, object_, rule = second, first, "wh_object"
        else:
            subject, object_, rule = first, second, "as_written"
    elif relation.by_after:
        subject, object_, rule = second, first, "passive"
    else:
        subject, object_, rule = first, second, "as_written"
    if not fits(schema, relation.name, subject.type, object_.type) and fits(
        schema, relation.name, object_.type, subject.type
    ):
        subject, object_, rule = object_, subject, rule + "+types"
    return subject, object_, f"question:{rule}"


def fits(schema: Schema, name: str, subject: str | None, object_: str | None) -> bool:
    """Whether ends of these types may be the relation's subject and object (unknown types may)."""
    relation = schema.relation_type(name)
    return all(
        not allowed
        or type_name is None
        or not schema.has_entity_type(type_name)
        or any(schema.is_a(type_name, a) for a in allowed)
        for type_name, allowed in ((subject, relation.domain), (object_, relation.range))
    )


def _first_phrase(words: list[str], lexicon: RelationLexicon) -> tuple[int, int, str] | None:
    """The lexicon's first phrase with a word that says which relation is meant ("is an" says none)."""
    start = 0
    while start < len(words):
        found = lexicon.first_phrase(words[start:])
        if found is None:
            return None
        i, j, name = found
        if any(w not in GENERIC_WORDS for w in words[start + i : start + j]):
            return start + i, start + j, name
        start += i + 1
    return None


def _has_noun(
    words: list[str],
    tokens: list[tuple[str, int, int]],
    terms: list[Term],
    schema: Schema,
    finder: TermFinder,
) -> Relation | None:
    """ "Heart failure has a certain symptom": "has" before a term of the type a "has N" relation names."""
    for index, word in enumerate(words[:-1]):
        if word not in _HAVE or words[index + 1] != "\x00":
            continue
        term = next((t for t in terms if t.start >= tokens[index][2]), None)
        if term is None or term.type is None:
            continue
        for relation in schema.relation_types:
            label = (relation.label or relation.name.replace("_", " ")).lower().split()
            if len(label) >= 2 and label[0] in _HAVE and finder.noun_type(" ".join(label[1:])) == term.type:
                return Relation(relation.name, tokens[index][1], tokens[index][2], how="has_noun")
    return None


def _noun_of(text: str, terms: list[Term], schema: Schema, finder: TermFinder) -> Relation | None:
    """ "the drug class of X", "X is a symptom of Y": a relation from Y's type to that noun's type."""
    if len(terms) != 2:
        return None
    first, second = terms
    between = _OF_NOUN.match(text[first.end : second.start].strip().lower())
    if between is None or second.type is None:
        return None
    noun = between.group("noun").strip()
    wanted = finder.noun_type(noun) if noun else first.type
    if wanted is None:
        return None
    fitting = [
        r.name
        for r in schema.relation_types
        if r.domain
        and r.range
        and any(schema.is_a(second.type, d) for d in r.domain)
        and any(schema.is_a(wanted, t) for t in r.range)
    ]
    if len(fitting) > 1:
        # "the drug class of this drug": interacts_with may range over drug classes too, but only
        # belongs_to_class says "class"
        said = set(re.findall(r"[a-z]+", (noun or text[first.start : first.end]).lower())) - GENERIC_WORDS
        fitting = [r for r in fitting if said & set(_label_words(schema, r))]
    if len(fitting) != 1:
        return None
    return Relation(fitting[0], first.end, second.start, how="noun_of")


def _label_words(schema: Schema, name: str) -> list[str]:
    relation = schema.relation_type(name)
    label = relation.label or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", relation.name).replace("_", " ")
    return re.findall(r"[a-z]+", label.lower())


def _by_stem(text: str, start: int, end: int, terms: list[Term], lexicon: RelationLexicon) -> Relation | None:
    """The one relation whose word stems the sentence uses outside its terms."""
    masked = list(text[start:end])
    for term in terms:
        for at in range(max(term.start, start), min(term.end, end)):
            masked[at - start] = " "
    signals = lexicon.signals("".join(masked))
    if len(signals) != 1:
        return None
    ((name, spans),) = signals.items()
    return Relation(name, start + spans[0][0], start + spans[0][1], how="stem")
