"""``build --workers N``: the extraction workers end when the build process is killed (issue 11).

A real ``kgsynth build`` runs in a subprocess on a corpus large enough to be mid-way when it is
killed with SIGKILL (which it cannot catch or clean up after); its worker processes must then be
gone within a few seconds instead of waiting forever for texts that will never come.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")

SENTENCES = (
    "Warfarin is used to prevent stroke in patients with atrial fibrillation.",
    "Aspirin interacts with warfarin and raises the risk of bleeding.",
    "Metformin treats type 2 diabetes; nausea is a common adverse effect.",
)


def children_of(pid: int) -> set[int]:
    """Pids whose parent is ``pid`` (from /proc/<pid>/stat)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number in range(20_000):
            text = " ".join(SENTENCES[(number + i) % 3] for i in range(4)) + f" Case {number}."
            out.write(json.dumps({"id": str(number), "text": text}) + "\n")
    return path


def test_build_workers_end_when_the_build_is_killed(corpus: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "kgsynth", "-q", "build", str(corpus), "--workers", "2"]
    command += ["--ontology", "medical", "--model", "blank", "--store", str(tmp_path / "kg.db")]
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        assert wait_for(lambda: len(children_of(build.pid)) >= 2, 120), "the build never started its workers"
        workers = children_of(build.pid)
        assert build.poll() is None, "the build ended before it could be killed mid-way"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert wait_for(lambda: not any(running(pid) for pid in workers), 5), (
            f"workers still running: {sorted(pid for pid in workers if running(pid))}"
        )
    finally:
        build.kill()
        build.wait()
        for pid in workers:  # never leave a stray process behind, even when the test fails
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


PARENT_WITHOUT_PRCTL = """
import multiprocessing, sys, time
from kgsynth.ingest import lifeline

lifeline._ask_for_a_signal_when_the_parent_dies = lambda: None  # leave only the watchdog thread
with lifeline.workers_end_with_this_process():
    worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    worker.start()
print(worker.pid, flush=True)
time.sleep(60)
"""


def test_watchdog_ends_a_worker_without_the_kernel_signal() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT_WITHOUT_PRCTL], stdout=subprocess.PIPE, text=True)
    worker = 0
    try:
        worker = int(parent.stdout.readline())
        assert running(worker)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert wait_for(lambda: not running(worker), 3)
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
        if worker:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGKILL)


def test_worker_whose_parent_died_before_its_fork_hook_ran_ends_at_once() -> None:
    # The hook sees another parent than the process that forked it: that one is gone already.
    script = (
        "from kgsynth.ingest import lifeline\n"
        "lifeline._guarded_parent = -1\n"
        "lifeline._in_forked_child()\n"
        "print('still running')\n"
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (finished.returncode, finished.stdout) == (1, "")
