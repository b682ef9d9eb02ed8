"""The samples of synthesis tasks: stored, filtered, paged by cursor, reviewed with an audit trail.

Pages use keyset pagination (``seq > cursor ORDER BY seq LIMIT n``) on the primary key, so
the page after row 99,950 costs what the first one does. Relation and entity filters seek in
``sample_terms``; type, verdict and review status have their own indexes. Every review
action (accept, reject, edit, and each sample a bulk action touches) writes an audit row.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kgsynth.model import Sample
from kgsynth.service.db import Database, transaction
from kgsynth.service.errors import NotFoundError

Review = Literal["unreviewed", "accepted", "rejected", "edited"]
ReviewAction = Literal["accept", "reject", "edit"]
_STATUS_OF: dict[str, str] = {"accept": "accepted", "reject": "rejected", "edit": "edited"}
MAX_PAGE = 500


class SampleFilter(BaseModel):
    """What a sample page shows; every field is optional and they combine with AND."""

    model_config = ConfigDict(extra="forbid")

    type: str | None = None
    hops: int | None = Field(None, ge=0, le=10)
    relation: str | None = None
    entity: str | None = None
    verdict: str | None = None
    review: Review | None = None
    q: str | None = Field(None, max_length=200, description="text in the question or answer")

    def where(self, task_id: int) -> tuple[str, list[Any]]:
        """SQL condition and arguments over ``samples s``."""
        sql, args = ["s.task_id = ?"], [task_id]
        for column in ("type", "hops", "verdict", "review"):
            value = getattr(self, column)
            if value not in (None, ""):
                sql.append(f"s.{column} = ?")
                args.append(value)
        for kind, value in (("relation", self.relation), ("entity", self.entity)):
            if value:
                sql.append(
                    "EXISTS (SELECT 1 FROM sample_terms t WHERE t.task_id = s.task_id AND t.kind = ? "
                    "AND t.value = ? AND t.seq = s.seq)"
                )
                args += [kind, value.casefold() if kind == "entity" else value]
        if self.q:
            pattern = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            sql.append("(s.question LIKE ? ESCAPE '\\' OR s.answer LIKE ? ESCAPE '\\')")
            args += [pattern, pattern]
        return " AND ".join(sql), args


class SampleRow(BaseModel):
    """A stored sample with its review state and verdict."""

    task_id: int
    seq: int
    id: str
    type: str
    hops: int
    verdict: str
    review: Review
    question: str
    answer: str
    sample: Sample

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SampleRow:
        data = dict(row)
        data["sample"] = Sample.model_validate_json(data.pop("body"))
        return cls(**data)


def insert_samples(conn: sqlite3.Connection, task_id: int, rows: Iterable[tuple[int, Sample, str]]) -> None:
    """Insert ``(seq, sample, verdict)`` rows and their filter terms (inside the caller's transaction)."""
    for seq, sample, verdict in rows:
        conn.execute(
            "INSERT INTO samples (task_id, seq, id, type, hops, verdict, question, answer, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                task_id,
                seq,
                sample.id,
                sample.type,
                sample.hops,
                verdict,
                sample.question,
                sample.answer,
                sample.model_dump_json(),
            ),
        )
        terms = {("relation", r.predicate) for r in sample.path.relations}
        terms |= {("entity", e.name.casefold()) for e in sample.path.entities}
        terms |= {("entity", e.id.casefold()) for e in sample.path.entities}
        conn.executemany(
            "INSERT OR IGNORE INTO sample_terms (task_id, kind, value, seq) VALUES (?, ?, ?, ?)",
            [(task_id, kind, value, seq) for kind, value in sorted(terms)],
        )


def delete_samples(conn: sqlite3.Connection, task_id: int) -> None:
    """Delete a task's samples, terms and audit rows (a synthesis retried from scratch)."""
    for table in ("samples", "sample_terms", "audit"):
        conn.execute(f"DELETE FROM {table} WHERE task_id = ?", (task_id,))


