"""The synthesis task: a succeeded extraction task's graph -> ``kgsynth.synthesize`` -> samples.

Synthesis is deterministic by seed, so the checkpoint is just how many samples are stored: a
resumed task runs the same generator again, passes over the samples it already has, and
stores the rest. Samples are stored ``BATCH`` at a time in the same transaction as the
checkpoint, so a crash never leaves a half batch or a checkpoint ahead of the rows. Each
sample is stored with its verdict from re-checking its facts against the graph.

With ``generator: "llm"`` the server's LLM rewords template samples behind the grounding gate
(``runners/llm.py``); its journal in the task's folder is the resume point of the generation,
and the accepted samples are then stored in the same checkpointed batches.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kgsynth.model import Sample
from kgsynth.pipeline import synthesize
from kgsynth.service.errors import RefusedError
from kgsynth.service.graphs import graph_path, open_graph
from kgsynth.service.params import SynthesisParams
from kgsynth.service.runners.context import RunContext, task_folder
from kgsynth.service.runners.llm import GENERATING, llm_result, llm_samples, sample_counts
from kgsynth.service.samples import delete_samples, insert_samples
from kgsynth.store.base import GraphStore

#: Samples per checkpoint.
BATCH = 200


def run_synthesis(ctx: RunContext) -> dict[str, Any]:
    """Make the task's samples; returns the result shown on the task page."""
    params = SynthesisParams(**ctx.task.params)
    source = ctx.queue.get(params.source_task)
    if source.kind != "extraction" or source.state != "succeeded":
        raise RefusedError(
            f"task {source.id} is a {source.state} {source.kind} task, not a succeeded extraction."
        )
    fresh = not ctx.task.checkpoint
    if fresh:
        ctx.save_checkpoint({"made": 0}, lambda conn: delete_samples(conn, ctx.task.id))
    done = int(ctx.task.checkpoint.get("made", 0))
    if done:
        ctx.log(f"resuming after {done} stored samples (same seed, same samples)")
    spec = params.spec()
    graph = f"task-{source.id}"
    with ctx.timed("synthesizing"), open_graph(graph_path(ctx.settings, source.id)) as store:
        if params.generator == "llm":
            return {**_llm_run(ctx, store, params, fresh, done), "graph": graph}
        result = synthesize(store, spec)
        _store_all(ctx, store, result, spec.n, done)
        report = result.report
    return {
        "samples": report.made,
        "by_type": dict(report.by_type),
        "by_hops": {str(k): v for k, v in report.by_hops.items()},
        "by_relation": dict(report.by_relation),
        "drops": dict(report.drops),
        "attempts": report.attempts,
        "coverage": report.coverage_line(),
        "graph": graph,
    }


def _llm_run(
    ctx: RunContext, store: GraphStore, params: SynthesisParams, fresh: bool, done: int
) -> dict[str, Any]:
    """LLM samples (resuming from the journal in the task's folder), stored; returns the result."""
    folder = task_folder(ctx.settings.data_dir, ctx.task.id)
    made = llm_samples(ctx, store, params.spec(), params.llm_spec(), folder, fresh=fresh)
    _store_all(ctx, store, made.samples, len(made.samples), done, start=GENERATING)
    endpoint = ctx.settings.llm_endpoint
    llm = llm_result(made, endpoint.model if endpoint is not None else "")
    stopped = f"; stopped short: {made.report.stop_reason}" if made.report.stop_reason else ""
    ctx.log(f"LLM {llm['model']}: {made.report.progress_line()}{stopped}")
    return {"samples": len(made.samples), **sample_counts(made.samples), "llm": llm}


def _store_all(
    ctx: RunContext, store: GraphStore, samples: Iterable[Sample], total: int, done: int, start: float = 0.0
) -> None:
    """Store the samples after the first ``done`` (each with its re-checked verdict) in batches."""
    from kgsynth.verify.provenance import check_sample  # verify imports spaCy: only when running

    batch: list[tuple[int, Sample, str]] = []
    for seq, sample in enumerate(samples):
        if seq >= done:
            batch.append((seq, sample, check_sample(sample, store).status))
        if len(batch) >= BATCH or seq + 1 == total:
            done = _store(ctx, batch, max(done, seq + 1))
            batch = []
        ctx.progress(fraction=start + (1 - start) * (seq + 1) / total * 0.999, samples=seq + 1)


def _store(ctx: RunContext, batch: list[tuple[int, Sample, str]], made: int) -> int:
    if batch:
        ctx.save_checkpoint({"made": made}, lambda conn: insert_samples(conn, ctx.task.id, batch))
    return made


__all__ = ["BATCH", "run_synthesis"]
