"""``llm_generate``: template samples reworded by an LLM, kept only when the graph agrees.

Work items are the template samples ``synthesize`` makes from the walks (same walk, type, hop
and QC options as template mode), numbered in order: item ``i`` has the id
``item:<i>:<template sample id>``. For each item the LLM gets a prompt conditioned on the path
(``PathFrame``) and a response schema built for it; the grounding gate (``gate.py``) tests the
reply. A rejected reply is regenerated up to ``retries`` times with its specific failure fed
back, then once more from a fresh prompt with a new seed; every regenerated reply is gated
again from scratch. Accepted samples may be scored by judge models (``judge.py``), which can
only reject further. Seeds derive from the run seed, the item id and the attempt number, so a
run is reproducible on servers that honour seeds, and a fully cached re-run makes no request.

Items run concurrently, but each finished item is journaled (``journal.py``) and the output is
the first ``n`` accepted samples in item order, whatever order they finished in. New items stop
being scheduled once ``n`` are accepted, the budget is spent (``BudgetExceededError``: the run
ends short, saying so), or an endpoint fails for good (the error is raised once the items in
flight have finished and been journaled).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kgsynth.errors import BudgetExceededError, ConfigError, GenerationError, InputError, LLMError
from kgsynth.generate.prompted import LLMDraft, PathFrame
from kgsynth.generate.prompts import Prompt, PromptTemplate
from kgsynth.generate.response_schema import qa_schema
from kgsynth.llm import LLM, Ledger, Reply, SamplingParams, StageCost
from kgsynth.llm.base import estimate_tokens
from kgsynth.model import Sample, content_hash
from kgsynth.pipeline.gate import Gate, GateResult, Rejection, draft_of
from kgsynth.pipeline.journal import ItemRecord, Journal
from kgsynth.pipeline.judge import Judges, below, judges_meta, model_of, pairwise_meta, preferring_reference
from kgsynth.pipeline.synthesize import SynthesisSpec, synthesize
from kgsynth.store.base import GraphStore

logger = logging.getLogger(__name__)

#: Work items made per wanted sample when ``max_items`` is not given.
ITEMS_PER_SAMPLE = 3


class LLMSpec(BaseModel):
    """How the LLM writes: prompt, reasoning, retries, sampling, few-shot examples, judging."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_items: int | None = Field(None, ge=1)
    retries: int = Field(1, ge=0)
    cot: bool = True
    persona: str = ""
    prompt: str = "qa.v1"
    prompts_dir: str | None = None
    shots: int = Field(0, ge=0)
    few_shot: str | None = None
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    max_tokens: int = Field(384, ge=16)
    min_score: float | None = Field(None, ge=1.0, le=5.0)
    #: Reject a sample when a judge prefers its template sample in both orders (see judge.py).
    pairwise: bool = False
    concurrency: int = Field(4, ge=1)

    @classmethod
    def of(cls, **settings: object) -> LLMSpec:
        """Build a spec, raising ``ConfigError`` naming the bad setting instead of pydantic's error."""
        try:
            return cls(**settings)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ConfigError(f"LLM setting {where}: {first['msg']}.") from exc

    def items_for(self, n: int) -> int:
        return self.max_items or ITEMS_PER_SAMPLE * n


@dataclass
class LLMReport:
    """What an LLM run did: acceptance by reason, type and hops; requests, tokens, cost."""

    wanted: int
    accepted: int = 0
    rejected: int = 0
    attempts: int = 0
    resumed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # rejected attempts per bucket
    final_reasons: Counter[str] = field(default_factory=Counter)  # rejected items per bucket
    by_type: dict[str, Counter[str]] = field(default_factory=dict)
    by_hops: dict[int, Counter[str]] = field(default_factory=dict)
    gate_seconds: float = 0.0
    generate_seconds: float = 0.0
    stop_reason: str = ""
    cost: StageCost = field(default_factory=StageCost)
    requests: int = 0

    def count(self, record: ItemRecord, *, resumed: bool = False) -> None:
        status = record.status
        self.accepted += status == "accepted"
        self.rejected += status == "rejected"
        self.resumed += resumed
        self.attempts += record.attempts
        for buckets in record.attempt_buckets:
            self.reasons.update(buckets)
        if status == "rejected":
            self.final_reasons.update(record.buckets)
        self.by_type.setdefault(record.type, Counter())[status] += 1
        self.by_hops.setdefault(record.hops, Counter())[status] += 1

    def progress_line(self) -> str:
        cost = self.cost
        return (
            f"accepted {self.accepted}, rejected {self.rejected}, requests {self.requests}, "
            f"tokens {cost.prompt_tokens + cost.completion_tokens}{'~' if cost.estimated else ''}, "
            f"${cost.cost:.4f}"
        )


