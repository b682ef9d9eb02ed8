"""The pipeline's facts regrouped by sentence, and the word-level tests the claim reader makes on them.

Plain character offsets only (no spaCy objects): a sentence's mentions and the relations
proposed in it, the sentence with its entity names blanked out (so a name such as
"migraine without aura" or "Country Music" is never read as a cue or a trigger), and a
small negation test for claims the pipeline did not propose itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts
from kgsynth.nlp.negation import NEGATION_CUES, PSEUDO_NEGATIONS

_WORD = re.compile(r"n't|[a-z]+")
#: Words before the first mention that can still negate a claim ("no evidence that X causes Y").
NEGATION_LOOKBACK = 4


@dataclass
class Sentence:
    """One sentence of a text: character span, its mentions (indexes) and the relations proposed in it."""

    start: int
    end: int
    mentions: list[int] = field(default_factory=list)
    proposals: list[FoundRelation] = field(default_factory=list)


def sentences(facts: TextFacts) -> list[Sentence]:
    """The sentences that hold mentions, in text order (a split inside a name is undone)."""
    by_start: dict[int, Sentence] = {}
    for index, mention in enumerate(facts.mentions):
        sentence = by_start.setdefault(
            mention.sentence_start, Sentence(mention.sentence_start, mention.sentence_end)
        )
        sentence.mentions.append(index)
    for proposal in facts.relations:
        start = facts.mentions[proposal.subject].sentence_start
        by_start.setdefault(start, Sentence(start, proposal.sentence_end)).proposals.append(proposal)
    for sentence in by_start.values():  # mentions added after the pipeline's come last: reorder
        sentence.mentions.sort(key=lambda m: (facts.mentions[m].start, facts.mentions[m].end))
    return _joined([by_start[start] for start in sorted(by_start)], facts.mentions)


def _joined(ordered: list[Sentence], mentions: Sequence[FoundMention]) -> list[Sentence]:
    """Join a sentence to the next when one of its names runs into it.

    The parser may end a sentence inside a name ("1634: The Bavarian Crisis was written by
    Eric Flint." splits after "1634:"), while the gazetteer still finds the whole name;
    a name crossing the boundary shows that the split is wrong.
    """
    out: list[Sentence] = []
    for sentence in ordered:
        previous = out[-1] if out else None
        if previous is not None and any(mentions[m].end > sentence.start for m in previous.mentions):
            previous.end = max(previous.end, sentence.end)
            previous.mentions.extend(sentence.mentions)
            previous.proposals.extend(sentence.proposals)
        else:
            out.append(sentence)
    return out


def masked(text: str, sentence: Sentence, mentions: Sequence[FoundMention]) -> str:
    """The sentence with its mentions blanked out."""
    chars = list(text[sentence.start : sentence.end])
    for index in sentence.mentions:
        mention = mentions[index]
        for i in range(max(mention.start - sentence.start, 0), min(mention.end - sentence.start, len(chars))):
            chars[i] = " "
    return "".join(chars)


def words(text: str) -> list[str]:
    """Lower-case words, with "n't" split off ("doesn't" -> does, n't)."""
    return _WORD.findall(text.lower().replace("n't", " n't"))


def has_negation_cue(text: str) -> bool:
    """Whether any negation cue word occurs in ``text`` ("not only", "no doubt" are none)."""
    return _has_cue(words(text))


def negated_between(text: str, a: FoundMention, b: FoundMention, sentence_start: int) -> bool:
    """A negation cue between the two mentions, or in the few words just before the first."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    between = words(text[first.end : second.start])
    before = words(text[sentence_start : first.start])
    return _has_cue(between) or _has_cue(before, last=NEGATION_LOOKBACK)


def _has_cue(said: list[str], last: int | None = None) -> bool:
    """Whether a negation cue stands among ``said`` (only its ``last`` words, if given) that is no
    pseudo-negation: "not only X but also Y" says both (``negation.PSEUDO_NEGATIONS``)."""
    following = [*said[1:], ""]
    start = 0 if last is None else max(len(said) - last, 0)
    return any(
        said[i] in NEGATION_CUES and (said[i], following[i]) not in PSEUDO_NEGATIONS
        for i in range(start, len(said))
    )


def distance(mentions: Sequence[FoundMention], proposal: FoundRelation) -> int:
    """Characters between the two mentions of a proposal."""
    a, b = mentions[proposal.subject], mentions[proposal.object]
    return max(a.start, b.start) - min(a.end, b.end)
