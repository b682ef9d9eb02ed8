"""``RunContext``: what a runner sees of its task: progress, checkpoints, log, cancellation.

``progress`` is the one place a runner hears of a cancel or a lost lease: it raises
``TaskCancelled`` / ``TaskLost`` there, so runners stop between units of work (a document, a
batch of samples), never in the middle of a write. Writes to the task row are throttled.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kgsynth.service.db import transaction
from kgsynth.service.settings import ServiceSettings
from kgsynth.service.tasks import Task, TaskLost, TaskQueue

#: Seconds between progress writes to the task row (the last one is always written).
PROGRESS_EVERY = 0.25


def task_folder(data_dir: Path, task_id: int) -> Path:
    """The folder of a task's own files (a fact-check's output, an LLM run's journal)."""
    return data_dir / "tasks" / f"task-{task_id}"


class TaskCancelled(Exception):  # a signal to the worker
    """The user cancelled the running task."""


class RunContext:
    """One claimed task as its runner sees it."""

    def __init__(self, queue: TaskQueue, task: Task, worker: str, settings: ServiceSettings) -> None:
        self.queue = queue
        self.task = task
        self.worker = worker
        self.settings = settings
        self.cancel_requested = threading.Event()  # set by the worker's heartbeat thread too
        self.lost = threading.Event()
        self.counts: dict[str, Any] = dict(task.counts)
        self.timings: dict[str, float] = dict(task.timings)
        self._last_write = 0.0

    def progress(
        self, *, stage: str | None = None, fraction: float | None = None, force: bool = False, **counts: Any
    ) -> None:
        """Record progress (``fraction`` 0..1, counts); raise if the task must stop.

        Raises:
            TaskCancelled: a cancel was requested.
            TaskLost: the worker's lease was taken over.
        """
        self.counts.update(counts)
        fields: dict[str, Any] = {"counts": self.counts, "timings": self.timings}
        if stage is not None:
            fields["stage"] = stage
        if fraction is not None:
            fields["progress"] = max(0.0, min(1.0, fraction))
        now = time.monotonic()
        if force or stage is not None or now - self._last_write >= PROGRESS_EVERY:
            self._last_write = now
            if self.queue.report(self.task.id, self.worker, **fields):
                self.cancel_requested.set()
        self.check()

    def check(self) -> None:
        """Raise ``TaskCancelled`` or ``TaskLost`` if the task must stop now."""
        if self.lost.is_set():
            raise TaskLost(self.task.id)
        if self.cancel_requested.is_set():
            raise TaskCancelled(self.task.id)

    def save_checkpoint(self, checkpoint: dict[str, Any], write: Callable[[Any], None] | None = None) -> None:
        """Store ``checkpoint`` and, in the same transaction, whatever ``write(conn)`` writes.

        Raises:
            TaskLost: the worker no longer holds the task (nothing is written).
        """
        with transaction(self.queue.db.conn()) as conn:
            held = conn.execute(
                "UPDATE tasks SET checkpoint = ?, updated = ? "
                "WHERE id = ? AND worker = ? AND state = 'running'",
                (json.dumps(checkpoint, sort_keys=True), time.time(), self.task.id, self.worker),
            ).rowcount
            if not held:
                raise TaskLost(self.task.id)
            if write is not None:
                write(conn)
        self.task = self.task.model_copy(update={"checkpoint": checkpoint})

    def log(self, message: str) -> None:
        """A line in the task's log."""
        self.queue.add_log(self.task.id, message)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the seconds spent in the block to ``timings[stage]`` and show the stage."""
        self.progress(stage=stage)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = round(self.timings.get(stage, 0.0) + time.perf_counter() - started, 3)


__all__ = ["PROGRESS_EVERY", "RunContext", "TaskCancelled", "task_folder"]
