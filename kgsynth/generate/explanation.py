"""Explanation drafts: "How is X connected to Y?" answered by a passage stating the chain's facts.

The question names the two ends of a 1-3 hop chain; the answer is a short passage that states
every fact of the path, one sentence each, in path order (the pack's ``statement`` template
words each one, so the passage is exactly as true as the reasoning steps). Every fact is a
check, so ``kgsynth check`` re-proves the whole passage, and in LLM mode the gate accepts a
rewritten passage only if the graph supports every claim in it and those claims cover every
fact of the path.
"""

from __future__ import annotations

from collections.abc import Sequence

from kgsynth.generate.chain import chain_facts
from kgsynth.generate.draft import Draft, Skip
from kgsynth.model import FactPath

#: Path lengths an explanation is made from: longer passages stop reading as one explanation.
EXPLANATION_HOPS = (1, 3)
#: What joins the sentences of a passage, per language (Chinese sentences end in "。" already).
_SENTENCE_JOINERS = {"zh": ""}


def explanation_draft(path: FactPath) -> Draft:
    """An explanation draft for ``path``; its answer is filled in by the factory from the statements.

    Raises:
        Skip: if a relation on the path is negated (a chain through a fact that does not hold
            explains nothing) or the path returns to where it started.
    """
    draft = chain_facts(path, "explanation")
    if path.entities[0].id == path.entities[-1].id:
        raise Skip("explanation: path ends where it starts")
    return draft


def passage(sentences: Sequence[str], language: str) -> str:
    """The sentences as one passage in ``language``."""
    return _SENTENCE_JOINERS.get(language, " ").join(s.strip() for s in sentences)


__all__ = ["EXPLANATION_HOPS", "explanation_draft", "passage"]
