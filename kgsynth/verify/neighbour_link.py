"""Graph-guided linking: names the store lookup missed, matched against the entities around the text's.

The exact and fuzzy store lookups (``link.py``) fail on the ways people shorten and
respell names: "Hilmi Guner" for "Hilmi Güner", "Arem" for "Arem-arem", "MIT" for
"Massachusetts Institute of Technology", "American" for the United States, one street of
a stored address, one ingredient of a stored list. Searching the whole graph for such
loose matches would link almost anything to something. So the search is limited to the
*neighbourhood* of the text: the entities its other mentions already link to (anchors)
and their direct neighbours in the graph. A text about Aarhus that says "the Danish
city" can only be linked to what the graph says about Aarhus.

For each unlinked mention, in order:

1. it only spells out part of the full name of an anchor named in the same sentence
   ("Izmir" beside "Atatürk Monument", the entity "Atatürk Monument (İzmir)"): it is a
   qualifier, not another entity, and is dropped;
2. it matches an anchor or a neighbour: as whole words of its name, accents and
   punctuation ignored (score 1.0); as the initials of its name ("MIT", 0.95); after
   replacing a demonym or short form of a place ("US Navy" -> "United States Navy",
   ``place_names.py``, 0.95); or by fuzzy partial match of a long enough mention
   (rapidfuzz ``partial_ratio`` >= 90, its score): it is linked, method ``neighbour:<how>``;
3. it is a number word ("first", "two") or made only of words of relation labels
   ("ISBN" of "isbn number", "NASA" of "was selected by NASA"): it says how, not what,
   and is dropped.

Anything else stays unlinked. Neighbours are read only for texts that have an unlinked
mention, at most ``NEIGHBOUR_LIMIT`` per anchor, and cached per anchor.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from kgsynth.model import LinkedMention
from kgsynth.names import fold_accents
from kgsynth.nlp.facts import FoundMention
from kgsynth.store.base import GraphStore
from kgsynth.verify.link import MAX_CANDIDATES, StoreLinker
from kgsynth.verify.place_names import place_expansions

logger = logging.getLogger(__name__)

#: Most neighbours read per anchor entity.
NEIGHBOUR_LIMIT = 200
#: Shortest mention (folded characters) matched fuzzily.
FUZZY_MIN_CHARS = 5
FUZZY_MIN_SCORE = 90
_CACHE_SIZE = 20_000
_NON_WORD = re.compile(r"[\W_]+")
_FOLLOWING = re.compile(r"[ \t]+(\w+)")
_NAME_STOP = frozenset(
    {"of", "the", "and", "for", "in", "at", "on", "de", "del", "la", "le", "du", "a", "an"}
)
NUMBER_WORDS = frozenset(
    {
        *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"),
        *("twelve", "twenty", "hundred", "thousand", "million", "billion", "once", "twice", "dozen"),
        *("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"),
    }
)


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: "Atatürk Monument (İzmir)" ->
    "ataturk monument izmir"."""
    return " ".join(_NON_WORD.split(fold_accents(text))).strip()


def initials(name: str) -> set[str]:
    """Acronyms a name may be written as: of the whole name and of its first comma-separated part."""
    found = set()
    for part in {name, name.split(",")[0], re.sub(r"\s*\([^)]*\)", "", name)}:
        words = [w for w in re.split(r"[\s\-–]+", part) if w and w[0].isalpha()]
        letters = "".join(w[0] for w in words if w.lower() not in _NAME_STOP)
        if len(letters) >= 2:
            found.add(letters.upper())
    return found


