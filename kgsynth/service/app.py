"""``create_app(settings)``: the FastAPI application ``kgsynth serve`` runs.

The app holds no logic of its own: routes call the task queue, the sample table, the dataset
store and the library. JSON lives under ``/api/v1`` (described at ``/openapi.json``); pages
are server-rendered HTML outside the schema. Errors are answered in one place here: a
``ServiceError`` with its status, any other ``KgsynthError`` with 400, a validation error
with 422 and one readable line per field, and anything else with 500 and an error id (the
traceback goes to the server log only).
"""

from __future__ import annotations

import logging
import uuid
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kgsynth.errors import KgsynthError
from kgsynth.service.db import Database
from kgsynth.service.errors import ServiceError
from kgsynth.service.security import SecurityMiddleware
from kgsynth.service.settings import ServiceSettings
from kgsynth.service.state import ServiceState

logger = logging.getLogger(__name__)


def create_app(settings: ServiceSettings) -> FastAPI:
    """The ASGI app for ``settings`` (tables are created on first use of the data folder)."""
    from kgsynth.service import api, pages

    app = FastAPI(
        title="kgsynth",
        version=_version(),
        description="Upload documents, extract a knowledge graph, synthesise grounded samples, review "
        "them and save versioned datasets. Every page action has an endpoint here.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.kgsynth = ServiceState(settings, Database(settings.tasks_db))
    app.include_router(api.router, prefix="/api/v1")
    app.include_router(pages.router, include_in_schema=False)
    static = resources.files("kgsynth.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(KgsynthError, _library_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(SecurityMiddleware, settings=settings)
    return app


def _answer(request: Request, status: int, message: str, extra: dict[str, Any] | None = None) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message, **(extra or {})}, status_code=status)
    from kgsynth.service.pages import render_error

    return render_error(request, status, message)


async def _service_error(request: Request, exc: Exception) -> Response:
    return _answer(request, getattr(exc, "status", 400), str(exc))


async def _library_error(request: Request, exc: Exception) -> Response:
    return _answer(request, 400, str(exc))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": ".".join(str(part) for part in error["loc"]), "message": str(error["msg"])}
        for error in exc.errors()
    ]
    lines = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    return _answer(request, 422, f"invalid request: {lines}", {"errors": problems})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return _answer(request, exc.status_code, str(exc.detail))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    error_id = uuid.uuid4().hex[:12]
    logger.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    return _answer(request, 500, f"internal error {error_id}: the server log has the details.")


def _version() -> str:
    from kgsynth import __version__

    return __version__


__all__ = ["create_app"]
