"""Graph-guided mention finding: names of the text's graph neighbours that the pipeline never found.

The pipeline finds names by its gazetteer, NER and rules. Lower-case concepts ("can be
found in hardcover", "worked as a test pilot"), names written with other punctuation
("E book" for "E-book") and list values ("bread, almonds, garlic, water and olive oil"
for the stored "Bread, almonds, garlic, water, olive oil") slip through, and the text
then seems to say something no claim reads. Searching the text for every name in the
graph would find common words everywhere; searching for the names of the entities one
fact away from what the text already names (the *anchors*) finds what the text says
about them and little else.

A name matches as a run of whole words, compared case- and accent-folded, with "and",
"&" and punctuation ignored on both sides, initials with or without dots alike ("T. S."
and "TS"), and a word of ``MISSPELT_MIN`` letters or more allowed one wrong letter
("Carrol County" for "Carroll County"). It must not cut through a mention the
pipeline found; mentions it encloses ("olive oil" inside the list) are returned to be
dropped, since the longer name is what the text says. Names of one short word (under
``MIN_CHARS`` folded characters), numbers (the linker reads those, ``literals.py``) and
words of relation labels are not searched for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from kgsynth.names import fold_accents
from kgsynth.nlp.facts import FoundMention

logger = logging.getLogger(__name__)

#: Fewest folded characters a name needs to be searched for.
MIN_CHARS = 4
#: Shortest word that may be matched with one letter wrong.
MISSPELT_MIN = 5
_TOKEN = re.compile(r"\w+")
_SKIPPED = frozenset({"and", "amp"})


@dataclass(frozen=True)
class FoundName:
    """A neighbour's name found in the text: where, which entity, and the mentions it encloses."""

    start: int
    end: int
    entity_id: str
    enclosed: tuple[int, ...]


def name_words(name: str) -> tuple[str, ...]:
    """The folded words a name is matched by ("Bread, almonds & olive oil" -> bread almonds olive oil)."""
    tokens = [(fold_accents(m.group()), m.span()) for m in _TOKEN.finditer(name)]
    return tuple(word for word, _ in _matched_words(tokens))


def _matched_words(tokens: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    """Folded words without "and"/"&", runs of single letters made one ("T. S." and "TS" read alike)."""
    out: list[tuple[str, tuple[int, int]]] = []
    letters = False  # whether the last word so far is a run of single letters
    for word, span in tokens:
        if word in _SKIPPED:
            letters = False
            continue
        single = len(word) == 1 and word.isalpha()
        if single and letters:
            out[-1] = (out[-1][0] + word, (out[-1][1][0], span[1]))
        else:
            out.append((word, span))
        letters = single
    return out


class TextWords:
    """The words of a text with their offsets, indexed by folded word for quick name lookups."""

    def __init__(self, text: str) -> None:
        self.spans: list[tuple[int, int]] = []
        self.words: list[str] = []
        self.where: dict[str, list[int]] = {}
        tokens = [(fold_accents(m.group()), m.span()) for m in _TOKEN.finditer(text)]
        for word, span in _matched_words(tokens):
            self.where.setdefault(word, []).append(len(self.words))
            self.words.append(word)
            self.spans.append(span)

    def find(self, words: tuple[str, ...]) -> Iterable[tuple[int, int]]:
        """Character spans where ``words`` occur in a row (long words may be misspelt by one letter)."""
        size = len(words)
        # A long first word may be misspelt too: then every position is a possible start.
        exact = len(words[0]) < MISSPELT_MIN
        starts = self.where.get(words[0], ()) if exact else range(len(self.words) - size + 1)
        for i in starts:
            if i + size <= len(self.words) and all(map(_alike, self.words[i : i + size], words)):
                yield self.spans[i][0], self.spans[i + size - 1][1]


def _alike(seen: str, wanted: str) -> bool:
    """The same word, or a misspelling of a long one ("Carrol" for "Carroll", "Adofo" for "Adolfo")."""
    if seen == wanted:
        return True
    return len(wanted) >= MISSPELT_MIN and not wanted.isdigit() and Levenshtein.distance(seen, wanted) <= 1


def find_neighbour_names(
    text: str,
    mentions: Sequence[FoundMention],
    neighbours: Iterable[str],
    names: Callable[[str], tuple[str, ...]],
    ignored_words: frozenset[str] = frozenset(),
    *,
    anchors: Iterable[str] = (),
    unlinked: frozenset[int] = frozenset(),
    ignored: frozenset[int] = frozenset(),
) -> list[FoundName]:
    """Names of ``neighbours`` found in ``text`` where they neither cut through nor sit inside a mention.

    Longer names win over names they overlap ("olive oil" and "bread, almonds, ..., olive oil").
    A name "<head> of <anchor's name>" is also found as its head ("Prime Minister" of "Prime
    Minister of Azerbaijan" in a text about Azerbaijan). A mention in ``unlinked`` (names no
    graph entity) may be cut through: the graph's name is the better reading of that stretch.
    Mentions in ``ignored`` (already dropped) are not there at all.
    """
    index = TextWords(text)
    qualifiers = {name_words(n) for a in anchors for n in names(a)}
    hits: list[tuple[int, int, str]] = []
    for entity in neighbours:
        for name in names(entity):
            for words in _forms(name_words(name), qualifiers):
                if _searchable(words, ignored_words):
                    hits.extend((start, end, entity) for start, end in index.find(words))
    found: list[FoundName] = []
    taken: list[tuple[int, int]] = []
    for start, end, entity in sorted(hits, key=lambda h: (h[0] - h[1], h[0], h[2])):
        if any(start < e and s < end for s, e in taken):
            continue
        enclosed = _enclosed(mentions, start, end, unlinked, ignored)
        if enclosed is None:
            continue
        taken.append((start, end))
        found.append(FoundName(start, end, entity, enclosed))
    return sorted(found, key=lambda f: f.start)


def _forms(words: tuple[str, ...], qualifiers: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The name's words, and its head when the rest is "of" and a name the text already gives."""
    forms = [words]
    for i, word in enumerate(words):
        if word == "of" and 0 < i < len(words) - 1 and words[i + 1 :] in qualifiers:
            forms.append(words[:i])
    return forms


def _searchable(words: tuple[str, ...], ignored_words: frozenset[str]) -> bool:
    if not words or all(w.isdigit() for w in words):
        return False
    if len(words) == 1 and (len(words[0]) < MIN_CHARS or words[0] in ignored_words):
        return False
    return sum(len(w) for w in words) >= MIN_CHARS


def _enclosed(
    mentions: Sequence[FoundMention], start: int, end: int, unlinked: frozenset[int], ignored: frozenset[int]
) -> tuple[int, ...] | None:
    """The mentions inside ``start:end`` (or unlinked ones overlapping it); None when another mention
    overlaps it only in part or holds it."""
    inside = []
    for i, mention in enumerate(mentions):
        if i in ignored or mention.end <= start or end <= mention.start:
            continue
        inner = start <= mention.start and mention.end <= end and (mention.start, mention.end) != (start, end)
        if inner or i in unlinked:
            inside.append(i)
            continue
        return None
    return tuple(inside)
