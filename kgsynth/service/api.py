"""The JSON API under ``/api/v1``: every page action as an endpoint, described at ``/openapi.json``.

Handlers are thin: parse, call ``actions`` / the tables / ``graph_views``, return JSON. Lists
are paged by cursor: each page carries ``next``, passed back as ``after`` (or ``before`` for
tasks, newest first).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, UploadFile
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from kgsynth.export import FORMATS
from kgsynth.service import actions, graph_views
from kgsynth.service.actions import BlendRequest, ReviewRequest, SaveRequest
from kgsynth.service.errors import NotFoundError, RefusedError
from kgsynth.service.params import ExtractionParams, FactcheckParams, SynthesisParams
from kgsynth.service.runners import output_path
from kgsynth.service.samples import MAX_PAGE, Review, SampleFilter
from kgsynth.service.state import ServiceState, state_dependency
from kgsynth.service.tasks import Task
from kgsynth.service.uploads import StoredUpload, file_chunks

router = APIRouter()
State = Annotated[ServiceState, Depends(state_dependency)]
IdempotencyKey = Annotated[str | None, Header(max_length=200, description="same key, same task")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
#: Ids and cursors are SQLite integers (64-bit).
BIG = 2**62
TaskId = Annotated[int, Path(ge=1, le=BIG)]
Seq = Annotated[int, Path(ge=0, le=BIG)]
After = Annotated[int, Query(ge=-1, le=BIG)]
Format = Literal["raw", "alpaca", "sharegpt", "openai"]
JSON = "application/json"
assert set(FORMATS) == set(Format.__args__)  # type: ignore[attr-defined]


class RetryRequest(BaseModel):
    """How to retry: from where the task stopped (default) or from scratch."""

    model_config = ConfigDict(extra="forbid")

    from_scratch: bool = False


class BulkRequest(BaseModel):
    """Accept or reject every sample the filter matches."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "reject"]
    filter: SampleFilter = SampleFilter()


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the web process answers."""
    return {"status": "ok"}


# ---------------------------------------------------------------------------- uploads
@router.post("/uploads", status_code=201)
async def upload(state: State, files: list[UploadFile]) -> list[StoredUpload]:
    """Store files (multipart ``files``) under their content hash; returns their ids (sha256)."""
    return [await state.uploads.save(f.filename or "upload", file_chunks(f.read)) for f in files]


@router.get("/uploads/{sha256}")
def upload_info(state: State, sha256: str) -> StoredUpload:
    """What an upload is: its hash, stored name, size and the name it was sent as."""
    return state.uploads.get(sha256)


# ---------------------------------------------------------------------------- tasks
@router.get("/tasks")
async def tasks(
    state: State,
    before: Annotated[int | None, Query(ge=1, le=BIG)] = None,
    limit: Limit = 50,
    kind: Literal["extraction", "synthesis", "factcheck"] | None = None,
    task_state: Annotated[
        Literal["queued", "running", "succeeded", "failed", "cancelled"] | None, Query(alias="state")
    ] = None,
) -> dict[str, Any]:
    """Tasks, newest first; ``next`` is the ``before`` of the next page."""
    # On the event loop: a keyset read of the (small) task table costs less than the hops to the
    # thread pool and back that a plain function and its response validation take (issue 12).
    items = state.queue.page(before=before, limit=limit + 1, kind=kind, state=task_state)
    return {"items": items[:limit], "next": items[limit - 1].id if len(items) > limit else None}


@router.post("/tasks/extraction", status_code=201)
def create_extraction(state: State, params: ExtractionParams, idempotency_key: IdempotencyKey = None) -> Task:
    """Queue an extraction task over uploaded documents."""
    return actions.create_task(state, params, idempotency_key)[0]


@router.post("/tasks/synthesis", status_code=201)
def create_synthesis(state: State, params: SynthesisParams, idempotency_key: IdempotencyKey = None) -> Task:
    """Queue a synthesis task; its source must be a succeeded extraction task (422 otherwise)."""
    return actions.create_task(state, params, idempotency_key)[0]


@router.post("/tasks/factcheck", status_code=201)
def create_factcheck(state: State, params: FactcheckParams, idempotency_key: IdempotencyKey = None) -> Task:
    """Queue a fact-check of an uploaded JSONL file against a graph."""
    return actions.create_task(state, params, idempotency_key)[0]


@router.get("/tasks/{task_id}")
async def task(state: State, task_id: TaskId) -> Task:
    """One task: state, stage, progress, counts, timings, result, error."""
    # On the event loop, like the task list: one row by its key (issue 12).
    return state.queue.get(task_id)


@router.get("/tasks/{task_id}/log")
def task_log(
    state: State, task_id: TaskId, after: Annotated[int, Query(ge=0, le=BIG)] = 0
) -> list[dict[str, Any]]:
    """The task's log lines after line ``after``."""
    state.queue.get(task_id)
    return state.queue.log(task_id, after=after)


