"""Server-rendered pages (Jinja2, autoescaped) with htmx for partial updates and SSE for progress.

Pages call the same ``actions`` and tables as the JSON API; forms post here and are
redirected (303) to the page of what they made. Every value shown goes through Jinja's
autoescape, document text included: the evidence highlight is built from text segments,
never from HTML strings. Nothing here is in the OpenAPI schema.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import ValidationError

from kgsynth.errors import KgsynthError
from kgsynth.export import FORMATS
from kgsynth.generate.factory import QUESTION_TYPES
from kgsynth.ontology import shipped_ontologies
from kgsynth.service import actions, graph_views
from kgsynth.service.actions import BlendRequest, ReviewRequest, SaveRequest
from kgsynth.service.errors import RefusedError
from kgsynth.service.graph_views import NEIGHBOUR_CAP
from kgsynth.service.graphs import open_graph
from kgsynth.service.params import ExtractionParams, FactcheckParams, LLMSettings, SynthesisParams
from kgsynth.service.runners import output_path
from kgsynth.service.samples import SampleFilter
from kgsynth.service.state import ServiceState, get_state, state_dependency
from kgsynth.service.tasks import FINISHED
from kgsynth.service.uploads import file_chunks

router = APIRouter()
State = Annotated[ServiceState, Depends(state_dependency)]
#: Seconds between progress events, and the longest one SSE stream lasts (the browser reconnects).
SSE_EVERY = 0.5
SSE_MAX_SECONDS = 300
REPORT_ROWS = 500


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A template rendered with the shared filters."""
    templates = get_state(request).templates
    env = templates.env
    env.filters.setdefault(
        "when", lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else ""
    )
    env.filters.setdefault("shown", _shown)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    """The error page (used by the app's error handlers)."""
    return render(request, "error.html", status, status=status, message=message)


def _shown(value: Any, key: str, uploads: dict[str, str]) -> str:
    if key == "uploads":
        names = [uploads.get(sha, sha[:12]) for sha in value]
        return ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    return uploads.get(value, str(value)) if key == "upload" else str(value)


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------------------- tasks
@router.get("/")
def home() -> RedirectResponse:
    return _see("/tasks")


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)  # browsers ask for it; there is none


@router.get("/tasks")
def tasks_page(request: Request, state: State, before: int | None = None) -> HTMLResponse:
    items = state.queue.page(before=before, limit=51)
    return render(
        request, "tasks.html", tasks=items[:50], before=before, next=items[49].id if len(items) > 50 else None
    )


@router.get("/tasks/rows")
def task_rows(request: Request, state: State, before: int | None = None) -> HTMLResponse:
    return render(request, "_task_rows.html", tasks=state.queue.page(before=before, limit=50))


@router.get("/tasks/{task_id}")
def task_page(request: Request, state: State, task_id: int) -> HTMLResponse:
    task = state.queue.get(task_id)
    return render(
        request, "task.html", task=task, log=state.queue.log(task_id), uploads=_upload_names(state, task)
    )


@router.get("/tasks/{task_id}/progress")
def progress_fragment(request: Request, state: State, task_id: int) -> HTMLResponse:
    return render(request, "_progress.html", task=state.queue.get(task_id))


@router.get("/tasks/{task_id}/events")
async def progress_events(request: Request, state: State, task_id: int) -> StreamingResponse:
    """Server-sent events: the progress fragment whenever it changes, then ``done``."""
    state.queue.get(task_id)

    async def events() -> AsyncIterator[str]:
        last, started = "", time.monotonic()
        while time.monotonic() - started < SSE_MAX_SECONDS and not await request.is_disconnected():
            task = state.queue.get(task_id)
            html = bytes(render(request, "_progress.html", task=task).body).decode()
            if html != last:
                last = html
                yield _event("progress", html)
            if task.state in FINISHED:
                yield _event("done", "")
                return
            await asyncio.sleep(SSE_EVERY)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"cache-control": "no-cache"})


def _event(name: str, data: str) -> str:
    lines = "\n".join(f"data: {line}" for line in data.splitlines() or [""])
    return f"event: {name}\n{lines}\n\n"


@router.post("/tasks/{task_id}/cancel")
def cancel(state: State, task_id: int) -> RedirectResponse:
    state.queue.cancel(task_id)
    return _see(f"/tasks/{task_id}")


@router.post("/tasks/{task_id}/retry")
def retry(state: State, task_id: int, from_scratch: Annotated[bool, Form()] = False) -> RedirectResponse:
    state.queue.retry(task_id, from_scratch=from_scratch)
    return _see(f"/tasks/{task_id}")