@dataclass
class LLMResult:
    """The accepted samples (first ``n`` in item order), the rejected items, and the report."""

    samples: list[Sample]
    rejects: list[ItemRecord]
    report: LLMReport

    @property
    def complete(self) -> bool:
        return len(self.samples) >= self.report.wanted


def seed_for(run_seed: int, item: str, attempt: int) -> int:
    """The sampling seed of one attempt: from the run seed, the item id and the attempt number."""
    return int(content_hash(str(run_seed), item, str(attempt))[:8], 16)


def work_items(store: GraphStore, synthesis: SynthesisSpec, count: int) -> list[tuple[str, Sample]]:
    """``count`` template samples as ``(item id, sample)``, fewer if the graph cannot give more."""
    result = synthesize(store, synthesis.model_copy(update={"n": count}))
    items: list[tuple[str, Sample]] = []
    try:
        for index, sample in enumerate(result):
            items.append((f"item:{index}:{sample.id}", sample))
    except GenerationError as exc:
        if not items:
            raise
        logger.warning("the graph gave %d work items of the %d asked for: %s", len(items), count, exc)
    return items


def read_few_shot(path: str | Path) -> list[dict[str, str]]:
    """Few-shot examples from a JSONL file: objects with ``question`` and ``answer`` (and ``type``).

    Raises:
        InputError: naming the file and line of anything else.
    """
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--few-shot {source}: cannot read it ({exc}).") from exc
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"--few-shot {source}, line {number}: not JSONL ({exc.msg}, column {exc.colno})."
            ) from exc
        if not isinstance(value, dict) or not all(
            isinstance(value.get(k), str) for k in ("question", "answer")
        ):
            raise InputError(
                f'--few-shot {source}, line {number}: expected an object with "question" and "answer".'
            )
        examples.append({k: str(v) for k, v in value.items() if k in ("question", "answer", "type")})
    if not examples:
        raise InputError(f"--few-shot {source}: holds no examples.")
    return examples


class _Examples:
    """Few-shot examples per item: from the user's file, else other template samples of its type."""

    def __init__(
        self, shots: int, items: Sequence[tuple[str, Sample]], file_examples: list[dict[str, str]] | None
    ):
        self.shots = shots
        self.items = items
        self.file = file_examples

    def for_item(self, index: int, type_name: str) -> tuple[dict[str, str], ...]:
        if not self.shots:
            return ()
        if self.file is not None:
            pool = [e for e in self.file if e.get("type", type_name) == type_name]
        else:  # other paths of the same type, the next ones after this item, cyclically
            order = [*self.items[index + 1 :], *self.items[:index]]
            pool = [{"question": s.question, "answer": s.answer} for _, s in order if s.type == type_name]
        if not pool:
            return ()
        start = index % len(pool) if self.file is not None else 0
        return tuple((pool * 2)[start : start + min(self.shots, len(pool))])


