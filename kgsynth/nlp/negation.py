"""Negation and hedging of a relation, from cue words near it in its sentence (NegEx-style).

A relation read from tokens ``start:end`` of a sentence is negated when a negation cue
stands inside that stretch ("X did not cause Y", "X shall not pay Y"), shortly before it
with no scope-ending word in between ("no evidence that X causes Y"), or just after it
("X-induced Y was not observed"). Hedging works the same way with speculation cues
("may be associated", "suggest that"), over a wider window. Cue words that a pattern
itself requires ("X should not be combined with Y" is a positive interaction warning)
are passed in ``exempt`` and ignored, and so are cue words inside a mention's own name
("migraine without aura").
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection

from spacy.tokens import Doc, Span

NEGATION_CUES = frozenset(
    {
        "no",
        "not",
        "n't",
        "never",
        "without",
        "neither",
        "nor",
        "cannot",
        "absence",
        "lack",
        "lacks",
        "lacked",
        "lacking",
        "failed",
        "fail",
        "fails",
        "none",
        "nothing",
        "denied",
        "denies",
        "excluded",
        "nonsignificant",
        "non-significant",
        "insignificant",
        "unrelated",
        "independent",
    }
)
#: Negation cues that also count after the relation ("... was not observed", "... was ruled out").
POST_NEGATION_CUES = frozenset({"not", "n't", "never", "excluded", "absent", "ruled"})
HEDGE_CUES = frozenset(
    {
        "may",
        "might",
        "could",
        "possibly",
        "possible",
        "potential",
        "potentially",
        "suggest",
        "suggests",
        "suggested",
        "suggesting",
        "suggestive",
        "likely",
        "unlikely",
        "probable",
        "probably",
        "appear",
        "appears",
        "appeared",
        "seem",
        "seems",
        "seemed",
        "suspected",
        "putative",
        "perhaps",
        "whether",
        "hypothesis",
        "hypothesize",
        "hypothesized",
        "hypothesise",
        "presumably",
        "unclear",
        "uncertain",
        "speculate",
        "speculated",
        "postulated",
        "questionable",
        "implicated",
    }
)
#: Words that end a cue's scope: "no X, but Y causes Z" does not negate the second clause.
SCOPE_ENDS = frozenset(
    {"but", "however", "although", "though", "except", "yet", "whereas", "while", ";", ":"}
)
#: Cue word followed by one of these is not a negation ("not only", "no doubt").
PSEUDO_NEGATIONS = frozenset(
    {
        ("not", "only"),
        ("not", "just"),
        ("no", "doubt"),
        ("not", "necessarily"),
        ("without", "any"),
        ("no", "longer"),
        ("not", "alone"),
    }
)
#: "has not been studied": absence of evidence, so a hedge, not a negation of the relation.
_UNSTUDIED = frozenset(
    {"studied", "evaluated", "investigated", "established", "examined", "assessed", "tested", "determined"}
)
PRE_WINDOW = 6
POST_WINDOW = 4
HEDGE_WINDOW = 12


class CueIndex:
    """Cue positions of one Doc, computed once, so each relation's check is a few bisects."""

    def __init__(self, doc: Doc) -> None:
        words = [t.lower_ for t in doc]
        self.words = words
        following = [*words[1:], ""][: len(words)]
        # A cue inside a mention is part of its name ("migraine without aura"), not a cue.
        real = [
            (w, n) not in PSEUDO_NEGATIONS and t.ent_iob_ not in ("B", "I")
            for w, n, t in zip(words, following, doc, strict=True)
        ]
        unstudied = {i for i, w in enumerate(words) if w == "not" and _is_unstudied(words, i)}
        self.negations = [
            i for i, w in enumerate(words) if w in NEGATION_CUES and real[i] and i not in unstudied
        ]
        self.post_negations = [
            i for i, w in enumerate(words) if w in POST_NEGATION_CUES and real[i] and i not in unstudied
        ]
        self.hedges = sorted({i for i, w in enumerate(words) if w in HEDGE_CUES and real[i]} | unstudied)
        self.unstudied = sorted(unstudied)
        self.scope_ends = [i for i, w in enumerate(words) if w in SCOPE_ENDS]
        self.mention_starts = [t.i for t in doc if t.ent_iob_ == "B"]

    def polarity(
        self, sent_start: int, sent_end: int, start: int, end: int, exempt: Collection[str] = ()
    ) -> tuple[bool, bool]:
        """``(negated, hedged)`` for a relation read from tokens ``start:end`` of the sentence."""
        negated = (
            self._any(self.negations, start, end, exempt)
            or self._before(self.negations, max(sent_start, start - PRE_WINDOW), start, exempt)
            or self._after(min(sent_end, end + POST_WINDOW), end, exempt)
        )
        hedged = (
            self._any(self.hedges, start, end, exempt)
            or self._before(self.hedges, max(sent_start, start - HEDGE_WINDOW), start, exempt)
            or self._any(
                self.unstudied, end, min(sent_end, end + POST_WINDOW), ()
            )  # "... has not been studied"
        )
        return negated, hedged

    def _cues(self, positions: list[int], lo: int, hi: int, exempt: Collection[str]) -> list[int]:
        found = positions[bisect_left(positions, lo) : bisect_left(positions, hi)]
        return [i for i in found if self.words[i] not in exempt] if exempt else found

    def _any(self, positions: list[int], lo: int, hi: int, exempt: Collection[str]) -> bool:
        return bool(self._cues(positions, lo, hi, exempt))

    def _before(self, positions: list[int], lo: int, start: int, exempt: Collection[str]) -> bool:
        cues = self._cues(positions, lo, start, exempt)
        if not cues:
            return False
        # The nearest cue counts only if no scope-ending word stands between it and the relation.
        return not self._cues(self.scope_ends, cues[-1], start, ())

    def _after(self, hi: int, end: int, exempt: Collection[str]) -> bool:
        cues = self._cues(self.post_negations, end, hi, exempt)
        if not cues:
            return False
        blockers = self._cues(self.scope_ends, end, cues[0], ()) + self._cues(
            self.mention_starts, end, cues[0], ()
        )
        return not blockers


def _is_unstudied(words: list[str], i: int) -> bool:
    """ "not studied", "not been evaluated", "not yet been established"."""
    after = [w for w in words[i + 1 : i + 4] if w not in ("been", "yet", "formally", "systematically")]
    return bool(after) and after[0] in _UNSTUDIED


def polarity(sent: Span, start: int, end: int, exempt: Collection[str] = ()) -> tuple[bool, bool]:
    """``(negated, hedged)`` for a relation read from doc tokens ``start:end`` of ``sent``."""
    return CueIndex(sent.doc).polarity(sent.start, sent.end, start, end, exempt)
