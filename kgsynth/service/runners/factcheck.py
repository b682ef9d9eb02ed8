"""The fact-check task: an uploaded JSONL file -> ``kgsynth.verify.check_file`` against a graph.

Checking is deterministic and writes its output to a temporary file renamed at the end, so a
resumed task simply checks the file again. The output (one JSON line per input line, as
``kgsynth check`` writes it) is kept in the task's folder for the report page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kgsynth.service.errors import RefusedError
from kgsynth.service.graphs import open_graph, resolve_graph
from kgsynth.service.params import FactcheckParams
from kgsynth.service.runners.context import RunContext, task_folder
from kgsynth.service.uploads import UploadStore


def output_path(data_dir: Path, task_id: int) -> Path:
    """Where a fact-check task's JSONL output goes."""
    return task_folder(data_dir, task_id) / "checked.jsonl"


def run_factcheck(ctx: RunContext) -> dict[str, Any]:
    """Check the uploaded file; returns the counts by verdict."""
    from kgsynth.verify import CheckSummary, check_file  # spaCy loads only when checking

    params = FactcheckParams(**ctx.task.params)
    uploads = UploadStore(ctx.settings.data_dir / "uploads", ctx.settings.max_upload_bytes)
    source = uploads.path(uploads.get(params.upload))
    if source.suffix != ".jsonl":
        raise RefusedError(f'fact-check input "{uploads.get(params.upload).name}" is not a .jsonl file.')
    total = max(1, sum(1 for line in source.open("rb") if line.strip()))
    target = output_path(ctx.settings.data_dir, ctx.task.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    graph = resolve_graph(ctx.settings, ctx.queue, params.graph)

    def show(running: CheckSummary) -> None:
        done = running.checked + len(running.skipped)
        ctx.progress(fraction=min(done / total, 0.99), checked=running.checked, skipped=len(running.skipped))

    with ctx.timed("checking"), open_graph(graph) as store:
        summary = check_file(source, target, store, model="blank", on_item=show)
    return {
        "records": dict(summary.records),
        "claims": dict(summary.claims),
        "skipped": [s.reason for s in summary.skipped[:100]],
        "graph": params.graph,
    }


__all__ = ["output_path", "run_factcheck"]
