"""What a page button or an API call does, in one place, so the two can never differ.

Each function takes the ``ServiceState`` and plain arguments, checks what the request refers
to (uploads exist, the source task succeeded), and calls the task queue, the sample table,
the dataset store or the library.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kgsynth.export.blend import blend, blend_card
from kgsynth.model import CheckResult
from kgsynth.ontology import shipped_ontologies
from kgsynth.service.datasets import Version, check_name
from kgsynth.service.errors import RefusedError
from kgsynth.service.params import ExtractionParams, FactcheckParams, SynthesisParams
from kgsynth.service.runners.extraction import UPLOAD_PREFIX
from kgsynth.service.samples import ReviewAction, SampleFilter
from kgsynth.service.state import ServiceState
from kgsynth.service.tasks import Task

Params = ExtractionParams | SynthesisParams | FactcheckParams
_KIND = {ExtractionParams: "extraction", SynthesisParams: "synthesis", FactcheckParams: "factcheck"}


def create_task(state: ServiceState, params: Params, idempotency_key: str | None = None) -> tuple[Task, bool]:
    """Queue a task after checking what it refers to.

    Raises:
        NotFoundError: an upload or source task does not exist.
        RefusedError: a synthesis source that is not a succeeded extraction task, an unknown
            ontology, a fact-check input that is not JSONL, an LLM option on a server without
            an LLM endpoint.
    """
    source = None
    _refuse_llm_unless_configured(state, params)
    if isinstance(params, ExtractionParams):
        for sha in params.uploads:
            state.uploads.get(sha)
        _check_ontology(state, params.ontology)
    elif isinstance(params, SynthesisParams):
        source = refuse_unless_extracted(state, params.source_task)
        params.spec()  # a bad combination of settings fails now, not in the worker
    else:
        upload = state.uploads.get(params.upload)
        if not upload.stored_as.endswith(".jsonl"):
            raise RefusedError(f'fact-check input "{upload.name}" is not a .jsonl file.')
        state.graph(params.graph)
    return state.queue.create(
        _KIND[type(params)],
        params.model_dump(mode="json"),
        source_task=source,
        idempotency_key=idempotency_key,
    )


def _refuse_llm_unless_configured(state: ServiceState, params: Params) -> None:
    if state.settings.llm_endpoint is not None:
        return
    if isinstance(params, ExtractionParams) and params.extractor != "rules":
        setting, instead = f'extractor "{params.extractor}"', 'extractor "rules"'
    elif isinstance(params, SynthesisParams) and params.generator == "llm":
        setting, instead = 'generator "llm"', 'generator "templates"'
    else:
        return
    raise RefusedError(
        f"{setting} needs an LLM endpoint, and this server has none: start kgsynth serve with --llm "
        f"(or set KGSYNTH_LLM_BASE_URL and KGSYNTH_LLM_MODEL), or use {instead}."
    )


def refuse_unless_extracted(state: ServiceState, task_id: int) -> int:
    """The id of a succeeded extraction task, or a refusal saying why it is not one."""
    task = state.queue.get(task_id)
    if task.kind != "extraction":
        raise RefusedError(f"task {task_id} is a {task.kind} task: synthesis starts from an extraction task.")
    if task.state != "succeeded":
        raise RefusedError(
            f"extraction task {task_id} is {task.state}: synthesis starts from a succeeded extraction task"
            + (f" (it failed: {task.error})" if task.error else "")
            + "."
        )
    return task_id


def _check_ontology(state: ServiceState, ontology: str) -> None:
    if ontology.startswith(UPLOAD_PREFIX):
        state.uploads.get(ontology.removeprefix(UPLOAD_PREFIX))
    elif ontology not in shipped_ontologies():
        raise RefusedError(
            f'ontology "{ontology[:80]}" is not shipped ({", ".join(shipped_ontologies())}); '
            'upload one and give "upload:<sha256>".'
        )


def recheck(state: ServiceState, task_id: int, seq: int) -> dict[str, Any]:
    """Re-check one sample against its graph: its facts if unedited, its text if edited."""
    from kgsynth.service.graphs import graph_path, open_graph
    from kgsynth.verify import check_sample

    row = state.samples.get(task_id, seq)
    task = state.queue.get(task_id)
    graph = graph_path(state.settings, int(task.params["source_task"]))
    if row.review == "edited":
        result = state.recheck_text(graph, row.question, row.answer)
    else:
        with open_graph(graph) as store:
            result = check_sample(row.sample, store)
    state.samples.set_verdict(task_id, seq, result.status)
    return verdict_view(result)


def verdict_view(result: CheckResult) -> dict[str, Any]:
    """A check result as the page and the API show it: verdict, reason, claims with evidence."""
    return {
        "verdict": result.status,
        "reason": result.reason,
        "claims": [
            {
                "text": v.claim.text,
                "verdict": v.status,
                "reason": v.reason,
                "evidence": [
                    {
                        "subject": r.subject,
                        "predicate": r.predicate,
                        "object": r.object,
                        "sentences": [e.sentence for e in r.evidence][:3],
                        "documents": [e.document_id for e in r.evidence][:3],
                    }
                    for r in v.evidence
                ],
            }
            for v in result.verdicts
        ],
    }


class ReviewRequest(BaseModel):
    """A review action on one sample; ``edit`` takes the new question and/or answer."""

    model_config = ConfigDict(extra="forbid")

    action: ReviewAction
    question: str | None = Field(None, min_length=1, max_length=5000)
    answer: str | None = Field(None, min_length=1, max_length=5000)


def review(state: ServiceState, task_id: int, seq: int, request: ReviewRequest) -> dict[str, Any]:
    """Accept, reject or edit a sample (an edit is re-checked and its verdict stored with the audit row)."""
    verdict = None
    if request.action == "edit":
        if request.question is None and request.answer is None:
            raise RefusedError("an edit needs a new question or a new answer.")
        from kgsynth.service.graphs import graph_path

        row = state.samples.get(task_id, seq)
        task = state.queue.get(task_id)
        graph = graph_path(state.settings, int(task.params["source_task"]))
        verdict = state.recheck_text(graph, request.question or row.question, request.answer or row.answer)
    row = state.samples.review(
        task_id,
        seq,
        request.action,
        question=request.question,
        answer=request.answer,
        verdict=verdict.status if verdict else None,
    )
    return {
        "seq": row.seq,
        "review": row.review,
        "verdict": row.verdict,
        "check": verdict_view(verdict) if verdict else None,
    }


Selection = Literal["all", "accepted", "filtered"]


class SaveRequest(BaseModel):
    """Save a synthesis task's samples as the next version of a named dataset."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    task: int = Field(ge=1)
    selection: Selection = "all"
    filter: SampleFilter = SampleFilter()