def _upload_names(state: ServiceState, task: Any) -> dict[str, str]:
    shas = [*task.params.get("uploads", []), task.params.get("upload", "")]
    names = {}
    for sha in filter(None, shas):
        try:
            names[sha] = state.uploads.get(sha).name
        except KgsynthError:
            names[sha] = f"{sha[:12]} (missing)"
    return names


# ---------------------------------------------------------------------------- new tasks
@router.get("/new/extraction")
def new_extraction(request: Request) -> HTMLResponse:
    return render(request, "new_extraction.html", ontologies=shipped_ontologies())


@router.post("/new/extraction")
async def start_extraction(
    request: Request,
    state: State,
    files: Annotated[list[UploadFile], Form()],
    ontology: Annotated[str, Form()] = "medical",
    model: Annotated[str, Form()] = "blank",
    ontology_file: Annotated[UploadFile | None, Form()] = None,
    extractor: Annotated[str, Form()] = "rules",
) -> Response:
    try:
        uploads = [await state.uploads.save(f.filename or "upload", file_chunks(f.read)) for f in files]
        if ontology == "upload":
            if ontology_file is None or not ontology_file.filename:
                raise RefusedError("choose an ontology file, or pick a shipped ontology.")
            saved = await state.uploads.save(ontology_file.filename, file_chunks(ontology_file.read))
            ontology = f"upload:{saved.sha256}"
        params = ExtractionParams(
            uploads=[u.sha256 for u in uploads],
            ontology=ontology,
            model=model,
            extractor=extractor,  # type: ignore[arg-type]
        )
        task, _ = actions.create_task(state, params)
    except (KgsynthError, ValidationError) as exc:
        return render(
            request, "new_extraction.html", 422, ontologies=shipped_ontologies(), error=_message(exc)
        )
    return _see(f"/tasks/{task.id}")


@router.get("/new/synthesis")
def new_synthesis(request: Request, state: State, source: int | None = None) -> HTMLResponse:
    return _synthesis_form(request, state, source=source)


def _synthesis_form(request: Request, state: ServiceState, status: int = 200, **context: Any) -> HTMLResponse:
    sources = state.queue.page(kind="extraction", limit=200)
    return render(
        request,
        "new_synthesis.html",
        status,
        sources=sources,
        types=QUESTION_TYPES,
        default_types=("factoid", "multihop", "yesno", "mcq"),
        form=context.pop("form", {}),
        **context,
    )


@router.post("/new/synthesis")
async def start_synthesis(request: Request, state: State) -> Response:
    form = await request.form()
    try:
        low, _, high = str(form.get("hops", "1-3")).partition("-")
        params = SynthesisParams(
            source_task=int(str(form.get("source_task", "0")) or 0),
            n=int(str(form.get("n", "100"))),
            hops=(int(low), int(high or low)),
            types=[str(t) for t in form.getlist("types")] or ["factoid", "multihop", "yesno", "mcq"],
            seed=int(str(form.get("seed", "0"))),
            pack=str(form.get("pack", "auto")),  # type: ignore[arg-type]
            min_confidence=float(str(form.get("min_confidence", "0.5"))),
            dedup_threshold=float(str(form.get("dedup_threshold", "0.9"))),
            generator=str(form.get("generator", "templates")),  # type: ignore[arg-type]
            llm=_llm_settings(form) if form.get("generator") == "llm" else None,
        )
        task, _ = actions.create_task(state, params)
    except (KgsynthError, ValidationError, ValueError) as exc:
        source = str(form.get("source_task", ""))
        return _synthesis_form(
            request,
            state,
            422,
            source=int(source) if source.isdigit() else None,
            form=dict(form),
            error=_message(exc),
        )
    return _see(f"/tasks/{task.id}")


def _llm_settings(form: Any) -> LLMSettings:
    """The ``llm_<setting>`` fields a user filled in (an empty one: the library's default)."""
    filled = {name: str(form.get(f"llm_{name}", "")).strip() for name in LLMSettings.model_fields}
    return LLMSettings.model_validate({name: value for name, value in filled.items() if value})


@router.get("/new/factcheck")
def new_factcheck(request: Request, state: State) -> HTMLResponse:
    return render(request, "new_factcheck.html", graphs=_graphs(state))


def _graphs(state: ServiceState) -> list[str]:
    done = state.queue.page(kind="extraction", state="succeeded", limit=200)
    return [f"task-{t.id}" for t in done] + (["store"] if _store_exists(state) else [])


