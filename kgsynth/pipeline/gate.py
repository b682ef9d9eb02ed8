"""The grounding gate: the LLM writes, the graph decides.

Each LLM-written sample passes named tests, and every failure lands in one named bucket
(``BUCKETS``); no LLM judgement can override them:

- ``format``: the reply is not the JSON object asked for (cut at max_tokens, no JSON, a field
  missing or out of bounds);
- ``citation``: a reasoning step cites a fact id outside the path, or does not name the two
  entities of the fact it cites;
- ``chain``: the cited steps do not cover every fact the answer needs (the answer must follow
  from the cited chain alone);
- ``answer``: the answer is not the path's answer entity (by name or alias) or count; for an
  explanation, the passage's supported claims do not cover every fact of the path;
- ``label``: a yes/no or multiple-choice answer disagrees with the graph;
- ``unanswerable``: the question does not name the entities a reader needs (those the exact
  template question names); one naming none of them is unanswerable;
- ``leak``: the question names its answer or an intermediate entity of the chain;
- ``claims``: ``kgsynth check`` does not find every claim of the question with its answer, and
  of each reasoning step, supported by the graph (strict: anything else rejects).

The cheap structural tests run first; the claim check runs only on a sample that passed them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kgsynth.generate.factory import YES_NO
from kgsynth.generate.prompted import LLMDraft, PathFrame
from kgsynth.generate.response_schema import MAX_PASSAGE, MAX_QUESTION, MIN_PASSAGE
from kgsynth.llm import Reply
from kgsynth.model import Sample
from kgsynth.names import names_in
from kgsynth.verify import Checker, CheckInput

#: Every bucket a rejection can land in, in the order they are tested (``judge``: --min-score).
BUCKETS = ("format", "citation", "chain", "answer", "label", "unanswerable", "leak", "claims", "judge")
#: Reply failures that leave nothing to read.
_UNREADABLE = frozenset({"length", "empty", "no_json", "invalid_json"})


@dataclass(frozen=True)
class Rejection:
    """One failed test: its bucket and what exactly was wrong (fed back in a regeneration prompt)."""

    bucket: str
    detail: str

    def __str__(self) -> str:
        return f"{self.bucket}: {self.detail}"


@dataclass(frozen=True)
class GateResult:
    """The gate's decision on one sample: accepted when nothing was rejected."""

    rejections: tuple[Rejection, ...] = ()
    passed: tuple[str, ...] = ()
    seconds: float = 0.0
    claims: dict[str, str] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return not self.rejections

    @property
    def buckets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.bucket for r in self.rejections))

    def summary(self) -> str:
        """The problems in one line, for a regeneration prompt and the rejects file."""
        return "; ".join(str(r) for r in self.rejections) or "accepted"


def draft_of(reply: Reply) -> LLMDraft:
    """The reply as a draft: its parsed object, else whatever JSON its text holds."""
    if reply.failure in _UNREADABLE:
        return LLMDraft(problems=(f"{reply.failure}: {reply.failure_detail}",))
    if reply.parsed is not None:
        return LLMDraft.read(reply.parsed)
    return LLMDraft.read_text(reply.text)


