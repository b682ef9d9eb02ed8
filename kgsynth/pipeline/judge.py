"""Rubric scores from judge models: they only filter further, never accept what the gate rejected.

Each judge (an ``LLM`` serving a model other than the generator's: the same model grading its
own output is refused) scores an accepted sample's fluency, answerability and difficulty from 1
to 5 with a reason. A verdict that cannot be read is recorded as missing, never as 0, and a
missing verdict neither passes nor fails ``min_score``. Scores stay on the sample, per judge
(``meta["llm.judges"]``), and ``min_score`` rejects a sample whose mean fluency-and-answerability
score from any judge that answered is below it.

With a pairwise template, each judge also compares the LLM sample with the template sample it
rewrote (same facts), asked twice with the two swapped (LLM sample first, then second), because
judges favour a position. A preference counts only when both orders agree; disagreement is a
tie, an unreadable answer in either order is missing. ``preferring_reference`` names the judges
that preferred the template sample both times, which ``--pairwise`` turns into a rejection.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from kgsynth.errors import ConfigError
from kgsynth.generate.prompted import PathFrame
from kgsynth.generate.prompts import PromptTemplate
from kgsynth.generate.response_schema import RUBRIC, pairwise_schema, rubric_schema
from kgsynth.llm import LLM, SamplingParams
from kgsynth.model import Sample

#: Criteria whose mean ``min_score`` is compared with (difficulty is informative, not a quality).
FILTERED = ("fluency", "answerability")


@dataclass(frozen=True)
class JudgeVerdict:
    """One judge's scores of one sample; ``scores`` is None when its verdict could not be read."""

    judge: str
    scores: dict[str, int] | None
    reason: str = ""

    @property
    def quality(self) -> float | None:
        if self.scores is None:
            return None
        return sum(self.scores[name] for name in FILTERED) / len(FILTERED)

    def as_json(self) -> dict[str, object]:
        if self.scores is None:
            return {"judge": self.judge, "missing": True, "reason": self.reason}
        return {"judge": self.judge, **self.scores, "reason": self.reason}


@dataclass(frozen=True)
class PairwiseVerdict:
    """One judge's choice between the LLM sample and its template sample, in both orders.

    ``llm_first`` and ``llm_second`` are what it preferred in each order: ``"llm"``,
    ``"reference"``, ``"tie"``, or None when that answer could not be read.
    """

    judge: str
    llm_first: str | None
    llm_second: str | None
    reasons: tuple[str, str] = ("", "")

    @property
    def outcome(self) -> str | None:
        """The preference both orders agree on, ``"tie"`` when they disagree, None if one is missing."""
        if self.llm_first is None or self.llm_second is None:
            return None
        return self.llm_first if self.llm_first == self.llm_second else "tie"

    def as_json(self) -> dict[str, object]:
        return {
            "judge": self.judge,
            "outcome": self.outcome if self.outcome is not None else "missing",
            "llm_first": self.llm_first,
            "llm_second": self.llm_second,
            "reasons": list(self.reasons),
        }


def model_of(llm: LLM) -> str:
    return str(getattr(llm, "model", type(llm).__name__))


def refuse_self_judging(generator: LLM, judges: Sequence[LLM]) -> None:
    """Raise ``ConfigError`` if a judge serves the generator's model (or two judges are one model)."""
    seen = {model_of(generator)}
    for judge in judges:
        name = model_of(judge)
        if name in seen:
            which = "the generator's" if name == model_of(generator) else "another judge's"
            raise ConfigError(f'--judge model "{name}" is {which} model; a judge must be a different model.')
        seen.add(name)


