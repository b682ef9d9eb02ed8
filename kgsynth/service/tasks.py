"""The task table: create, claim with a lease, report progress, finish, cancel, retry.

States: ``queued -> running -> succeeded | failed | cancelled``. A worker claims the oldest
queued task in one ``BEGIN IMMEDIATE`` transaction, so two workers never get the same task,
and holds it with a lease it renews (heartbeat). A task whose lease ran out (its worker died)
is put back in the queue by the next claim and resumes from its checkpoint. Cancelling a
queued task ends it at once; a running one is asked to stop and stops at its next progress
report (cooperative). Every state change writes a log line.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any, Literal

from pydantic import BaseModel

from kgsynth.service.db import Database, transaction
from kgsynth.service.errors import ConflictError, NotFoundError

TaskKind = Literal["extraction", "synthesis", "factcheck"]
TaskState = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINISHED: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})
#: Most log lines kept per task (a runaway loop cannot fill the disk).
MAX_LOG_LINES = 2_000


class Task(BaseModel):
    """One row of the task table, JSON columns decoded."""

    id: int
    kind: TaskKind
    state: TaskState
    params: dict[str, Any]
    idempotency_key: str | None = None
    source_task: int | None = None
    created: float
    started: float | None = None
    finished: float | None = None
    updated: float
    attempts: int = 0
    worker: str | None = None
    lease_until: float | None = None
    cancel_requested: bool = False
    stage: str = ""
    progress: float = 0.0
    counts: dict[str, Any] = {}
    timings: dict[str, float] = {}
    checkpoint: dict[str, Any] = {}
    result: dict[str, Any] = {}
    error: str = ""

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Task:
        data = dict(row)
        for key in ("params", "counts", "timings", "checkpoint", "result"):
            data[key] = json.loads(data[key])
        return cls(**data)


class TaskLost(Exception):  # a signal to the worker, not an error a user sees
    """The worker no longer holds the task's lease (another worker took it over)."""


