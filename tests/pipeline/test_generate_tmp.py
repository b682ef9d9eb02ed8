"""``kgsynth generate`` removes the ``.<name>.<pid>.tmp`` files of runs that died, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgsynth.cli import app


@pytest.fixture
def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process.pid
    process.kill()
    process.wait()


def leftovers(folder: Path, dead: int, live: int) -> dict[str, Path]:
    names = {
        "stale output": f".out.jsonl.{dead}.tmp",
        "stale card": f".out.card.md.{dead}.tmp",
        "running output": f".out.jsonl.{live}.tmp",
        "other output": f".other.jsonl.{dead}.tmp",
        "no pid": ".out.jsonl.tmp",
        "not a pid": f".out.jsonl.{dead}x.tmp",
        "not hidden": f"out.jsonl.{dead}.tmp",
    }
    paths = {label: folder / name for label, name in names.items()}
    for path in paths.values():
        path.write_text("partial\n", encoding="utf-8")
    return paths


def test_generate_removes_temporary_files_of_dead_runs_only(kg_path, tmp_path, dead_pid, live_pid):
    paths = leftovers(tmp_path, dead_pid, live_pid)
    args = ["-q", "generate", "--store", kg_path, "-o", str(tmp_path / "out.jsonl"), "--n", "5"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert {label for label, path in paths.items() if path.exists()} == {
        "running output",
        "other output",
        "no pid",
        "not a pid",
        "not hidden",
    }


def test_generate_that_fails_still_removes_stale_files(tmp_path, dead_pid, short_store):
    paths = leftovers(tmp_path, dead_pid, dead_pid)
    args = ["-q", "generate", "--store", short_store.url, "-o", str(tmp_path / "out.jsonl"), "--n", "5"]
    result = CliRunner().invoke(app, [*args, "--hops", "3", "--types", "multihop"])
    assert result.exit_code == 1
    assert not paths["stale output"].exists() and not paths["stale card"].exists()
