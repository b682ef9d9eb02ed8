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

from kgsynth.generate.draft import Draft, Skip, chain_hops, holds
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
    if any(relation.negated for relation in path.relations):
        raise Skip("explanation: path has a negated fact")
    start, end = path.entities[0], path.entities[-1]
    if start.id == end.id:
        raise Skip("explanation: path ends where it starts")
    return Draft(
        type="explanation",
        path=path,
        hops=chain_hops(path),
        cited=path.relations,
        checks=tuple(holds(r) for r in path.relations),
        entities={"known": start, "target": end},
    )


def passage(sentences: Sequence[str], language: str) -> str:
    """The sentences as one passage in ``language``."""
    return _SENTENCE_JOINERS.get(language, " ").join(s.strip() for s in sentences)


__all__ = ["EXPLANATION_HOPS", "explanation_draft", "passage"]