def save_dataset(state: ServiceState, request: SaveRequest) -> Version:
    """Save the selection (rejected samples are never saved) with a dataset card."""
    from kgsynth.export import coverage_report, dataset_card
    from kgsynth.service.graphs import graph_path, open_graph
    from kgsynth.store.snapshot import GraphSnapshot

    check_name(request.name)
    task = state.queue.get(request.task)
    if task.kind != "synthesis" or task.state != "succeeded":
        raise RefusedError(
            f"task {task.id} is a {task.state} {task.kind} task: save a succeeded synthesis task."
        )
    where = request.filter if request.selection == "filtered" else SampleFilter()
    rows = [
        r
        for r in state.samples.iter_matching(task.id, where)
        if r.review != "rejected" and (request.selection != "accepted" or r.review in ("accepted", "edited"))
    ]
    samples = [r.sample for r in rows]
    graph = graph_path(state.settings, int(task.params["source_task"]))
    with open_graph(graph) as store:
        coverage = coverage_report(samples, GraphSnapshot.from_store(store))
    params = {
        "selection": request.selection,
        "filter": where.model_dump(exclude_none=True),
        "synthesis": task.params,
    }
    card = dataset_card(
        coverage,
        params,
        source=f"task-{task.params['source_task']}",
        data_file=f"{request.name}.jsonl",
        title=f"kgsynth dataset {request.name}",
    )
    return state.datasets.save(
        request.name,
        (s.model_dump_json() for s in samples),
        kind="samples",
        card=card,
        source_task=task.id,
        graph=f"task-{task.params['source_task']}",
        params=params,
    )


class BlendRequest(BaseModel):
    """Blend a saved version with an uploaded real dataset (JSONL, any shape kgsynth reads)."""

    model_config = ConfigDict(extra="forbid")

    real: str = Field(description="sha256 of the uploaded real dataset (.jsonl)")
    ratio: float = Field(0.8, gt=0.0, lt=1.0, description="share of real records in the output")
    seed: int = Field(0, ge=0, le=2**31)
    threshold: float = Field(0.9, gt=0.0, le=1.0, description="near-duplicate similarity")
    name: str | None = Field(None, max_length=64, description='dataset to save into (default "<name>-blend")')


def blend_version(state: ServiceState, version_id: str, request: BlendRequest) -> Version:
    """Blend a version with a real dataset and save the result as a version with its card."""
    version = state.datasets.get(version_id)
    upload = state.uploads.get(request.real)
    if not upload.stored_as.endswith(".jsonl"):
        raise RefusedError(f'real dataset "{upload.name}" is not a .jsonl file.')
    name = check_name(request.name or f"{version.dataset}-blend")
    sources = {"real": upload.name, "synthetic": f"{version.dataset} v{version.number} ({version.id})"}
    names = (f'real dataset "{upload.name}"', f"version {sources['synthetic']}")
    with state.uploads.path(upload).open(encoding="utf-8", errors="replace") as real:
        result = blend(
            real,
            state.datasets.lines(version),
            request.ratio,
            seed=request.seed,
            threshold=request.threshold,
            names=names,
        )
    card = blend_card(result.report, sources=sources, seed=request.seed, threshold=request.threshold)
    params = {
        **request.model_dump(),
        "synthetic_version": version.id,
        "real_name": upload.name,
        "ratio_reached": result.report.ratio_reached,
        "dropped": dict(result.report.dropped),
    }
    return state.datasets.save_blend(name, result, card=card, params=params)


def bulk(state: ServiceState, task_id: int, action: Literal["accept", "reject"], where: SampleFilter) -> int:
    """Accept or reject every sample the filter matches."""
    state.queue.get(task_id)
    return state.samples.bulk(task_id, where, action)


__all__ = [
    "BlendRequest",
    "ReviewRequest",
    "SaveRequest",
    "blend_version",
    "bulk",
    "create_task",
    "recheck",
    "refuse_unless_extracted",
    "review",
    "save_dataset",
    "verdict_view",
]