def _store_exists(state: ServiceState) -> bool:
    try:
        state.graph("store")
    except KgsynthError:
        return False
    return True


@router.post("/new/factcheck")
async def start_factcheck(
    request: Request, state: State, file: Annotated[UploadFile, Form()], graph: Annotated[str, Form()]
) -> Response:
    try:
        saved = await state.uploads.save(file.filename or "upload", file_chunks(file.read))
        task, _ = actions.create_task(state, FactcheckParams(upload=saved.sha256, graph=graph))
    except (KgsynthError, ValidationError) as exc:
        return render(request, "new_factcheck.html", 422, graphs=_graphs(state), error=_message(exc))
    return _see(f"/tasks/{task.id}")


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)


# ---------------------------------------------------------------------------- graphs
@router.get("/graphs/{graph}")
def graph_page(
    request: Request,
    state: State,
    graph: str,
    type: str | None = None,
    predicate: str | None = None,
    entity: str | None = None,
    after: str = "",
    entity_after: str = "",
) -> HTMLResponse:
    path = state.graph(graph)
    task = state.queue.get(int(graph.removeprefix("task-"))) if graph != "store" else None
    return render(
        request,
        "graph.html",
        graph=graph,
        task=task,
        type=type,
        predicate=predicate,
        entity=entity,
        entities=graph_views.entities_page(path, type=type or None, after=entity_after),
        relations=graph_views.relations_page(
            path, predicate=predicate or None, entity=entity or None, after=after
        ),
    )


@router.get("/graphs/{graph}/documents/{document_id}")
def document_page(
    request: Request, state: State, graph: str, document_id: str, relation: str | None = None
) -> HTMLResponse:
    doc = graph_views.document_view(state.graph(graph), document_id, relation)
    return render(
        request, "document.html", graph=graph, doc=doc, source_name=_source_name(state, doc["source"])
    )


def _source_name(state: ServiceState, source: str) -> str:
    """The uploaded name of a document's file (stored under its hash), else the source as is."""
    stem = source.rsplit("/", 1)[-1].split(".", 1)[0]
    try:
        return state.uploads.get(stem).name
    except KgsynthError:
        return source


@router.get("/graphs/{graph}/view")
def graph_view(request: Request, state: State, graph: str, entity: str) -> HTMLResponse:
    with open_graph(state.graph(graph)) as store:
        found = store.get_entity(entity)
    if found is None:
        raise RefusedError(f'entity "{entity[:80]}" is not in graph {graph}.')
    return render(request, "graph_view.html", graph=graph, entity=found, cap=NEIGHBOUR_CAP)


# ---------------------------------------------------------------------------- samples
def _filter(request: Request) -> SampleFilter:
    fields = {k: v for k, v in request.query_params.items() if k in SampleFilter.model_fields and v != ""}
    try:
        return SampleFilter(**fields)
    except ValidationError as exc:
        raise RefusedError(f"bad filter: {_message(exc)}") from exc


#: Samples per page (and per "load more").
PAGE = 25


def _rows(state: ServiceState, task_id: int, where: SampleFilter, after: int = -1) -> dict[str, Any]:
    """What the sample list templates need: a page of rows, the cursor, the filter as a query."""
    task = state.queue.get(task_id)
    if task.kind != "synthesis":
        raise RefusedError(f"task {task_id} is a {task.kind} task; only synthesis tasks have samples.")
    rows = state.samples.page(task_id, where, after=after, limit=PAGE + 1)
    query = where.model_dump(exclude_none=True)
    return {
        "task": task,
        "rows": rows[:PAGE],
        "next": rows[PAGE - 1].seq if len(rows) > PAGE else None,
        "query": query,
        "query_string": urlencode(query),
        "graph": f"task-{task.params['source_task']}",
    }


@router.get("/tasks/{task_id}/samples")
def samples_page(request: Request, state: State, task_id: int) -> HTMLResponse:
    where = _filter(request)
    return render(
        request,
        "samples.html",
        where=where.model_dump(),
        facets=state.samples.facets(task_id),
        total=state.samples.count(task_id),
        matching=state.samples.count(task_id, where),
        **_rows(state, task_id, where),
    )


@router.get("/tasks/{task_id}/samples/rows")
def sample_rows(request: Request, state: State, task_id: int, after: int = -1) -> HTMLResponse:
    return render(request, "_sample_rows.html", **_rows(state, task_id, _filter(request), after))