@dataclass
class _Run:
    """One run's parts, shared by its item coroutines."""

    spec: LLMSpec
    seed: int
    generator: LLM
    gate: Gate
    template: PromptTemplate
    judges: Judges | None
    examples: _Examples
    report: LLMReport

    async def item(self, index: int, item_id: str, reference: Sample) -> ItemRecord:
        """Generate, gate, judge and regenerate one work item until accepted or out of attempts."""
        spec = self.spec
        frame = PathFrame.of(reference)
        context = frame.context(
            cot=spec.cot, persona=spec.persona, examples=self.examples.for_item(index, reference.type)
        )
        base = self.template.render(**context)
        schema = qa_schema(frame, cot=spec.cot)
        messages = list(base.messages)
        history: list[list[str]] = []
        attempts = 1 + spec.retries + (1 if spec.retries else 0)
        for attempt in range(attempts):
            if attempt == spec.retries + 1:  # feedback did not help: a fresh restart, new seed
                messages = list(base.messages)
            seed = seed_for(self.seed, item_id, attempt)
            params = SamplingParams(
                temperature=spec.temperature, top_p=spec.top_p, max_tokens=spec.max_tokens, seed=seed
            )
            reply = await self.generator.complete(messages, schema=schema, params=params, stage="generate")
            self.report.generate_seconds += reply.latency
            sample, result = await self._review(frame, reply, base, messages, params, attempt, item_id)
            history.append(list(result.buckets))
            if result.accepted:
                return self._record(index, item_id, reference, "accepted", history, sample, result)
            if attempt < spec.retries:
                feedback = self.template.feedback(**context, problems=result.summary())
                messages = [
                    *messages,
                    {"role": "assistant", "content": reply.text},
                    {"role": "user", "content": feedback},
                ]
        return self._record(index, item_id, reference, "rejected", history, sample, result, reply.text)

    async def _review(
        self,
        frame: PathFrame,
        reply: Reply,
        base: Prompt,
        messages: list[dict[str, str]],
        params: SamplingParams,
        attempt: int,
        item_id: str,
    ) -> tuple[Sample, GateResult]:
        draft: LLMDraft = draft_of(reply)
        meta = _provenance(self.generator, base, messages, params, attempt, reply, item_id)
        sample = frame.sample(draft, made_by=f"llm:{reply.model}", cot=self.spec.cot, meta=meta)
        result = self.gate.review(frame, draft, sample, reply)
        self.report.gate_seconds += result.seconds
        sample.meta["llm.gate"] = json.dumps(
            {
                "passed": list(result.passed),
                "rejected": [str(r) for r in result.rejections],
                "claims": result.claims,
            },
            ensure_ascii=False,
        )
        if result.accepted and self.judges is not None:
            verdicts = await self.judges.score(frame, sample, params.seed or 0)
            sample.meta["llm.judges"] = judges_meta(verdicts)
            failed = below(verdicts, self.spec.min_score)
            if self.spec.pairwise:
                choices = await self.judges.compare(frame, sample, params.seed or 0)
                sample.meta["llm.pairwise"] = pairwise_meta(choices)
                failed += preferring_reference(choices)
            if failed:
                result = GateResult(tuple(Rejection("judge", why) for why in failed), seconds=result.seconds)
        return sample, result

    def _record(
        self,
        index: int,
        item_id: str,
        reference: Sample,
        status: str,
        history: list[list[str]],
        sample: Sample,
        result: GateResult,
        reply_text: str = "",
    ) -> ItemRecord:
        return ItemRecord(
            item=item_id, index=index, status=status, type=reference.type, hops=reference.hops,
            attempts=len(history), reasons=[str(r) for r in result.rejections], buckets=list(result.buckets),
            attempt_buckets=history, sample=sample, reply=reply_text[:2000],
        )  # fmt: skip


def _provenance(
    llm: LLM,
    prompt: Prompt,
    messages: list[dict[str, str]],
    params: SamplingParams,
    attempt: int,
    reply: Reply,
    item_id: str,
) -> dict[str, str]:
    usage = reply.usage
    return {
        "work_item": item_id,
        "llm.template": prompt.template_id,
        "llm.template_hash": prompt.template_hash,
        "llm.prompt_hash": content_hash(json.dumps(messages, ensure_ascii=False, sort_keys=True)),
        "llm.endpoint": str(getattr(llm, "base_url", "")),
        "llm.model": reply.model,
        "llm.params": params.model_dump_json(),
        "llm.seed": str(params.seed),
        "llm.attempt": str(attempt),
        "llm.finish_reason": reply.finish_reason,
        "llm.usage": json.dumps(
            {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
             "estimated": usage.estimated}
        ),
        "llm.cached": str(reply.cached).lower(),
    }  # fmt: skip


def fingerprint(
    synthesis: SynthesisSpec, spec: LLMSpec, generator: LLM, judges: Sequence[LLM], template: PromptTemplate
) -> str:
    """Hash of everything that decides a run's items and replies: a journal resumes only under it."""
    return content_hash(
        synthesis.fingerprint(), spec.model_dump_json(exclude={"max_items", "concurrency"}),
        str(getattr(generator, "base_url", "")),
        model_of(generator), *(model_of(j) for j in judges), template.hash,
    )  # fmt: skip


def llm_generate(
    store: GraphStore,
    synthesis: SynthesisSpec,
    spec: LLMSpec,
    generator: LLM,
    gate: Gate,
    journal: Journal,
    *,
    judges: Judges | None = None,
    on_item: Callable[[LLMReport], None] | None = None,
) -> LLMResult:
    """Make ``synthesis.n`` LLM-written, graph-accepted samples (fewer if the items or budget run out).

    Raises:
        LLMError: an endpoint failed for good (unreachable, 401, unknown model, too many errors);
            the items finished before it are in the journal.
        ConfigError / TemplateError / InputError: bad settings, prompt template or few-shot file.
    """
    if spec.pairwise and (judges is None or judges.pairwise is None):
        raise ConfigError("--pairwise needs at least one --judge (with a pairwise prompt) to compare with.")
    template = PromptTemplate(
        "qa", spec.prompt, synthesis.language, Path(spec.prompts_dir) if spec.prompts_dir else None
    )
    items = work_items(store, synthesis, spec.items_for(synthesis.n))
    file_examples = read_few_shot(spec.few_shot) if spec.few_shot else None
    report = LLMReport(wanted=synthesis.n)
    for record in journal.records():
        report.count(record, resumed=True)
    run = _Run(
        spec,
        synthesis.seed,
        generator,
        gate,
        template,
        judges,
        _Examples(spec.shots, items, file_examples),
        report,
    )
    asyncio.run(_schedule(run, items, journal, on_item, [generator, *(judges.judges if judges else ())]))
    records = journal.records()
    samples = [r.sample for r in records if r.status == "accepted" and r.sample is not None][: synthesis.n]
    return LLMResult(samples, [r for r in records if r.status == "rejected"], report)


