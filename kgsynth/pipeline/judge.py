"""Rubric scores from judge models: they only filter further, never accept what the gate rejected.

Each judge (an ``LLM`` serving a model other than the generator's: the same model grading its
own output is refused) scores an accepted sample's fluency, answerability and difficulty from 1
to 5 with a reason. A verdict that cannot be read is recorded as missing, never as 0, and a
missing verdict neither passes nor fails ``min_score``. Scores stay on the sample, per judge
(``meta["llm.judges"]``), and ``min_score`` rejects a sample whose mean fluency-and-answerability
score from any judge that answered is below it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from kgsynth.errors import ConfigError
from kgsynth.generate.prompted import PathFrame
from kgsynth.generate.prompts import PromptTemplate
from kgsynth.generate.response_schema import RUBRIC, rubric_schema
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
    """Asks every judge for rubric scores of a sample."""

    def __init__(self, judges: Sequence[LLM], template: PromptTemplate, *, max_tokens: int = 160) -> None:
        self.judges = tuple(judges)
        self.template = template
        self.max_tokens = max_tokens

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


__all__ = ["FILTERED", "JudgeVerdict", "Judges", "below", "judges_meta", "model_of", "refuse_self_judging"]