class Judges:
    """Asks every judge for rubric scores of a sample, and (``pairwise``) to compare it with its template."""

    def __init__(
        self,
        judges: Sequence[LLM],
        template: PromptTemplate,
        *,
        max_tokens: int = 160,
        pairwise: PromptTemplate | None = None,
    ) -> None:
        self.judges = tuple(judges)
        self.template = template
        self.max_tokens = max_tokens
        self.pairwise = pairwise

    async def score(self, frame: PathFrame, sample: Sample, seed: int) -> list[JudgeVerdict]:
        """One verdict per judge, in judge order."""
        prompt = self.template.render(
            lang=sample.language, question=sample.question, answer=sample.answer, facts=frame.facts
        )
        params = SamplingParams(temperature=0.0, max_tokens=self.max_tokens, seed=seed)
        verdicts = []
        for judge in self.judges:
            reply = await judge.complete(
                list(prompt.messages), schema=rubric_schema(), params=params, stage="judge"
            )
            name = model_of(judge)
            if not reply.ok or not isinstance(reply.parsed, dict):
                verdicts.append(
                    JudgeVerdict(name, None, f"unreadable verdict ({reply.failure}: {reply.failure_detail})")
                )
                continue
            scores = {key: int(reply.parsed[key]) for key in RUBRIC}
            verdicts.append(JudgeVerdict(name, scores, str(reply.parsed.get("reason", ""))))
        return verdicts

    async def compare(self, frame: PathFrame, sample: Sample, seed: int) -> list[PairwiseVerdict]:
        """Each judge's choice between ``sample`` and ``frame.reference``, asked in both orders."""
        if self.pairwise is None:
            return []
        reference = frame.reference
        orders = (
            (sample, reference, {"A": "llm", "B": "reference", "tie": "tie"}),
            (reference, sample, {"A": "reference", "B": "llm", "tie": "tie"}),
        )
        params = SamplingParams(temperature=0.0, max_tokens=self.max_tokens, seed=seed)
        verdicts = []
        for judge in self.judges:
            picks: list[str | None] = []
            reasons: list[str] = []
            for first, second, meaning in orders:
                prompt = self.pairwise.render(
                    lang=sample.language, facts=frame.facts, first=first, second=second
                )
                reply = await judge.complete(
                    list(prompt.messages), schema=pairwise_schema(), params=params, stage="judge"
                )
                parsed = reply.parsed if reply.ok and isinstance(reply.parsed, dict) else {}
                pick = meaning.get(str(parsed.get("better")))
                picks.append(pick)
                if pick is not None:
                    reasons.append(str(parsed.get("reason", "")))
                elif reply.ok:
                    reasons.append(f"unreadable (better is {parsed.get('better')!r}, not A, B or tie)")
                else:
                    reasons.append(f"unreadable ({reply.failure}: {reply.failure_detail})")
            verdicts.append(PairwiseVerdict(model_of(judge), picks[0], picks[1], (reasons[0], reasons[1])))
        return verdicts


def preferring_reference(verdicts: Sequence[PairwiseVerdict]) -> list[str]:
    """One line per judge that preferred the template sample over the LLM's in both orders."""
    return [
        f"{v.judge} preferred the template sample in both orders"
        for v in verdicts
        if v.outcome == "reference"
    ]


def pairwise_meta(verdicts: Sequence[PairwiseVerdict]) -> str:
    return json.dumps([v.as_json() for v in verdicts], ensure_ascii=False)


def below(verdicts: Sequence[JudgeVerdict], min_score: float | None) -> list[str]:
    """Why the verdicts fail ``min_score`` (one line per judge below it); missing verdicts never fail."""
    if min_score is None:
        return []
    return [
        f"{v.judge} scored {v.quality:.1f} < --min-score {min_score:g}"
        for v in verdicts
        if v.quality is not None and v.quality < min_score
    ]


def judges_meta(verdicts: Sequence[JudgeVerdict]) -> str:
    return json.dumps([v.as_json() for v in verdicts], ensure_ascii=False)


__all__ = [
    "FILTERED",
    "JudgeVerdict",
    "Judges",
    "PairwiseVerdict",
    "below",
    "judges_meta",
    "model_of",
    "pairwise_meta",
    "preferring_reference",
    "refuse_self_judging",
]
