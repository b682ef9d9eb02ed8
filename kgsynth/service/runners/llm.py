"""The server's LLM endpoint as the runners use it: a client per task, and LLM synthesis that resumes.

The endpoint is server configuration (``ServiceSettings.llm_endpoint``); the client reads its
key from ``OPENAI_API_KEY`` when it is built, in the worker, so the key reaches no task, log,
page or answer. ``llm_generate`` journals every finished work item; its journal and reply
cache live in the task's folder, so a task resumed after its worker died re-uses the items
answered before and asks only for the rest. ``llm_generate`` stops scheduling items only
after an ``LLMError``, so a cancel or a lost lease reaches it as one: ``Stoppable`` refuses
every request once the task must stop, and the runner raises the cancel instead.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgsynth.errors import ConfigError, LLMError
from kgsynth.service.errors import RefusedError
from kgsynth.service.runners.context import RunContext, TaskCancelled
from kgsynth.service.settings import ServiceSettings
from kgsynth.service.tasks import TaskLost

if TYPE_CHECKING:
    from kgsynth.llm import OpenAIBackend, ReplyCache
    from kgsynth.model import Sample
    from kgsynth.pipeline import SynthesisSpec
    from kgsynth.pipeline.llm_generate import LLMReport, LLMResult, LLMSpec
    from kgsynth.store.base import GraphStore

#: Files of an LLM synthesis task, in its folder.
JOURNAL = "llm.journal.jsonl"
CACHE = "llm-cache.db"
#: Share of the progress bar the LLM's work items fill (storing the samples fills the rest).
GENERATING = 0.9


def client(settings: ServiceSettings, *, cache: ReplyCache | None = None, seed: int = 0) -> OpenAIBackend:
    """A client of the server's endpoint.

    Raises:
        RefusedError: the server was restarted without the endpoint this task was queued with.
    """
    if settings.llm_endpoint is None:
        raise RefusedError(
            "this task uses the server's LLM endpoint, but the server now has none: restart kgsynth serve "
            "with --llm, or retry the task with the rules or templates."
        )
    from kgsynth.llm import OpenAIBackend  # the openai extra, only when a model is called

    return OpenAIBackend(settings.llm_endpoint, cache=cache, seed=seed)


class TaskStopped(LLMError):
    """A request refused because the task was cancelled or its lease lost."""


class Stoppable:
    """An ``LLM`` that passes calls on until the task must stop, then refuses them."""

    def __init__(self, inner: Any, ctx: RunContext) -> None:
        self.inner = inner
        self.ctx = ctx

    def __getattr__(self, name: str) -> Any:  # model, base_url, ledger, requests, aclose
        return getattr(self.inner, name)

    async def complete(self, messages: Any, **options: Any) -> Any:
        try:
            self.ctx.check()
        except (TaskCancelled, TaskLost) as exc:
            raise TaskStopped(f"task {self.ctx.task.id} stopped: no further requests") from exc
        return await self.inner.complete(messages, **options)


def llm_samples(
    ctx: RunContext, store: GraphStore, synthesis: SynthesisSpec, spec: LLMSpec, folder: Path, *, fresh: bool
) -> LLMResult:
    """``llm_generate`` over the task's graph, journaled in ``folder`` (cleared first when ``fresh``).

    Raises:
        TaskCancelled / TaskLost: the task must stop (the items finished so far are journaled).
        LLMError: the endpoint failed for good.
    """
    from kgsynth.generate.prompts import PromptTemplate
    from kgsynth.llm import ReplyCache
    from kgsynth.pipeline.gate import Gate
    from kgsynth.pipeline.journal import Journal
    from kgsynth.pipeline.llm_generate import fingerprint, llm_generate
    from kgsynth.verify import Checker

    folder.mkdir(parents=True, exist_ok=True)
    if fresh:
        for name in (JOURNAL, CACHE):
            (folder / name).unlink(missing_ok=True)
    cache = ReplyCache(folder / CACHE)
    generator = Stoppable(client(ctx.settings, cache=cache, seed=synthesis.seed), ctx)
    # items in flight follow the endpoint's ceiling, as in kgsynth generate --llm
    spec = spec.model_copy(update={"concurrency": generator.endpoint.max_concurrency})
    template = PromptTemplate("qa", spec.prompt, synthesis.language)
    try:
        journal = Journal(
            folder / JOURNAL, fingerprint(synthesis, spec, generator, [], template), resume=True
        )
    except ConfigError as exc:  # the journal's own advice (delete it) is not a page action
        cache.close()
        raise RefusedError(
            f"task {ctx.task.id}: its LLM journal was written with another endpoint, model or settings "
            "(was the server restarted with another --llm?): retry it from scratch."
        ) from exc
    if journal.done:
        ctx.log(f"resuming: {len(journal.done)} LLM work items answered before are re-used")
    items = max(1, spec.items_for(synthesis.n))

    def show(report: LLMReport) -> None:
        done = max(report.accepted / report.wanted, (report.accepted + report.rejected) / items)
        # on a stop, Stoppable refuses the next request; llm_generate ends after the items in flight
        with contextlib.suppress(TaskCancelled, TaskLost):
            ctx.progress(
                fraction=min(done, 1.0) * GENERATING,
                accepted=report.accepted,
                rejected=report.rejected,
                requests=report.requests,
            )

    try:
        gate = Gate(Checker(store, closed_world=True, model="blank"), cot=spec.cot)
        return llm_generate(store, synthesis, spec, generator, gate, journal, on_item=show)
    except LLMError:
        ctx.check()  # a cancel or a lost lease stopped the run, not the endpoint
        raise
    finally:
        journal.close()
        cache.close()


def llm_result(result: LLMResult, model: str) -> dict[str, Any]:
    """What the task page shows of an LLM run: acceptance by reason, type and hops; requests, tokens."""
    report, cost = result.report, result.report.cost
    return {
        "model": model,
        "wanted": report.wanted,
        "accepted": report.accepted,
        "rejected": report.rejected,
        "resumed": report.resumed,
        "attempts": report.attempts,
        "rejected_by_reason": dict(sorted(report.final_reasons.items())),
        "rejected_attempts_by_reason": dict(sorted(report.reasons.items())),
        "by_type": {name: dict(counts) for name, counts in sorted(report.by_type.items())},
        "by_hops": {str(hops): dict(counts) for hops, counts in sorted(report.by_hops.items())},
        "requests": report.requests,
        "cached": cost.cache_hits,
        "prompt_tokens": cost.prompt_tokens,
        "completion_tokens": cost.completion_tokens,
        "tokens_estimated": cost.estimated,
        "cost": round(cost.cost, 6),
        "stop_reason": report.stop_reason,
    }


def sample_counts(samples: list[Sample]) -> dict[str, Any]:
    """Stored samples by type and hops (the template report's counts, for LLM samples)."""
    return {
        "by_type": dict(Counter(s.type for s in samples)),
        "by_hops": {str(k): v for k, v in sorted(Counter(s.hops for s in samples).items())},
    }


__all__ = [
    "CACHE",
    "JOURNAL",
    "Stoppable",
    "TaskStopped",
    "client",
    "llm_result",
    "llm_samples",
    "sample_counts",
]
