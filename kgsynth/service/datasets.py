"""Named datasets and their immutable, content-hashed versions.

A version is a JSONL file under ``versions/<id>.jsonl`` that is never written again, plus a
row naming its dataset, number, parent version, source task, graph and parameters, and the
card written when it was saved. Its id is the hash of its content and that metadata, so the
same save gives the same id. A ``samples`` version holds our raw samples (as reviewed and
edited); a ``blend`` version holds ``BlendItem`` lines. Downloads in every format are made
from the stored lines by the export code the CLI uses, streamed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from kgsynth.export.blend import BlendItem, BlendResult, blend_lines
from kgsynth.export.formats import record_lines
from kgsynth.model import Sample
from kgsynth.service.db import Database, transaction
from kgsynth.service.errors import ConflictError, NotFoundError, RefusedError

VersionKind = Literal["samples", "blend"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
#: Most changed ids a diff lists (the counts are always complete).
DIFF_LIST = 50


class Version(BaseModel):
    """One saved version of a dataset."""

    id: str
    dataset: str
    number: int
    parent: str | None
    kind: VersionKind
    source_task: int | None
    graph: str
    params: dict[str, Any]
    content_hash: str
    records: int
    card: str
    created: float


def check_name(name: str) -> str:
    """A dataset name: letters, digits, ``_ . -``, at most 64 characters.

    Raises:
        RefusedError: naming the rule.
    """
    if not _NAME.match(name):
        raise RefusedError(
            f'dataset name "{name[:80]}" is not allowed: use 1-64 letters, digits, "_", "." or "-", '
            "starting with a letter or digit."
        )
    return name


class DatasetStore:
    """Datasets, versions and their files."""

    def __init__(self, db: Database, folder: Path) -> None:
        self.db = db
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def save(
        self,
        dataset: str,
        lines: Iterable[str],
        *,
        kind: VersionKind,
        card: str,
        source_task: int | None = None,
        graph: str = "",
        params: dict[str, Any] | None = None,
    ) -> Version:
        """Save ``lines`` as the next version of ``dataset`` (created if new).

        Raises:
            RefusedError: a bad name, or nothing to save.
        """
        check_name(dataset)
        params = params or {}
        temporary, digest, count = self._write(lines)
        try:
            if count == 0:
                raise RefusedError(f'nothing to save in dataset "{dataset}": the selection holds no samples.')
            with transaction(self.db.conn()) as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO datasets (name, created) VALUES (?, ?)", (dataset, time.time())
                )
                parent = conn.execute(
                    "SELECT id, number FROM versions WHERE dataset = ? ORDER BY number DESC LIMIT 1",
                    (dataset,),
                ).fetchone()
                meta = json.dumps(
                    [dataset, parent["id"] if parent else None, kind, source_task, graph, params],
                    sort_keys=True,
                )
                version_id = hashlib.sha256(f"{digest}\x1f{meta}".encode()).hexdigest()[:16]
                if conn.execute("SELECT 1 FROM versions WHERE id = ?", (version_id,)).fetchone():
                    raise ConflictError(f'dataset "{dataset}" already has this version ({version_id}).')
                os.replace(temporary, self.folder / f"{version_id}.jsonl")
                conn.execute(
                    "INSERT INTO versions (id, dataset, number, parent, kind, source_task, graph, params, "
                    "content_hash, records, card, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        version_id,
                        dataset,
                        (parent["number"] + 1) if parent else 1,
                        parent["id"] if parent else None,
                        kind,
                        source_task,
                        graph,
                        json.dumps(params, sort_keys=True),
                        digest,
                        count,
                        card,
                        time.time(),
                    ),
                )
        finally:
            Path(temporary).unlink(missing_ok=True)
        return self.get(version_id)

    def save_blend(self, dataset: str, result: BlendResult, *, card: str, params: dict[str, Any]) -> Version:
        """Save a blend's items as the next version of ``dataset``."""
        return self.save(
            dataset, (item.model_dump_json() for item in result.items), kind="blend", card=card, params=params
        )

    def get(self, version_id: str) -> Version:
        """The version with this id.

        Raises:
            NotFoundError: there is none.
        """
        row = self.db.conn().execute("SELECT * FROM versions WHERE id = ?", (version_id,)).fetchone()
        if row is None:
            raise NotFoundError(f'version "{version_id[:40]}" does not exist.')
        return Version(**{**dict(row), "params": json.loads(row["params"])})

    def datasets(self) -> list[dict[str, Any]]:
        """Every dataset with its number of versions and latest version id."""
        rows = self.db.conn().execute(
            "SELECT d.name, d.created, count(v.id) AS versions, "
            "(SELECT id FROM versions WHERE dataset = d.name ORDER BY number DESC LIMIT 1) AS latest "
            "FROM datasets d LEFT JOIN versions v ON v.dataset = d.name GROUP BY d.name ORDER BY d.name"
        )
        return [dict(row) for row in rows]

    def versions(self, dataset: str) -> list[Version]:
        """The versions of a dataset, newest first.

        Raises:
            NotFoundError: no such dataset.
        """
        rows = (
            self.db.conn()
            .execute("SELECT id FROM versions WHERE dataset = ? ORDER BY number DESC", (dataset,))
            .fetchall()
        )
        if not rows:
            raise NotFoundError(f'dataset "{dataset[:80]}" does not exist.')
        return [self.get(row["id"]) for row in rows]

    def lines(self, version: Version) -> Iterator[str]:
        """The stored JSONL lines of a version, streamed."""
        with (self.folder / f"{version.id}.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                yield line.rstrip("\n")

    def samples(self, version: Version) -> Iterator[Sample]:
        """The samples of a ``samples`` version."""
        for line in self.lines(version):
            yield Sample.model_validate_json(line)

    def download(self, version: Version, format: str) -> Iterator[str]:
        """The version as JSONL lines (newline included) in ``format``, by the CLI's export code."""
        if version.kind == "samples":
            rows = record_lines(self.samples(version), format)  # type: ignore[arg-type]
        else:
            rows = blend_lines((BlendItem.model_validate_json(line) for line in self.lines(version)), format)
        for row in rows:
            yield row + "\n"

    def diff(self, old: Version, new: Version) -> dict[str, Any]:
        """Records added, removed and changed from ``old`` to ``new`` (by sample id, else by text)."""
        before, after = self._keyed(old), self._keyed(new)
        added = [k for k in after if k not in before]
        removed = [k for k in before if k not in after]
        changed = [k for k in after if k in before and after[k] != before[k]]
        return {
            "old": old.id,
            "new": new.id,
            "added": len(added),
            "removed": len(removed),
            "changed": len(changed),
            "unchanged": len(after) - len(added) - len(changed),
            "added_ids": added[:DIFF_LIST],
            "removed_ids": removed[:DIFF_LIST],
            "changed_ids": changed[:DIFF_LIST],
        }

    def _keyed(self, version: Version) -> dict[str, str]:
        keyed = {}
        for line in self.lines(version):
            record = json.loads(line)
            sample = record.get("sample") if version.kind == "blend" else record
            key = (
                sample["id"]
                if sample
                else hashlib.sha256(f"{record['question']}\x1f{record['answer']}".encode()).hexdigest()[:16]
            )
            keyed[key] = hashlib.sha256(line.encode()).hexdigest()
        return keyed

    def _write(self, lines: Iterable[str]) -> tuple[str, str, int]:
        digest, count = hashlib.sha256(), 0
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".version-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                for line in lines:
                    out.write(line + "\n")
                    digest.update(line.encode() + b"\n")
                    count += 1
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return temporary, digest.hexdigest(), count


__all__ = ["DIFF_LIST", "DatasetStore", "Version", "VersionKind", "check_name"]