@router.post("/tasks/{task_id}/samples/{seq}/recheck")
def recheck(request: Request, state: State, task_id: int, seq: int) -> HTMLResponse:
    return render(request, "_check.html", check=actions.recheck(state, task_id, seq))


@router.post("/tasks/{task_id}/samples/{seq}/review")
def review(
    request: Request,
    state: State,
    task_id: int,
    seq: int,
    action: Annotated[str, Form()],
    question: Annotated[str | None, Form()] = None,
    answer: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    try:
        body = ReviewRequest(action=action, question=question, answer=answer)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise RefusedError(_message(exc)) from exc
    done = actions.review(state, task_id, seq, body)
    task = state.queue.get(task_id)
    response = render(
        request,
        "_sample.html",
        task=task,
        row=state.samples.get(task_id, seq),
        check=done["check"],
        graph=f"task-{task.params['source_task']}",
    )
    response.headers["HX-Trigger"] = "reviewed"
    return response


@router.post("/tasks/{task_id}/samples/bulk")
async def bulk(request: Request, state: State, task_id: int) -> RedirectResponse:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if k in SampleFilter.model_fields and v != ""}
    action = str(form.get("action", ""))
    if action not in ("accept", "reject"):
        raise RefusedError(f'bulk action "{action[:20]}" is not accept or reject.')
    where = SampleFilter(**fields)
    actions.bulk(state, task_id, action, where)  # type: ignore[arg-type]
    return _see(f"/tasks/{task_id}/samples?{urlencode(where.model_dump(exclude_none=True))}")


@router.get("/tasks/{task_id}/audit")
def audit(request: Request, state: State, task_id: int) -> HTMLResponse:
    return render(request, "_audit.html", audit=state.samples.audit(task_id))


@router.get("/tasks/{task_id}/report")
def report(request: Request, state: State, task_id: int) -> HTMLResponse:
    task = state.queue.get(task_id)
    path = output_path(state.settings.data_dir, task_id)
    if task.kind != "factcheck" or not path.is_file():
        raise RefusedError(
            f"task {task_id} has no fact-check report (it is a {task.state} {task.kind} task)."
        )
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if len(records) >= REPORT_ROWS:
                break
            records.append(json.loads(line))
    return render(request, "report.html", task=task, records=records, more=len(records) >= REPORT_ROWS)


# ---------------------------------------------------------------------------- datasets
@router.get("/datasets")
def datasets_page(request: Request, state: State) -> HTMLResponse:
    return render(request, "datasets.html", datasets=state.datasets.datasets())


@router.post("/datasets")
async def save_dataset(request: Request, state: State) -> RedirectResponse:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if k in SampleFilter.model_fields and v != ""}
    try:
        body = SaveRequest(
            name=str(form.get("name", "")),
            task=int(str(form.get("task", "0"))),
            selection=str(form.get("selection", "all")),  # type: ignore[arg-type]
            filter=SampleFilter(**fields),
        )
    except (ValidationError, ValueError) as exc:
        raise RefusedError(f"cannot save: {_message(exc)}") from exc
    return _see(f"/versions/{actions.save_dataset(state, body).id}")


@router.get("/datasets/{name}")
def dataset_page(request: Request, state: State, name: str) -> HTMLResponse:
    return render(request, "dataset.html", name=name, versions=state.datasets.versions(name))


@router.get("/versions/{version_id}")
def version_page(request: Request, state: State, version_id: str) -> HTMLResponse:
    return render(request, "version.html", v=state.datasets.get(version_id), formats=FORMATS)


@router.get("/versions/{version_id}/diff")
def diff_page(
    request: Request, state: State, version_id: str, other: str, base: str | None = None
) -> HTMLResponse:
    old = state.datasets.get(base or version_id)
    return render(request, "diff.html", diff=state.datasets.diff(old, state.datasets.get(other)))


@router.post("/versions/{version_id}/blend")
async def blend(
    state: State,
    version_id: str,
    real: Annotated[UploadFile, Form()],
    ratio: Annotated[float, Form()] = 0.8,
    seed: Annotated[int, Form()] = 0,
) -> RedirectResponse:
    saved = await state.uploads.save(real.filename or "real.jsonl", file_chunks(real.read))
    try:
        body = BlendRequest(real=saved.sha256, ratio=ratio, seed=seed)
    except ValidationError as exc:
        raise RefusedError(f"cannot blend: {_message(exc)}") from exc
    return _see(f"/versions/{actions.blend_version(state, version_id, body).id}")


__all__ = ["render", "render_error", "router"]
