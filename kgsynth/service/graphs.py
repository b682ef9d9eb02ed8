"""Which graph a request means, and opening it.

Each extraction task builds its own SQLite graph (``graphs/task-<id>.db`` in the data
folder), so its result is exactly what its documents gave and a from-scratch retry can delete
it. ``"store"`` names the store ``kgsynth serve --store`` was started on (a demo store, say).
Graph ids are matched against these two shapes only; they never become paths otherwise.
"""

from __future__ import annotations

import re
from pathlib import Path

from kgsynth.service.errors import NotFoundError, RefusedError
from kgsynth.service.settings import ServiceSettings
from kgsynth.service.tasks import TaskQueue
from kgsynth.store.sqlite import SQLiteStore

_TASK_GRAPH = re.compile(r"^task-([1-9][0-9]{0,17})$")


def graph_path(settings: ServiceSettings, task_id: int) -> Path:
    """Where extraction task ``task_id`` builds its graph."""
    return settings.data_dir / "graphs" / f"task-{task_id}.db"


def delete_graph(path: Path) -> None:
    """Delete a graph file with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def resolve_graph(settings: ServiceSettings, queue: TaskQueue, graph: str) -> Path:
    """The file of graph ``graph``: ``store``, or ``task-<id>`` of an extraction task that has started.

    Raises:
        NotFoundError: no such graph.
        RefusedError: the task is not an extraction task.
    """
    if graph == "store":
        path = Path(settings.store)
    else:
        match = _TASK_GRAPH.match(graph)
        if match is None:
            raise NotFoundError(f'graph "{graph[:80]}" does not exist: give "store" or "task-<id>".')
        task = queue.get(int(match.group(1)))
        if task.kind != "extraction":
            raise RefusedError(f"task {task.id} is a {task.kind} task; only extraction tasks have a graph.")
        path = graph_path(settings, task.id)
    if not path.is_file():
        raise NotFoundError(f'graph "{graph}" has no data yet.')
    return path


def open_graph(path: Path) -> SQLiteStore:
    """Open a graph for reading (never creating one)."""
    return SQLiteStore(str(path), create=False)


__all__ = ["delete_graph", "graph_path", "open_graph", "resolve_graph"]
