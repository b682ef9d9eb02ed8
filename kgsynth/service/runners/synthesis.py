"""The synthesis task: a succeeded extraction task's graph -> ``kgsynth.synthesize`` -> samples.

Synthesis is deterministic by seed, so the checkpoint is just how many samples are stored: a
resumed task runs the same generator again, passes over the samples it already has, and
stores the rest. Samples are stored ``BATCH`` at a time in the same transaction as the
checkpoint, so a crash never leaves a half batch or a checkpoint ahead of the rows. Each
sample is stored with its verdict from re-checking its facts against the graph.
"""

from __future__ import annotations

from typing import Any

from kgsynth.model import Sample
from kgsynth.pipeline import synthesize
from kgsynth.service.errors import RefusedError
from kgsynth.service.graphs import graph_path, open_graph
from kgsynth.service.params import SynthesisParams
from kgsynth.service.runners.context import RunContext
from kgsynth.service.samples import delete_samples, insert_samples

#: Samples per checkpoint.
BATCH = 200


def run_synthesis(ctx: RunContext) -> dict[str, Any]:
    """Make the task's samples; returns the result shown on the task page."""
    from kgsynth.verify.provenance import check_sample  # verify imports spaCy: only when running

    params = SynthesisParams(**ctx.task.params)
    source = ctx.queue.get(params.source_task)
    if source.kind != "extraction" or source.state != "succeeded":
        raise RefusedError(
            f"task {source.id} is a {source.state} {source.kind} task, not a succeeded extraction."
        )
    if not ctx.task.checkpoint:
        ctx.save_checkpoint({"made": 0}, lambda conn: delete_samples(conn, ctx.task.id))
    done = int(ctx.task.checkpoint.get("made", 0))
    if done:
        ctx.log(f"resuming after {done} stored samples (same seed, same samples)")
    spec = params.spec()
    with ctx.timed("synthesizing"), open_graph(graph_path(ctx.settings, source.id)) as store:
        result = synthesize(store, spec)
        batch: list[tuple[int, Sample, str]] = []
        for seq, sample in enumerate(result):
            if seq >= done:
                batch.append((seq, sample, check_sample(sample, store).status))
            if len(batch) >= BATCH or seq + 1 == spec.n:
                done = _store(ctx, batch, max(done, seq + 1))
                batch = []
            ctx.progress(fraction=(seq + 1) / spec.n * 0.999, samples=seq + 1)
        report = result.report
    return {
        "samples": report.made,
        "by_type": dict(report.by_type),
        "by_hops": {str(k): v for k, v in report.by_hops.items()},
        "by_relation": dict(report.by_relation),
        "drops": dict(report.drops),
        "attempts": report.attempts,
        "coverage": report.coverage_line(),
        "graph": f"task-{source.id}",
    }


def _store(ctx: RunContext, batch: list[tuple[int, Sample, str]], made: int) -> int:
    if batch:
        ctx.save_checkpoint({"made": made}, lambda conn: insert_samples(conn, ctx.task.id, batch))
    return made


__all__ = ["BATCH", "run_synthesis"]