class TaskQueue:
    """Every operation on the task table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------------ create and read
    def create(
        self,
        kind: TaskKind,
        params: dict[str, Any],
        *,
        source_task: int | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[Task, bool]:
        """Queue a task; returns it and whether it is new.

        Raises:
            ConflictError: the idempotency key was used for a task of another kind or other settings.
        """
        now = time.time()
        with transaction(self.db.conn()) as conn:
            if idempotency_key is not None:
                row = conn.execute(
                    "SELECT * FROM tasks WHERE idempotency_key = ?", (idempotency_key,)
                ).fetchone()
                if row is not None:
                    task = Task.from_row(row)
                    if task.kind != kind or task.params != params:
                        raise ConflictError(
                            f'idempotency key "{idempotency_key}" was used for task {task.id} '
                            "with other settings; use a new key for a new task."
                        )
                    return task, False
            cursor = conn.execute(
                "INSERT INTO tasks (kind, params, source_task, idempotency_key, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (kind, json.dumps(params, sort_keys=True), source_task, idempotency_key, now, now),
            )
            task_id = int(cursor.lastrowid or 0)
            _log(conn, task_id, f"queued {kind} task")
        return self.get(task_id), True

    def get(self, task_id: int) -> Task:
        """The task with this id.

        Raises:
            NotFoundError: there is none.
        """
        row = None
        if 0 < task_id < 2**63:  # a larger number is no SQLite integer, and no task
            row = self.db.conn().execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"task {task_id} does not exist.")
        return Task.from_row(row)

    def page(
        self,
        *,
        before: int | None = None,
        limit: int = 50,
        kind: str | None = None,
        state: str | None = None,
    ) -> list[Task]:
        """Newest first, ``limit`` tasks with ids below ``before`` (keyset pagination)."""
        where, args = ["id < ?"], [before if before is not None else 2**62]
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if state:
            where.append("state = ?")
            args.append(state)
        rows = self.db.conn().execute(
            f"SELECT * FROM tasks WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?", (*args, limit)
        )
        return [Task.from_row(row) for row in rows]

    def log(self, task_id: int, *, after: int = 0, limit: int = 200) -> list[dict[str, Any]]:
        """Log lines of a task, oldest first, after line id ``after``."""
        rows = self.db.conn().execute(
            "SELECT id, at, message FROM task_log WHERE task_id = ? AND id > ? ORDER BY id LIMIT ?",
            (task_id, after, limit),
        )
        return [dict(row) for row in rows]

    def add_log(self, task_id: int, message: str) -> None:
        """Append a log line (no more than ``MAX_LOG_LINES`` per task are kept)."""
        _log(self.db.conn(), task_id, message)

    # ------------------------------------------------------------------ user actions
    def cancel(self, task_id: int) -> Task:
        """Cancel a queued task at once; ask a running one to stop.

        Raises:
            ConflictError: the task has already finished.
        """
        with transaction(self.db.conn()) as conn:
            task = self._locked(conn, task_id)
            if task.state in FINISHED:
                raise ConflictError(f"task {task_id} has already {task.state}; there is nothing to cancel.")
            if task.state == "queued":
                conn.execute(
                    "UPDATE tasks SET state = 'cancelled', finished = ?, updated = ? WHERE id = ?",
                    (time.time(), time.time(), task_id),
                )
                _log(conn, task_id, "cancelled while queued")
            else:
                conn.execute(
                    "UPDATE tasks SET cancel_requested = 1, updated = ? WHERE id = ?", (time.time(), task_id)
                )
                _log(conn, task_id, "cancel requested; the worker stops at its next progress report")
        return self.get(task_id)

    def retry(self, task_id: int, *, from_scratch: bool = False) -> Task:
        """Queue a failed or cancelled task again, resuming from its checkpoint or from scratch.

        The runner's own ``reset`` (deleting partial results) is the caller's job for from-scratch
        retries; here the checkpoint is cleared.

        Raises:
            ConflictError: the task is queued, running or succeeded.
        """
        with transaction(self.db.conn()) as conn:
            task = self._locked(conn, task_id)
            if task.state not in ("failed", "cancelled"):
                raise ConflictError(
                    f"task {task_id} is {task.state}; only a failed or cancelled task can be retried."
                )
            checkpoint = "'{}'" if from_scratch else "checkpoint"
            conn.execute(
                f"UPDATE tasks SET state = 'queued', cancel_requested = 0, error = '', finished = NULL, "
                f"worker = NULL, lease_until = NULL, checkpoint = {checkpoint}, updated = ? WHERE id = ?",
                (time.time(), task_id),
            )
            _log(conn, task_id, "retry from scratch" if from_scratch else "retry from where it stopped")
        return self.get(task_id)

    # ------------------------------------------------------------------ worker side
    def claim(self, worker: str, lease_seconds: float) -> Task | None:
        """Take the oldest queued task for ``worker`` (after requeueing expired leases), or None."""
        now = time.time()
        with transaction(self.db.conn()) as conn:
            expired = conn.execute(
                "SELECT id FROM tasks WHERE state = 'running' AND lease_until < ?", (now,)
            ).fetchall()
            for (task_id,) in expired:
                conn.execute(
                    "UPDATE tasks SET state = 'queued', worker = NULL, lease_until = NULL, updated = ? "
                    "WHERE id = ?",
                    (now, task_id),
                )
                _log(conn, task_id, "lease expired; back in the queue, resumes from its checkpoint")
            row = conn.execute(
                "UPDATE tasks SET state = 'running', worker = ?, lease_until = ?, attempts = attempts + 1, "
                "started = coalesce(started, ?), updated = ? "
                "WHERE id = (SELECT id FROM tasks WHERE state = 'queued' ORDER BY id LIMIT 1) RETURNING *",
                (worker, now + lease_seconds, now, now),
            ).fetchone()
            if row is None:
                return None
            task = Task.from_row(row)
            _log(conn, task.id, f"claimed by worker {worker} (attempt {task.attempts})")
        return task

    def heartbeat(self, task_id: int, worker: str, lease_seconds: float) -> bool:
        """Renew the lease; returns whether a cancel was requested.

        Raises:
            TaskLost: the worker no longer holds the task.
        """
        row = (
            self.db.conn()
            .execute(
                "UPDATE tasks SET lease_until = ? WHERE id = ? AND worker = ? AND state = 'running' "
                "RETURNING cancel_requested",
                (time.time() + lease_seconds, task_id, worker),
            )
            .fetchone()
        )
        if row is None:
            raise TaskLost(task_id)
        return bool(row[0])

    def report(self, task_id: int, worker: str, **fields: Any) -> bool:
        """Write progress fields (stage, progress, counts, timings, checkpoint, result); returns
        whether a cancel was requested.

        Raises:
            TaskLost: the worker no longer holds the task.
        """
        sets, args = ["updated = ?"], [time.time()]
        for key, value in fields.items():
            sets.append(f"{key} = ?")
            args.append(json.dumps(value, sort_keys=True) if isinstance(value, dict) else value)
        row = (
            self.db.conn()
            .execute(
                f"UPDATE tasks SET {', '.join(sets)} WHERE id = ? AND worker = ? AND state = 'running' "
                "RETURNING cancel_requested",
                (*args, task_id, worker),
            )
            .fetchone()
        )
        if row is None:
            raise TaskLost(task_id)
        return bool(row[0])

    def finish(self, task_id: int, worker: str, state: TaskState, *, error: str = "", **fields: Any) -> None:
        """End the task in ``state`` (succeeded, failed or cancelled) if the worker still holds it."""
        now = time.time()
        with transaction(self.db.conn()) as conn:
            sets, args = (
                ["state = ?", "finished = ?", "updated = ?", "error = ?", "lease_until = NULL"],
                [
                    state,
                    now,
                    now,
                    error,
                ],
            )
            for key, value in fields.items():
                sets.append(f"{key} = ?")
                args.append(json.dumps(value, sort_keys=True) if isinstance(value, dict) else value)
            cursor = conn.execute(
                f"UPDATE tasks SET {', '.join(sets)} WHERE id = ? AND worker = ? AND state = 'running'",
                (*args, task_id, worker),
            )
            if cursor.rowcount:
                _log(conn, task_id, f"{state}" + (f": {error}" if error else ""))

    def release(self, task_id: int, worker: str) -> None:
        """Put a task the worker holds back in the queue (the worker is stopping)."""
        with transaction(self.db.conn()) as conn:
            cursor = conn.execute(
                "UPDATE tasks SET state = 'queued', worker = NULL, lease_until = NULL, updated = ? "
                "WHERE id = ? AND worker = ? AND state = 'running'",
                (time.time(), task_id, worker),
            )
            if cursor.rowcount:
                _log(conn, task_id, "the worker stopped; back in the queue, resumes from its checkpoint")

    @staticmethod
    def _locked(conn: sqlite3.Connection, task_id: int) -> Task:
        row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"task {task_id} does not exist.")
        return Task.from_row(row)


def _log(conn: sqlite3.Connection, task_id: int, message: str) -> None:
    count = conn.execute("SELECT count(*) FROM task_log WHERE task_id = ?", (task_id,)).fetchone()[0]
    if count < MAX_LOG_LINES:
        conn.execute(
            "INSERT INTO task_log (task_id, at, message) VALUES (?, ?, ?)",
            (task_id, time.time(), message[:2000]),
        )


__all__ = ["FINISHED", "Task", "TaskKind", "TaskLost", "TaskQueue", "TaskState"]