class NeighbourLinker:
    """Links what the store lookup missed to the text's anchors and their graph neighbours."""

    def __init__(
        self,
        store: GraphStore,
        linker: StoreLinker,
        relation_words: Iterable[str] = (),
        *,
        limit: int = NEIGHBOUR_LIMIT,
    ) -> None:
        self.store = store
        self.linker = linker
        self.relation_words = frozenset(relation_words)
        self.limit = limit
        self._neighbours: OrderedDict[str, tuple[str, ...]] = OrderedDict()

    def relink(
        self,
        text: str,
        mentions: Sequence[FoundMention],
        linked: list[LinkedMention],
        candidates: list[tuple[str, ...]],
    ) -> set[int]:
        """Link unlinked mentions in place (``linked``, ``candidates``); return the mentions to drop."""
        unlinked = [i for i, m in enumerate(linked) if m.entity_id is None and m.method != "pronoun"]
        if not unlinked:
            return set()
        _, around = self.around(linked, candidates)
        dropped: set[int] = set()
        for i in unlinked:
            mention = mentions[i]
            if self._qualifies_neighbour(i, mentions, linked):
                dropped.add(i)
                continue
            match = self._match(mention.text, around, _next_word(mentions, i, text))
            if match is not None:
                ids, how, score = match
                linked[i] = linked[i].model_copy(
                    update={"entity_id": ids[0], "method": f"neighbour:{how}", "score": round(score, 4)}
                )
                candidates[i] = ids
            elif self._says_how(mention.text):
                dropped.add(i)
        return dropped

    def around(
        self, linked: Sequence[LinkedMention], candidates: Sequence[tuple[str, ...]]
    ) -> tuple[list[str], list[str]]:
        """The text's anchors (every entity a linked mention may name) and, after them, the anchors
        with their graph neighbours: where a name the store lookup missed may be looked for."""
        anchors = list(dict.fromkeys(e for i, c in enumerate(candidates) if linked[i].entity_id for e in c))
        around = list(dict.fromkeys([*anchors, *(n for a in anchors for n in self.neighbours(a))]))
        return anchors, around

    def neighbours(self, entity_id: str) -> tuple[str, ...]:
        """The entities one fact away from ``entity_id`` (at most ``limit``), cached."""
        hit = self._neighbours.get(entity_id)
        if hit is None:
            relations = self.store.neighbours(entity_id, limit=self.limit)
            hit = tuple(dict.fromkeys(r.object if r.subject == entity_id else r.subject for r in relations))
            self._neighbours[entity_id] = hit
            if len(self._neighbours) > _CACHE_SIZE:
                self._neighbours.popitem(last=False)
        else:
            self._neighbours.move_to_end(entity_id)
        return hit

    def _qualifies_neighbour(
        self, index: int, mentions: Sequence[FoundMention], linked: list[LinkedMention]
    ) -> bool:
        """Whether the mention spells out part of the full name of a linked mention of its sentence."""
        mention = mentions[index]
        folded = f" {fold(mention.text)} "
        if not folded.strip():
            return False
        for j, other in enumerate(mentions):
            entity = linked[j].entity_id
            if j == index or entity is None or other.sentence_start != mention.sentence_start:
                continue
            if other.start < mention.end and mention.start < other.end:
                continue
            if any(folded in f" {fold(name)} " for name in self.linker.names(entity)):
                return True
        return False

    def _match(
        self, text: str, around: Sequence[str], next_word: str = ""
    ) -> tuple[tuple[str, ...], str, float] | None:
        """The best-matching entities of ``around`` (several when equally good), how and how well.

        ``next_word``: the word after the mention when it may continue the name (a number or
        a capitalised word: "Apollo" of "Apollo 8"); a name must then contain it too.
        """
        forms = [(fold(text), "name")] + [(fold(f), "place") for f in place_expansions(text)]
        if next_word:
            forms = [(f"{form} {fold(next_word)}", how) for form, how in forms]
        letters = re.sub(r"[^A-Za-z]", "", text)
        acronym = letters if letters.isupper() and 2 <= len(letters) <= 6 else ""
        best: list[str] = []
        best_how, best_score = "", 0.0
        for entity in around:
            for name in self.linker.names(entity):
                how, score = self._score(forms, acronym, name)
                if score > best_score:
                    best, best_how, best_score = [entity], how, score
                elif score == best_score and score > 0 and entity not in best:
                    best.append(entity)
        if not best:
            return None
        return tuple(best[:MAX_CANDIDATES]), best_how, best_score

    @staticmethod
    def _score(forms: list[tuple[str, str]], acronym: str, name: str) -> tuple[str, float]:
        folded_name = f" {fold(name)} "
        for form, how in forms:
            if len(form) >= 3 and f" {form} " in folded_name:
                return ("words", 1.0) if how == "name" else ("place", 0.95)
        if acronym and acronym in initials(name):
            return "initials", 0.95
        form = forms[0][0]
        # Numbers must match exactly: "Apollo 8" is not "Apollo 12".
        if (
            len(form) >= FUZZY_MIN_CHARS
            and len(form) <= len(folded_name)
            and not any(c.isdigit() for c in form)
        ):
            score = fuzz.partial_ratio(form, folded_name.strip())
            if score >= FUZZY_MIN_SCORE:
                return "fuzzy", score / 100 * 0.9
        return "", 0.0

    def _says_how(self, text: str) -> bool:
        """A number word, or words of relation labels only: no entity."""
        words = fold(text).split()
        return bool(words) and (
            all(w in NUMBER_WORDS for w in words) or all(w in self.relation_words for w in words)
        )


def _next_word(mentions: Sequence[FoundMention], index: int, text: str) -> str:
    """The word right after the mention if it is a number or capitalised (NER may cut a name short)."""
    mention = mentions[index]
    match = _FOLLOWING.match(text, mention.end, mention.sentence_end)
    if match is None:
        return ""
    word = match.group(1)
    if any(m.start <= match.start(1) < m.end for m in mentions):
        return ""  # the next mention, not the rest of this one
    return word if word[0].isdigit() or (word[0].isupper() and word.lower() not in _NAME_STOP) else ""
