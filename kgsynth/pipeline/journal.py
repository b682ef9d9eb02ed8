"""The journal of an LLM generation run: one line per finished work item, so a killed run resumes.

``<out>.journal.jsonl`` starts with a header line holding the run's settings fingerprint; then
each finished work item (accepted or rejected, with its sample, its reasons and its attempts)
is appended as one JSON line and flushed to the OS at once, so ``kill -9`` loses at most the
items in flight. On ``--resume`` the header must match the settings, a last line cut short by
the kill is ignored (and cut off, so the next line starts clean), and every item already in
the journal is skipped by its id. The output is made from the journal in work-item order, so it
is the same whatever order the items finished in.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from kgsynth.errors import ConfigError, InputError
from kgsynth.model import Sample

logger = logging.getLogger(__name__)

JOURNAL_VERSION = 1


class ItemRecord(BaseModel):
    """One finished work item."""

    model_config = ConfigDict(extra="forbid")

    item: str
    index: int
    status: Literal["accepted", "rejected"]
    type: str
    hops: int
    attempts: int
    reasons: list[str] = []
    buckets: list[str] = []
    attempt_buckets: list[list[str]] = []
    sample: Sample | None = None
    reply: str = ""


def journal_path(output: Path) -> Path:
    """``out.jsonl`` -> ``out.journal.jsonl``."""
    return output.with_name(output.name.removesuffix(output.suffix) + ".journal.jsonl")


class Journal:
    """Append-only record of finished items; ``done`` holds those read back on resume."""

    def __init__(self, path: Path, fingerprint: str, *, resume: bool) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.done: dict[str, ItemRecord] = {}
        if path.exists() and not resume:
            raise ConfigError(
                f"{path} exists (the journal of an earlier run): pass --resume to continue that run, "
                "or delete the file to start over."
            )
        if resume and path.exists():
            self._read()
            self._handle = path.open("a", encoding="utf-8")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = path.open("w", encoding="utf-8")
            self._write({"journal": JOURNAL_VERSION, "fingerprint": fingerprint})

    def _read(self) -> None:
        lines = self.path.read_text(encoding="utf-8").split("\n")
        complete = lines[:-1]  # a line without its newline was cut by a kill: drop it
        if lines[-1]:
            logger.warning(
                "%s: ignoring an unfinished last line (the run was killed while writing it)", self.path
            )
            with self.path.open("r+", encoding="utf-8") as handle:
                handle.truncate(sum(len(line.encode("utf-8")) + 1 for line in complete))
        header = _json(complete[0], self.path, 1) if complete else {}
        if header.get("fingerprint") != self.fingerprint:
            raise ConfigError(
                f"{self.path} was written by a run with other settings: resume with the same options, "
                "or delete the journal to start over."
            )
        for number, line in enumerate(complete[1:], start=2):
            try:
                record = ItemRecord.model_validate(_json(line, self.path, number))
            except ValidationError as exc:
                raise InputError(
                    f"{self.path}, line {number}: not a journal record ({exc.errors()[0]['msg']})."
                ) from exc
            self.done[record.item] = record

    def add(self, record: ItemRecord) -> None:
        """Append a finished item and hand it to the OS at once."""
        self._write(record.model_dump(mode="json", exclude_none=True))
        self.done[record.item] = record

    def _write(self, value: dict[str, Any]) -> None:
        self._handle.write(json.dumps(value, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def records(self) -> list[ItemRecord]:
        """Every finished item, in work-item order."""
        return sorted(self.done.values(), key=lambda r: r.index)

    def close(self) -> None:
        self._handle.close()


def _json(line: str, path: Path, number: int) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}, line {number}: not valid JSON ({exc.msg}); delete the journal to start over."
        ) from exc
    if not isinstance(value, dict):
        raise InputError(f"{path}, line {number}: expected a JSON object.")
    return value


__all__ = ["JOURNAL_VERSION", "ItemRecord", "Journal", "journal_path"]
