"""The worker process: claims tasks from ``tasks.db`` and runs them, apart from the web process.

``kgsynth serve`` starts one as ``python -m kgsynth.service.worker`` with the service settings
in the environment (``KGSYNTH_SERVICE_SETTINGS``, JSON without the token). While a task runs, a
heartbeat thread renews its lease every third of the lease time and notices a cancel
request; if the worker dies, the lease runs out and the next claim puts the task back in the
queue, where it resumes from its checkpoint. A ``KgsynthError`` fails the task with its
one-line message; anything else fails it with the exception's type and message, and the
traceback goes to this process's log, not to the browser.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from typing import Any

from kgsynth.errors import KgsynthError
from kgsynth.service.db import Database
from kgsynth.service.runners import RUNNERS, RunContext, TaskCancelled
from kgsynth.service.settings import SETTINGS_ENV, ServiceSettings
from kgsynth.service.tasks import Task, TaskLost, TaskQueue

logger = logging.getLogger(__name__)


class Worker:
    """Claims and runs tasks one at a time."""

    def __init__(self, settings: ServiceSettings, name: str | None = None) -> None:
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.queue = TaskQueue(Database(settings.tasks_db))
        self.stop = threading.Event()

    def run_once(self) -> Task | None:
        """Claim one task and run it to its end; returns it (None when the queue is empty)."""
        task = self.queue.claim(self.name, self.settings.lease_seconds)
        if task is None:
            return None
        ctx = RunContext(self.queue, task, self.name, self.settings)
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(ctx, done), daemon=True)
        beat.start()
        try:
            self._run(ctx)
        except BaseException:  # SIGTERM/SIGINT mid-task: hand the task back at once
            self.queue.release(task.id, self.name)
            raise
        finally:
            done.set()
            beat.join()
        return self.queue.get(task.id)

    def run_forever(self, poll: float = 0.5, *, parent: int | None = None) -> None:
        """Run tasks until ``stop`` is set (or, given ``parent``, until that process has gone)."""
        logger.info("worker %s: waiting for tasks in %s", self.name, self.settings.tasks_db)
        while not self.stop.is_set():
            if parent is not None and os.getppid() != parent:
                logger.info("worker %s: the server process has gone; stopping", self.name)
                return
            if self.run_once() is None:
                self.stop.wait(poll)

    def _run(self, ctx: RunContext) -> None:
        task, started = ctx.task, time.perf_counter()
        try:
            result = RUNNERS[task.kind](ctx)
        except TaskCancelled:
            self._finish(ctx, "cancelled")
        except TaskLost:
            logger.warning("task %d: lease lost; another worker has it", task.id)
        except KgsynthError as exc:
            self._finish(ctx, "failed", error=str(exc))
        except Exception as exc:  # a bug: the task fails, the traceback stays in this log
            logger.exception("task %d failed with an unexpected error", task.id)
            self._finish(ctx, "failed", error=f"internal error ({type(exc).__name__}: {exc})"[:500])
        else:
            ctx.timings["total"] = round(time.perf_counter() - started, 3)
            self._finish(ctx, "succeeded", result=result, progress=1.0, stage="done")

    def _finish(self, ctx: RunContext, state: Any, error: str = "", **fields: Any) -> None:
        self.queue.finish(
            ctx.task.id, self.name, state, error=error, counts=ctx.counts, timings=ctx.timings, **fields
        )

    def _heartbeat(self, ctx: RunContext, done: threading.Event) -> None:
        # Its own connection (Database is per thread): renews the lease while the runner works.
        interval = self.settings.lease_seconds / 3
        while not done.wait(interval):
            try:
                if self.queue.heartbeat(ctx.task.id, self.name, self.settings.lease_seconds):
                    ctx.cancel_requested.set()
            except TaskLost:
                task = self.queue.get(ctx.task.id)
                if task.state == "running":  # another worker holds it now
                    ctx.lost.set()
                return


def settings_from_env() -> ServiceSettings:
    """The settings ``kgsynth serve`` put in the environment."""
    return ServiceSettings.model_validate_json(os.environ[SETTINGS_ENV])


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)  # unwinds a running task, which hands it back to the queue


def main() -> None:
    """``python -m kgsynth.service.worker``: run tasks until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="worker %(levelname)s %(name)s: %(message)s")
    worker = Worker(settings_from_env())
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop)
    try:
        worker.run_forever(parent=os.getppid())
    except SystemExit:
        logger.info("worker %s: stopped", worker.name)


if __name__ == "__main__":
    main()


__all__ = ["SETTINGS_ENV", "Worker", "main", "settings_from_env"]
