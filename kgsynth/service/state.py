"""``ServiceState``: what every request handler shares (settings, tables, uploads, templates)."""

from __future__ import annotations

import threading
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from kgsynth.service.datasets import DatasetStore
from kgsynth.service.db import Database
from kgsynth.service.graphs import resolve_graph
from kgsynth.service.samples import SampleTable
from kgsynth.service.settings import ServiceSettings
from kgsynth.service.tasks import TaskQueue
from kgsynth.service.uploads import UploadStore

if TYPE_CHECKING:
    from kgsynth.model import CheckResult


class ServiceState:
    """Built once per app; handlers reach it through ``get_state(request)``."""

    def __init__(self, settings: ServiceSettings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.queue = TaskQueue(db)
        self.samples = SampleTable(db)
        self.uploads = UploadStore(settings.data_dir / "uploads", settings.max_upload_bytes)
        self.datasets = DatasetStore(db, settings.data_dir / "versions")
        self._pipelines: dict[Path, Any] = {}
        self._lock = threading.Lock()

    @cached_property
    def templates(self) -> Jinja2Templates:
        folder = resources.files("kgsynth.service").joinpath("templates")
        templates = Jinja2Templates(directory=str(folder))  # autoescape on for .html
        endpoint = self.settings.llm_endpoint
        templates.env.globals["llm_configured"] = endpoint is not None
        templates.env.globals["llm_model"] = endpoint.model if endpoint is not None else ""  # never the URL
        return templates

    def graph(self, graph: str) -> Path:
        """The file of graph ``graph`` (``store`` or ``task-<id>``)."""
        return resolve_graph(self.settings, self.queue, graph)

    def recheck_text(self, path: Path, question: str, answer: str) -> CheckResult:
        """Check a question and answer as text against a graph (an edited sample).

        The claim pipeline (spaCy with the graph's names) is built once per graph; checks run one
        at a time, since a spaCy pipeline is not meant to be shared between threads.
        """
        from kgsynth.service.graphs import open_graph
        from kgsynth.verify import Checker, CheckInput, claim_pipeline

        with self._lock, open_graph(path) as store:
            pipeline = self._pipelines.get(path)
            if pipeline is None:
                pipeline = self._pipelines[path] = claim_pipeline(store.schema(), store, model="blank")
            checker = Checker(store, pipeline=pipeline)
            record = CheckInput(kind="qa", question=question, answer=answer)
            return next(checker.check_inputs([record])).result


def get_state(request: Request) -> ServiceState:
    """The app's ``ServiceState``."""
    return request.app.state.kgsynth


async def state_dependency(request: Request) -> ServiceState:
    """``get_state`` as a FastAPI dependency.

    A coroutine: FastAPI runs a plain-function dependency in its thread pool, a hop there and
    back on every request only to read an attribute (issue 12).
    """
    return get_state(request)


__all__ = ["ServiceState", "get_state", "state_dependency"]
