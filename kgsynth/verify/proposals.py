"""The pipeline's relation proposals, tidied before claims are read from them.

Co-occurrence proposes every type-fitting pair of a sentence holding a trigger word, and
reads negation from cue words anywhere near; both also fire on words inside entity
names. So, per proposal: a co-occurrence proposal whose trigger occurs only inside a
name ("sexual side effects" as a trigger of causes) is dropped; a negation whose only
cue is inside a name ("migraine without aura") is undone; a co-occurrence proposal is
turned round when the text says it the other way round. ``trigger_gap`` ranks the
proposals of one mention: the relation whose phrase stands nearest before it wins.
"""

from __future__ import annotations

from collections.abc import Sequence

from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts
from kgsynth.verify.factcheck import FactChecker
from kgsynth.verify.lexicon import RelationLexicon
from kgsynth.verify.sentences import has_negation_cue, words

_FAR = 1 << 20
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})


class ProposalTidier:
    """Tidies proposals with the schema's relation words and domain/range."""

    def __init__(self, checker: FactChecker, lexicon: RelationLexicon) -> None:
        self.checker = checker
        self.lexicon = lexicon

    def tidied(self, facts: TextFacts, proposal: FoundRelation, plain: str) -> FoundRelation | None:
        """The proposal without cues and triggers that lie inside entity names, turned round if need be."""
        cooccurrence = proposal.rule.startswith("cooccurrence:")
        if cooccurrence and not self.lexicon.said(plain, proposal.predicate):
            return None  # its trigger is part of a name ("sexual side effects"), not said of the pair
        if proposal.negated and not has_negation_cue(plain):
            proposal = proposal.model_copy(update={"negated": False})  # "migraine without aura"
        return self.oriented(facts.text, proposal, facts.mentions) if cooccurrence else proposal

    def oriented(self, text: str, proposal: FoundRelation, mentions: Sequence[FoundMention]) -> FoundRelation:
        """A co-occurrence proposal turned round when the text says it the other way.

        Co-occurrence picks the direction that fits the domain/range, so "Headache treats
        aspirin" is proposed as aspirin treats headache. When only that direction fits, the
        later mention is the proposal's subject, and an active form of the relation's phrase
        stands between them (not after a form of "be", not before "by"), the claim is read
        as written; its types then clash with the relation and it is contradicted.
        """
        subject, object_ = mentions[proposal.subject], mentions[proposal.object]
        if subject.start < object_.start or self.checker.fits(proposal.predicate, object_.type, subject.type):
            return proposal  # in order already, or the pipeline proposed the other direction too
        between = words(text[object_.end : subject.start])
        for phrase in self.lexicon.phrases.get(proposal.predicate, ()):
            target = phrase.split()
            for i in range(len(between) - len(target) + 1):
                if between[i : i + len(target)] != target:
                    continue
                after = between[i + len(target)] if i + len(target) < len(between) else ""
                if (i > 0 and between[i - 1] in _BE) or after == "by" or target[-1] == "by":
                    return proposal
                return proposal.model_copy(
                    update={
                        "subject": proposal.object,
                        "object": proposal.subject,
                        "rule": proposal.rule + ":as_written",
                    }
                )
        return proposal

    def trigger_gap(self, text: str, proposal: FoundRelation, mentions: Sequence[FoundMention]) -> int:
        """Characters from the relation's nearest phrase to the object ("Lithium causes tremor and
        treats migraine": treats, not causes, is said of migraine); phrases after it count less."""
        subject, object_ = mentions[proposal.subject], mentions[proposal.object]
        start, end = min(subject.start, object_.start), max(subject.end, object_.end)
        window = text[start:end].lower()
        best = _FAR
        for match in self.lexicon.finder(proposal.predicate).finditer(window):
            at_start, at_end = start + match.start(), start + match.end()
            after = at_end > object_.start
            best = min(best, _FAR // 2 + at_start - object_.end if after else object_.start - at_end)
        return best


def proposal_rank(proposal: FoundRelation) -> tuple[int, float]:
    """Patterns before co-occurrence, then higher confidence first."""
    return (0 if proposal.rule.startswith("pattern:") else 1, -proposal.confidence)
