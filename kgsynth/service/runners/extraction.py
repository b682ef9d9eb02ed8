"""The extraction task: uploaded documents -> ``kgsynth.build`` -> the task's own graph.

Resuming needs no checkpoint of its own: ``build`` skips documents already in the graph, so a
task whose worker died goes on with the next document. An empty checkpoint means a fresh start
(first run, or a retry from scratch): the graph file is deleted first. With ``extractor: "llm"``
or ``"both"`` the server's LLM endpoint reads the documents as in ``kgsynth build``; the
result carries its report (relations proposed, kept, rejected by reason) for the documents
this run built (a resumed run counts only its own).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from kgsynth.ingest import BuildProgress, build
from kgsynth.model import Schema
from kgsynth.ontology import load_ontology
from kgsynth.service.graphs import delete_graph, graph_path
from kgsynth.service.params import ExtractionParams
from kgsynth.service.runners.context import RunContext
from kgsynth.service.runners.llm import client
from kgsynth.service.settings import ServiceSettings
from kgsynth.service.uploads import UploadStore
from kgsynth.store import open_store

UPLOAD_PREFIX = "upload:"


def run_extraction(ctx: RunContext) -> dict[str, Any]:
    """Build the task's graph from its uploads; returns the result shown on the task page."""
    params = ExtractionParams(**ctx.task.params)
    uploads = UploadStore(ctx.settings.data_dir / "uploads", ctx.settings.max_upload_bytes)
    target = graph_path(ctx.settings, ctx.task.id)
    if not ctx.task.checkpoint:
        delete_graph(target)
        ctx.save_checkpoint({"started": True})
    target.parent.mkdir(parents=True, exist_ok=True)
    paths = [uploads.path(uploads.get(sha)) for sha in params.uploads]
    total = max(1, sum(_records(path) for path in paths))
    with ctx.timed("loading the extraction pipeline"):
        schema = _schema(params.ontology, uploads)
        pipeline = _pipeline(schema, params.model) if params.extractor != "llm" else None
        llm = _llm_extractor(ctx.settings, schema) if params.extractor != "rules" else None
    with ctx.timed("extracting"), open_store(str(target)) as store:

        def show(p: BuildProgress) -> None:
            ctx.progress(
                fraction=min(p.documents / total, 0.99),
                documents=p.documents,
                built=p.built,
                entities=p.entities,
                relations=p.relations,
                skipped=p.skipped,
            )

        report = build(
            paths, store, schema, pipeline=pipeline, progress=show, extractor=params.extractor, llm=llm
        )
        stats = store.stats()
    ctx.log(report.summary())
    return {
        "graph": f"task-{ctx.task.id}",
        "documents_built": report.documents_built,
        "documents_unchanged": report.documents_unchanged,
        "skipped": [str(item) for item in report.skipped],
        "dropped": report.dropped,
        "entities": stats.entities,
        "relations": stats.relations,
        "entities_by_type": stats.entities_by_type,
        "relations_by_predicate": stats.relations_by_predicate,
        "model": report.model,
        "extractor": params.extractor,
        "llm": report.llm.model_dump() if report.llm is not None else None,
    }


def _llm_extractor(settings: ServiceSettings, schema: Schema) -> Any:
    # as kgsynth build --extractor llm|both makes it, with the server's endpoint
    from kgsynth.ingest.llm_extract import LLMExtractor

    return LLMExtractor(client(settings), schema)


def _records(path: Path) -> int:
    """Documents a file should give: one per non-blank line of JSONL, else one."""
    if path.suffix != ".jsonl":
        return 1
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _schema(ontology: str, uploads: UploadStore) -> Schema:
    if ontology.startswith(UPLOAD_PREFIX):
        return load_ontology(uploads.path(uploads.get(ontology.removeprefix(UPLOAD_PREFIX))))
    return load_ontology(ontology)


@functools.lru_cache(maxsize=4)
def _pipeline(schema: Schema, model: str) -> Any:
    # Loading spaCy and the ontology rules takes seconds: a worker keeps the last few pipelines.
    from kgsynth.nlp import build_pipeline

    return build_pipeline(schema, model=model)


__all__ = ["run_extraction"]