@router.post("/tasks/{task_id}/cancel")
def cancel(state: State, task_id: TaskId) -> Task:
    """Cancel a queued task, or ask a running one to stop (409 if it has finished)."""
    return state.queue.cancel(task_id)


@router.post("/tasks/{task_id}/retry")
def retry(state: State, task_id: TaskId, request: RetryRequest) -> Task:
    """Queue a failed or cancelled task again (409 otherwise)."""
    return state.queue.retry(task_id, from_scratch=request.from_scratch)


# ---------------------------------------------------------------------------- graphs
@router.get("/graphs/{graph}/entities")
def entities(
    state: State, graph: str, type: str | None = None, after: str = "", limit: Limit = 50
) -> dict[str, Any]:
    """Entities of a graph (``store`` or ``task-<id>``), by id, with counts by type."""
    return graph_views.entities_page(state.graph(graph), type=type, after=after, limit=limit)


@router.get("/graphs/{graph}/relations")
def relations(
    state: State,
    graph: str,
    predicate: str | None = None,
    entity: str | None = None,
    after: str = "",
    limit: Limit = 50,
) -> dict[str, Any]:
    """Relations with their evidence, filtered by predicate and/or entity id."""
    return graph_views.relations_page(
        state.graph(graph), predicate=predicate, entity=entity, after=after, limit=limit
    )


@router.get("/graphs/{graph}/documents/{document_id}")
def document(state: State, graph: str, document_id: str, relation: str | None = None) -> dict[str, Any]:
    """A document's text in segments; the evidence spans of ``relation`` are ``marked``."""
    return graph_views.document_view(state.graph(graph), document_id, relation)


@router.get("/graphs/{graph}/neighbourhood")
def neighbourhood(
    state: State, graph: str, entity: str, hops: Annotated[int, Query(ge=1, le=2)] = 1
) -> dict[str, Any]:
    """Nodes and edges around an entity (new neighbours capped; ``capped`` says if some were left out)."""
    return graph_views.neighbourhood(state.graph(graph), entity, hops=hops)


# ---------------------------------------------------------------------------- samples
@router.get("/tasks/{task_id}/samples", response_model=dict[str, Any])
async def samples(
    state: State,
    task_id: TaskId,
    type: str | None = None,
    hops: Annotated[int | None, Query(ge=0, le=10)] = None,
    relation: str | None = None,
    entity: str | None = None,
    verdict: str | None = None,
    review: Review | None = None,
    q: Annotated[str | None, Query(max_length=200, description="text in the question or answer")] = None,
    after: After = -1,
    limit: Limit = 50,
) -> Response:
    """A synthesis task's samples matching every given filter, after sample ``after`` (keyset)."""
    where = SampleFilter(
        type=type, hops=hops, relation=relation, entity=entity, verdict=verdict, review=review, q=q
    )
    page = functools.partial(_samples_page, state, task_id, where, after, limit)
    # A page read off one index reads only the rows it sends: answered on the event loop, where
    # it costs less than a hop to the thread pool and back (issue 12). Other filters may read
    # every sample of the task, in the thread pool.
    return page() if where.reads_one_index() else await run_in_threadpool(page)


def _samples_page(state: ServiceState, task_id: int, where: SampleFilter, after: int, limit: int) -> Response:
    state.queue.get(task_id)
    # Written by the table from the stored JSON, not by FastAPI from models (issue 12).
    return Response(state.samples.page_json(task_id, where, after=after, limit=limit), media_type=JSON)


@router.get("/tasks/{task_id}/samples/{seq}")
def sample(state: State, task_id: TaskId, seq: Seq) -> dict[str, Any]:
    """One sample with its audit rows."""
    return {"sample": state.samples.get(task_id, seq), "audit": state.samples.audit(task_id, seq=seq)}


