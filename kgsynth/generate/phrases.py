"""How a relation reads in a sentence: the ``Phrase`` a template gets for each hop.

A pack's manifest may spell a relation out (``phrases:`` per language); otherwise the phrase
is derived from the relation's label (``RelationType.label``, else its name split on ``_`` and
camelCase), so the ``generic`` pack can phrase questions on any graph, RDF imports included.

English phrases have a ``kind`` that decides the sentence frame:

    verb    "aspirin treats headache"            verb3="treats", verb="treat"
    be      "headache is treated by aspirin"     be="treated by" (or "a party to")
    has     "flu has fever as a symptom"         noun="symptom"
    noun    "the effective date of X is Y"       noun="effective date"
    opaque  'X is linked to Y by the relation "label"' (when the label is none of the above)

Other languages (Chinese) use four fill-in patterns instead, with the slots ``{s}`` ``{o}``
(statement), ``{D}`` (the known side's description) and ``{T}`` (the asked side's type label),
and ``{label}``. Slots are filled by plain substitution, never ``str.format``, so a user's
manifest cannot reach into Python objects.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kgsynth.generate.grammar import PREPOSITIONS, indefinite_article, words_of

PhraseKind = Literal["verb", "be", "has", "noun", "opaque"]

_IRREGULAR_PARTICIPLES = frozenset(
    [
        "born",
        "made",
        "known",
        "written",
        "given",
        "taken",
        "held",
        "built",
        "done",
        "found",
        "led",
        "paid",
        "sold",
        "bought",
        "brought",
        "caught",
        "taught",
        "thought",
        "run",
        "shown",
        "seen",
        "chosen",
        "drawn",
        "driven",
        "eaten",
        "fallen",
        "forgotten",
        "frozen",
        "hidden",
        "ridden",
        "risen",
        "spoken",
        "stolen",
        "sworn",
        "torn",
        "worn",
        "woven",
    ]
)
#: Nouns read without an article before "of": "X is part of Y" (but "X is a subclass of Y").
_NO_ARTICLE_NOUNS = frozenset({"part"})
#: Nouns that make a membership claim, whatever follows: "X is a member of sports team Y".
_MEMBERSHIP_NOUNS = frozenset({"member", "instance", "subclass", "citizen", "employee"})
_VERB_EXCEPTIONS = frozenset({"is", "was", "has", "does", "status", "genus", "basis", "series", "species"})
_SLOT = re.compile(r"\{(s|o|D|T|label)\}")


class Phrase(BaseModel):
    """How one relation reads; see the module docstring for the kinds and slots."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PhraseKind = "opaque"
    verb: str = ""
    verb3: str = ""
    be: str = ""
    noun: str = ""
    statement: str = ""
    negated: str = ""
    forward: str = ""
    inverse: str = ""
    label: str = ""
    #: True when a pack's manifest spelled this phrase out (not derived from the label).
    spelled: bool = False

    def with_label(self, label: str) -> Phrase:
        """This phrase with ``label`` set and the third-person verb derived when only the base is given."""
        update: dict[str, str] = {"label": self.label or label}
        if self.kind == "verb" and self.verb and not self.verb3:
            update["verb3"] = third_person(self.verb)
        if self.kind == "verb" and self.verb3 and not self.verb:
            update["verb"] = base_form(self.verb3)
        return self.model_copy(update=update)


def fill(pattern: str, **slots: object) -> str:
    """Fill ``{s}``, ``{o}``, ``{D}``, ``{T}`` and ``{label}`` in a phrase pattern; other braces stay."""
    return _SLOT.sub(lambda m: str(slots[m.group(1)]) if m.group(1) in slots else m.group(0), pattern)


def english_phrase(label: str) -> Phrase:
    """Guess the sentence frame of a relation from its English label.

    Example:
        >>> english_phrase("has symptom").noun, english_phrase("treated by").be
        ('symptom', 'treated by')
    """
    words = words_of(label).split() if "_" in label or label.isidentifier() else label.lower().split()
    text = " ".join(words)
    if not words:
        return Phrase(label=label)
    first, last = words[0], words[-1]
    if first in ("has", "have") and len(words) > 1:
        return Phrase(kind="has", noun=" ".join(words[1:]), label=text)
    if first in ("is", "was", "are") and len(words) > 1:
        return Phrase(kind="be", be=" ".join(words[1:]), label=text)
    if len(words) > 1 and (
        (last in PREPOSITIONS and _is_participle(words[-2]) and len(words) <= 4)
        or (_is_participle(first) and words[1] in PREPOSITIONS)
    ):
        return Phrase(kind="be", be=text, label=text)
    if _is_third_person(first):
        if len(words) == 1 or (len(words) <= 3 and last in PREPOSITIONS):
            rest = " ".join(words[1:])
            return Phrase(kind="verb", verb3=text, verb=f"{base_form(first)} {rest}".strip(), label=text)
        return Phrase(label=text)  # "belongs to class": a verb with its object's noun folded in
    if len(words) > 1 and (last in PREPOSITIONS or first in _MEMBERSHIP_NOUNS):
        article = "" if first in _NO_ARTICLE_NOUNS else indefinite_article(text) + " "
        return Phrase(kind="be", be=f"{article}{text}", label=text)
    if len(words) <= 5 and first not in PREPOSITIONS and not (len(words) == 1 and first.endswith("ing")):
        return Phrase(kind="noun", noun=text, label=text)
    return Phrase(label=text)


def _is_participle(word: str) -> bool:
    return (word.endswith("ed") and len(word) > 3) or word in _IRREGULAR_PARTICIPLES


def _is_third_person(word: str) -> bool:
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is", "ous"))
        and word not in _VERB_EXCEPTIONS
    )


def base_form(verb3: str) -> str:
    """The base form of a third-person verb phrase: "causes" -> "cause", "cites to" -> "cite to"."""
    first, _, rest = verb3.partition(" ")
    if first.endswith("ies") and len(first) > 4:
        base = first[:-3] + "y"
    elif re.search(r"(sses|shes|ches|xes|zes|oes)$", first):
        base = first[:-2]
    elif first.endswith("s"):
        base = first[:-1]
    else:
        base = first
    return f"{base} {rest}".strip()


def third_person(verb: str) -> str:
    """ "treat" -> "treats", "carry" -> "carries", "interact with" -> "interacts with"."""
    first, _, rest = verb.partition(" ")
    if re.search(r"[^aeiou]y$", first):
        first = first[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh|o)$", first):
        first += "es"
    else:
        first += "s"
    return f"{first} {rest}".strip()


#: Fill-in patterns for a relation a Chinese pack does not spell out: quote the label.
CHINESE_DEFAULT = Phrase(
    kind="opaque",
    statement="{s}通过“{label}”关系连接到{o}",
    negated="{s}与{o}之间不存在“{label}”关系",
    forward="{D}通过“{label}”关系连接到的{T}",
    inverse="通过“{label}”关系连接到{D}的{T}",
)


def default_phrase(label: str, language: str) -> Phrase:
    """The phrase for a relation no manifest spells out, in ``language``."""
    if language.startswith("en"):
        return english_phrase(label)
    return CHINESE_DEFAULT.model_copy(update={"label": label})


__all__ = [
    "CHINESE_DEFAULT",
    "Phrase",
    "PhraseKind",
    "base_form",
    "default_phrase",
    "english_phrase",
    "fill",
    "third_person",
]