class Gate:
    """Tests LLM samples against their frame and the graph (through ``kgsynth.verify.Checker``)."""

    def __init__(self, checker: Checker, *, cot: bool = True) -> None:
        self.checker = checker
        self.cot = cot

    def review(
        self, frame: PathFrame, draft: LLMDraft, sample: Sample, reply: Reply | None = None
    ) -> GateResult:
        """Every test on ``sample`` (made from ``draft``); the claim check only if the rest passed."""
        started = time.perf_counter()
        found = self.structure(frame, draft, sample)
        if not found and reply is not None and reply.failure is not None:
            found = [Rejection("format", f"{reply.failure}: {reply.failure_detail}")]
        claims: dict[str, str] = {}
        if not found:
            found, claims = self.claims(sample, frame)
        passed = tuple(b for b in BUCKETS[:-1] if b not in {r.bucket for r in found})
        return GateResult(tuple(found), passed if not found else (), time.perf_counter() - started, claims)

    def structure(self, frame: PathFrame, draft: LLMDraft, sample: Sample) -> list[Rejection]:
        """The tests that need no graph lookup: format, citation, chain, answer, label, naming, leaks."""
        if draft.problems:
            return [Rejection("format", "; ".join(draft.problems))]
        if len(draft.question) > MAX_QUESTION:
            return [Rejection("format", f"the question is longer than {MAX_QUESTION} characters")]
        if self.cot and not draft.reasoning:
            return [Rejection("format", "no reasoning steps")]
        found = self._citations(frame, draft) if self.cot else []
        found += self._answer(frame, draft)
        found += self._naming(frame, draft)
        return found

    def _citations(self, frame: PathFrame, draft: LLMDraft) -> list[Rejection]:
        facts = {fact.id: fact for fact in frame.facts}
        found = []
        for number, (fact_id, text) in enumerate(draft.reasoning, start=1):
            fact = facts.get(fact_id)
            if fact is None:
                found.append(
                    Rejection(
                        "citation",
                        f"step {number} cites {fact_id!r}, not a fact of the path ({', '.join(facts)})",
                    )
                )
                continue
            for names in (fact.subject_names, fact.object_names):
                if not any(names_in(name, text) for name in names):
                    found.append(
                        Rejection("citation", f"step {number} cites {fact_id} but does not name {names[0]}")
                    )
        cited = {frame.fact_ids.get(fact_id) for fact_id, _ in draft.reasoning}
        missing = [fact.id for fact in frame.facts if fact.relation_id in frame.needed - cited]
        if missing:
            found.append(
                Rejection(
                    "chain", f"the reasoning does not cite {', '.join(missing)}, which the answer needs"
                )
            )
        return found

    def _answer(self, frame: PathFrame, draft: LLMDraft) -> list[Rejection]:
        if frame.reference.type == "explanation":
            if MIN_PASSAGE <= len(draft.answer) <= MAX_PASSAGE:
                return []  # what the passage says is for the claim check
            return [Rejection("format", f"the passage is not {MIN_PASSAGE}-{MAX_PASSAGE} characters long")]
        wanted = {name.casefold() for name in frame.answer_names}
        if draft.answer.casefold().strip(" .") in wanted:
            return []
        reference = frame.reference
        yes_no = YES_NO.get(reference.language, YES_NO["en"])
        bucket = "label" if reference.type in ("yesno", "mcq") or reference.answer in yes_no else "answer"
        return [Rejection(bucket, f"answer {draft.answer!r}, but the graph's answer is {reference.answer!r}")]

    def _naming(self, frame: PathFrame, draft: LLMDraft) -> list[Rejection]:
        question = draft.question
        named = [
            e
            for e in frame.given
            if any(names_in(n, question) for n in frame.entity_names.get(e.id, (e.name,)))
        ]
        found = []
        if not named:
            found.append(
                Rejection(
                    "unanswerable", f"the question names none of {', '.join(e.name for e in frame.given)}"
                )
            )
        elif len(named) < len(frame.given):
            missing = [e.name for e in frame.given if e not in named]
            found.append(Rejection("unanswerable", f"the question does not name {', '.join(missing)}"))
        reference = frame.reference
        if reference.type in ("factoid", "multihop") and any(
            names_in(n, question) for n in frame.answer_names
        ):
            found.append(Rejection("leak", f"the question names its answer {reference.answer!r}"))
        for entity in frame.hidden:
            if any(names_in(n, question) for n in frame.entity_names.get(entity.id, (entity.name,))):
                found.append(Rejection("leak", f"the question names the intermediate entity {entity.name!r}"))
        return found

    def claims(
        self, sample: Sample, frame: PathFrame | None = None
    ) -> tuple[list[Rejection], dict[str, str]]:
        """``kgsynth check`` on the question with its answer, and on each reasoning step: all supported.

        An explanation's passage must also state every fact of its path: the relations behind
        its supported claims must include each one (``frame`` says which they are).
        """
        inputs = [CheckInput(kind="qa", id="qa", question=sample.question, answer=sample.answer)]
        inputs += [
            CheckInput(kind="text", id=f"step {i}", text=s.text)
            for i, s in enumerate(sample.reasoning, start=1)
        ]
        found, statuses = [], {}
        stated: set[str] = set()
        for checked in self.checker.check_inputs(inputs):
            result = checked.result
            statuses[result.id or ""] = result.status
            if result.id == "qa":
                stated.update(r.id for v in result.verdicts if v.status == "supported" for r in v.evidence)
            if result.status != "supported":
                found.append(
                    Rejection("claims", f"{result.id} is {result.status.replace('_', ' ')} ({result.reason})")
                )
        if frame is not None and sample.type == "explanation":
            unstated = [fact.id for fact in frame.facts if fact.relation_id not in stated]
            if unstated:
                found.append(Rejection("answer", f"the passage does not state {', '.join(unstated)}"))
        return found, statuses


__all__ = ["BUCKETS", "Gate", "GateResult", "Rejection", "draft_of"]