@router.post("/tasks/{task_id}/samples/{seq}/recheck")
def recheck(state: State, task_id: TaskId, seq: Seq) -> dict[str, Any]:
    """Re-check the sample against the graph: verdict, and per claim its evidence."""
    return actions.recheck(state, task_id, seq)


@router.post("/tasks/{task_id}/samples/{seq}/review")
def review(state: State, task_id: TaskId, seq: Seq, request: ReviewRequest) -> dict[str, Any]:
    """Accept, reject or edit (re-checked) one sample; writes an audit row."""
    return actions.review(state, task_id, seq, request)


@router.post("/tasks/{task_id}/samples/bulk")
def bulk(state: State, task_id: TaskId, request: BulkRequest) -> dict[str, int]:
    """Accept or reject everything the filter matches; one audit row per sample."""
    return {"changed": actions.bulk(state, task_id, request.action, request.filter)}


@router.get("/tasks/{task_id}/audit")
def audit(state: State, task_id: TaskId, limit: Limit = 100) -> list[dict[str, Any]]:
    """Review audit rows, newest first."""
    state.queue.get(task_id)
    return state.samples.audit(task_id, limit=limit)


@router.get("/tasks/{task_id}/checked")
def checked(state: State, task_id: TaskId) -> StreamingResponse:
    """A fact-check task's output, one JSON line per input line (as ``kgsynth check`` writes it)."""
    task = state.queue.get(task_id)
    path = output_path(state.settings.data_dir, task_id)
    if task.kind != "factcheck":
        raise RefusedError(f"task {task_id} is a {task.kind} task, not a fact-check.")
    if task.state != "succeeded" or not path.is_file():
        raise NotFoundError(f"fact-check task {task_id} has no output yet (it is {task.state}).")
    return StreamingResponse(path.open("rb"), media_type="application/x-ndjson")


# ---------------------------------------------------------------------------- datasets
@router.post("/datasets", status_code=201)
def save_dataset(state: State, request: SaveRequest) -> dict[str, Any]:
    """Save a synthesis task's samples (all, accepted, or filtered) as the next version of a dataset."""
    return _version(actions.save_dataset(state, request))


@router.get("/datasets")
def datasets(state: State) -> list[dict[str, Any]]:
    """Every dataset with its number of versions and latest version."""
    return state.datasets.datasets()


@router.get("/datasets/{name}")
def dataset(state: State, name: str) -> list[dict[str, Any]]:
    """A dataset's versions, newest first."""
    return [_version(v) for v in state.datasets.versions(name)]


@router.get("/versions/{version_id}")
def version(state: State, version_id: str) -> dict[str, Any]:
    """One version: parent, source task, graph, parameters, record count, card."""
    return _version(state.datasets.get(version_id), card=True)


@router.get("/versions/{version_id}/diff/{other_id}")
def diff(state: State, version_id: str, other_id: str) -> dict[str, Any]:
    """Records added, removed and changed from ``version_id`` to ``other_id``."""
    return state.datasets.diff(state.datasets.get(version_id), state.datasets.get(other_id))


@router.get("/versions/{version_id}/download")
def download(state: State, version_id: str, format: Format = "raw") -> StreamingResponse:
    """The version as JSONL in a training format, streamed (same export code as the CLI)."""
    found = state.datasets.get(version_id)
    name = f"{found.dataset}-v{found.number}-{format}.jsonl"
    return StreamingResponse(
        state.datasets.download(found, format),
        media_type="application/x-ndjson",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/versions/{version_id}/card", response_class=PlainTextResponse)
def card(state: State, version_id: str) -> str:
    """The version's dataset card (markdown)."""
    return state.datasets.get(version_id).card


@router.post("/versions/{version_id}/blend", status_code=201)
def blend(state: State, version_id: str, request: BlendRequest) -> dict[str, Any]:
    """Blend the version with an uploaded real dataset at a ratio; saved as a new version with its card."""
    return _version(actions.blend_version(state, version_id, request), card=True)


def _version(found: Any, card: bool = False) -> dict[str, Any]:
    data = found.model_dump()
    if not card:
        data.pop("card")
    return data


__all__ = ["router"]