async def _schedule(
    run: _Run,
    items: list[tuple[str, Sample]],
    journal: Journal,
    on_item: Callable[[LLMReport], None] | None,
    clients: list[LLM],
) -> None:
    report = run.report
    slots = asyncio.Semaphore(run.spec.concurrency)
    failure: list[LLMError] = []

    async def one(index: int, item_id: str, reference: Sample) -> None:
        try:
            record = await run.item(index, item_id, reference)
            journal.add(record)
            report.count(record)
        except LLMError as exc:
            failure.append(exc)
        finally:
            _account(report, clients)
            if on_item is not None:
                on_item(report)
            slots.release()

    tasks = []
    for index, (item_id, reference) in enumerate(items):
        if item_id in journal.done:
            continue
        await slots.acquire()
        if failure or report.accepted >= report.wanted:
            slots.release()
            break
        tasks.append(asyncio.create_task(one(index, item_id, reference)))
    await asyncio.gather(*tasks)
    await _close(clients)
    budget = next((e for e in failure if isinstance(e, BudgetExceededError)), None)
    if budget is not None:
        report.stop_reason = str(budget)
    elif failure:
        raise failure[0]
    elif report.accepted < report.wanted:
        report.stop_reason = f"all {len(items)} work items are done (raise --max-items to try more paths)"


def _account(report: LLMReport, clients: list[LLM]) -> None:
    ledgers: dict[int, Ledger] = {}
    for client in clients:
        ledger = getattr(client, "ledger", None)
        if isinstance(ledger, Ledger):
            ledgers[id(ledger)] = ledger
    totals = [ledger.total() for ledger in ledgers.values()]
    report.cost = StageCost(
        calls=sum(t.calls for t in totals), cache_hits=sum(t.cache_hits for t in totals),
        attempts=sum(t.attempts for t in totals), failed_attempts=sum(t.failed_attempts for t in totals),
        prompt_tokens=sum(t.prompt_tokens for t in totals),
        completion_tokens=sum(t.completion_tokens for t in totals),
        estimated=any(t.estimated for t in totals), cost=sum(t.cost for t in totals),
    )  # fmt: skip
    report.requests = sum(int(getattr(client, "requests", 0)) for client in clients)


async def _close(clients: list[LLM]) -> None:
    for client in clients:
        close = getattr(client, "aclose", None)
        if close is not None:
            await close()


@dataclass(frozen=True)
class DryRun:
    """What a run would send: the first prompts, and an estimate of tokens and cost (nothing called)."""

    prompts: list[tuple[str, Prompt]]
    prompt_tokens: int
    completion_tokens: int
    cost: float


def dry_run(
    store: GraphStore,
    synthesis: SynthesisSpec,
    spec: LLMSpec,
    *,
    price_in: float = 0.0,
    price_out: float = 0.0,
) -> DryRun:
    """Render the prompts of the first ``n`` work items and estimate one attempt each (calls nothing)."""
    template = PromptTemplate(
        "qa", spec.prompt, synthesis.language, Path(spec.prompts_dir) if spec.prompts_dir else None
    )
    items = work_items(store, synthesis, synthesis.n)
    examples = _Examples(spec.shots, items, read_few_shot(spec.few_shot) if spec.few_shot else None)
    prompts = []
    for index, (item_id, reference) in enumerate(items):
        frame = PathFrame.of(reference)
        context = frame.context(
            cot=spec.cot, persona=spec.persona, examples=examples.for_item(index, reference.type)
        )
        prompts.append((item_id, template.render(**context)))
    tokens_in = sum(estimate_tokens(m["content"]) for _, p in prompts for m in p.messages)
    tokens_out = spec.max_tokens * len(prompts)
    return DryRun(prompts, tokens_in, tokens_out, (tokens_in * price_in + tokens_out * price_out) / 1e6)


__all__ = [
    "ITEMS_PER_SAMPLE",
    "DryRun",
    "LLMReport",
    "LLMResult",
    "LLMSpec",
    "dry_run",
    "fingerprint",
    "llm_generate",
    "seed_for",
    "work_items",
]