class SampleTable:
    """Reads and review actions on stored samples."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def page(self, task_id: int, where: SampleFilter, *, after: int = -1, limit: int = 50) -> list[SampleRow]:
        """Up to ``limit`` samples matching ``where`` with ``seq > after``, in order."""
        sql, args = where.where(task_id)
        rows = self.db.conn().execute(
            f"SELECT s.* FROM samples s WHERE {sql} AND s.seq > ? ORDER BY s.seq LIMIT ?",
            (*args, after, min(limit, MAX_PAGE + 1)),  # + 1: callers ask one more to know of a next page
        )
        return [SampleRow.from_row(row) for row in rows]

    def iter_matching(self, task_id: int, where: SampleFilter, batch: int = 500) -> Iterator[SampleRow]:
        """Every sample matching ``where``, streamed a page at a time."""
        after = -1
        while page := self.page(task_id, where, after=after, limit=batch):
            yield from page
            after = page[-1].seq

    def get(self, task_id: int, seq: int) -> SampleRow:
        """One sample.

        Raises:
            NotFoundError: no such sample.
        """
        row = (
            self.db.conn()
            .execute("SELECT * FROM samples WHERE task_id = ? AND seq = ?", (task_id, seq))
            .fetchone()
        )
        if row is None:
            raise NotFoundError(f"task {task_id} has no sample {seq}.")
        return SampleRow.from_row(row)

    def count(self, task_id: int, where: SampleFilter | None = None) -> int:
        """How many samples match."""
        sql, args = (where or SampleFilter()).where(task_id)
        return int(self.db.conn().execute(f"SELECT count(*) FROM samples s WHERE {sql}", args).fetchone()[0])

    def facets(self, task_id: int) -> dict[str, list[tuple[str, int]]]:
        """Values the filters can take, with counts (types, verdicts, review states, relations)."""
        conn = self.db.conn()
        out: dict[str, list[tuple[str, int]]] = {}
        for column in ("type", "hops", "verdict", "review"):
            rows = conn.execute(
                f"SELECT {column}, count(*) FROM samples WHERE task_id = ? "
                f"GROUP BY {column} ORDER BY {column}",
                (task_id,),
            )
            out[column] = [(str(value), count) for value, count in rows]
        rows = conn.execute(
            "SELECT value, count(*) FROM sample_terms WHERE task_id = ? AND kind = 'relation' "
            "GROUP BY value ORDER BY value",
            (task_id,),
        )
        out["relation"] = [(value, count) for value, count in rows]
        return out

    def review(
        self,
        task_id: int,
        seq: int,
        action: ReviewAction,
        *,
        question: str | None = None,
        answer: str | None = None,
        verdict: str | None = None,
    ) -> SampleRow:
        """Accept, reject or edit one sample, with its audit row (an edit carries its new verdict)."""
        row = self.get(task_id, seq)
        detail: dict[str, Any] = {"before": row.review}
        with transaction(self.db.conn()) as conn:
            if action == "edit":
                sample = row.sample.model_copy(
                    update={
                        "question": question if question is not None else row.question,
                        "answer": answer if answer is not None else row.answer,
                    }
                )
                detail |= {
                    "question": [row.question, sample.question],
                    "answer": [row.answer, sample.answer],
                    "verdict": [row.verdict, verdict or row.verdict],
                }
                conn.execute(
                    "UPDATE samples SET question = ?, answer = ?, body = ?, verdict = ?, review = 'edited' "
                    "WHERE task_id = ? AND seq = ?",
                    (
                        sample.question,
                        sample.answer,
                        sample.model_dump_json(),
                        verdict or row.verdict,
                        task_id,
                        seq,
                    ),
                )
            else:
                conn.execute(
                    "UPDATE samples SET review = ? WHERE task_id = ? AND seq = ?",
                    (_STATUS_OF[action], task_id, seq),
                )
            _audit(conn, task_id, [seq], action, detail)
        return self.get(task_id, seq)

    def set_verdict(self, task_id: int, seq: int, verdict: str) -> None:
        """Store the verdict of a re-check."""
        self.db.conn().execute(
            "UPDATE samples SET verdict = ? WHERE task_id = ? AND seq = ?", (verdict, task_id, seq)
        )

    def bulk(self, task_id: int, where: SampleFilter, action: Literal["accept", "reject"]) -> int:
        """Accept or reject every sample ``where`` matches; one audit row each. Returns how many."""
        sql, args = where.where(task_id)
        with transaction(self.db.conn()) as conn:
            seqs = [r[0] for r in conn.execute(f"SELECT s.seq FROM samples s WHERE {sql}", args)]
            conn.executemany(
                "UPDATE samples SET review = ? WHERE task_id = ? AND seq = ?",
                [(_STATUS_OF[action], task_id, seq) for seq in seqs],
            )
            _audit(conn, task_id, seqs, action, {"bulk": where.model_dump(exclude_none=True)})
        return len(seqs)

    def audit(self, task_id: int, *, seq: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Audit rows of a task (or one sample), newest first."""
        sql, args = "task_id = ?", [task_id]
        if seq is not None:
            sql, args = sql + " AND seq = ?", [*args, seq]
        rows = self.db.conn().execute(
            f"SELECT id, seq, action, detail, at FROM audit WHERE {sql} ORDER BY id DESC LIMIT ?",
            (*args, limit),
        )
        return [{**dict(row), "detail": json.loads(row["detail"])} for row in rows]


def _audit(
    conn: sqlite3.Connection, task_id: int, seqs: list[int], action: str, detail: dict[str, Any]
) -> None:
    text, now = json.dumps(detail, ensure_ascii=False), time.time()
    conn.executemany(
        "INSERT INTO audit (task_id, seq, action, detail, at) VALUES (?, ?, ?, ?, ?)",
        [(task_id, seq, action, text, now) for seq in seqs],
    )


__all__ = [
    "MAX_PAGE",
    "Review",
    "ReviewAction",
    "SampleFilter",
    "SampleRow",
    "SampleTable",
    "delete_samples",
    "insert_samples",
]
