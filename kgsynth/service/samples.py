"""The samples of synthesis tasks: stored, filtered, paged by cursor, reviewed with an audit trail.

Pages use keyset pagination (``seq > cursor ORDER BY seq LIMIT n``) on the primary key, so
the page after row 99,950 costs what the first one does. Relation and entity filters seek in
``sample_terms``; type, hops, verdict and review status have their own indexes. Every review
action (accept, reject, edit, and each sample a bulk action touches) writes an audit row.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from typing import Any, Literal, NamedTuple

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

    def reads_one_index(self) -> bool:
        """Whether a page reads only the rows it returns: no text search, at most one filter
        (each has an index in ``seq`` order: ``query`` seeks it, and stops after the page).
        """
        given = [self.type, self.hops, self.relation, self.entity, self.verdict, self.review]
        return not self.q and sum(value not in (None, "") for value in given) <= 1

    def query(self, task_id: int) -> SampleQuery:
        """``FROM ... WHERE ...`` over ``samples s`` for this filter, its arguments and its page key.

        A relation or entity filter drives the query from that value's rows in ``sample_terms``
        (``k``, in ``seq`` order): checked sample by sample instead, a value few or no samples
        have made every page read all of the task's samples (220 ms on 100,000; issue 12).
        """
        sql, args = ["s.task_id = ?"], [task_id]
        for column in ("type", "hops", "verdict", "review"):
            value = getattr(self, column)
            if value not in (None, ""):
                sql.append(f"s.{column} = ?")
                args.append(value)
        terms: list[tuple[str, str]] = []
        if self.relation:
            terms.append(("relation", self.relation))
        if self.entity:
            terms.append(("entity", self.entity.casefold()))
        for kind, value in terms[1:]:
            sql.append(
                "EXISTS (SELECT 1 FROM sample_terms t WHERE t.task_id = s.task_id AND t.kind = ? "
                "AND t.value = ? AND t.seq = s.seq)"
            )
            args += [kind, value]
        if self.q:
            pattern = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            sql.append("(s.question LIKE ? ESCAPE '\\' OR s.answer LIKE ? ESCAPE '\\')")
            args += [pattern, pattern]
        if not terms:
            return SampleQuery(f"FROM samples s WHERE {' AND '.join(sql)}", args, "s.seq")
        source = "FROM sample_terms k JOIN samples s ON s.task_id = k.task_id AND s.seq = k.seq"
        sql = ["k.task_id = ? AND k.kind = ? AND k.value = ?", *sql]
        return SampleQuery(f"{source} WHERE {' AND '.join(sql)}", [task_id, *terms[0], *args], "k.seq")


class SampleQuery(NamedTuple):
    """The ``FROM ... WHERE ...`` part of a select of samples (table ``s``), and its page key."""

    sql: str
    args: list[Any]
    key: str


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


#: The columns of a ``SampleRow`` besides ``sample``, in its field order.
_ROW_KEYS = ("task_id", "seq", "id", "type", "hops", "verdict", "review", "question", "answer")
_ROW_COLUMNS = ", ".join(f"s.{key}" for key in _ROW_KEYS)
#: Writes JSON as pydantic does (compact, UTF-8 kept).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _row_json(row: sqlite3.Row) -> str:
    """A row of ``_ROW_COLUMNS`` + body as the JSON of its ``SampleRow`` (the body is JSON already)."""
    fields = _dumps(dict(zip(_ROW_KEYS, tuple(row)[:-1], strict=True)))
    return f'{fields[:-1]},"sample":{row[-1]}}}'


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
        sql, args, key = where.query(task_id)
        rows = self.db.conn().execute(
            f"SELECT s.* {sql} AND {key} > ? ORDER BY {key} LIMIT ?",
            (*args, after, min(limit, MAX_PAGE + 1)),  # + 1: callers ask one more to know of a next page
        )
        return [SampleRow.from_row(row) for row in rows]

    def page_json(self, task_id: int, where: SampleFilter, *, after: int = -1, limit: int = 50) -> str:
        """The API's page as JSON text: ``{"items": [SampleRow, ...], "next": seq or null}``.

        The same JSON as ``page`` dumped by pydantic, but each ``sample`` is the stored text of
        the ``body`` column spliced in as it is: parsing 50 stored samples into ``Sample`` models
        only to write them out again took 6 of the 7 ms of CPU a page cost (issue 12).
        """
        sql, args, key = where.query(task_id)
        rows = (
            self.db.conn()
            .execute(
                f"SELECT {_ROW_COLUMNS}, s.body {sql} AND {key} > ? ORDER BY {key} LIMIT ?",
                (*args, after, min(limit, MAX_PAGE) + 1),  # one more: is there a next page?
            )
            .fetchall()
        )
        shown = rows[:limit]
        items = ",".join(_row_json(row) for row in shown)
        after_last = shown[-1][1] if len(rows) > len(shown) else None
        return f'{{"items":[{items}],"next":{_dumps(after_last)}}}'

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
        sql, args, _ = (where or SampleFilter()).query(task_id)
        return int(self.db.conn().execute(f"SELECT count(*) {sql}", args).fetchone()[0])

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
        sql, args, _ = where.query(task_id)
        with transaction(self.db.conn()) as conn:
            seqs = [r[0] for r in conn.execute(f"SELECT s.seq {sql}", args)]
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
