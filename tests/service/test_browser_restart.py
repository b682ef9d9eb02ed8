"""A worker killed in the middle of a task, seen from the browser (issue 12's restart scenario).

The web process runs without workers (``--workers 0``); the test starts worker processes itself
with ``kgsynth.service.server.start_worker``, so it can SIGKILL one mid-task. The task page stays
open throughout: it shows the task still running (the dead worker's lease has not expired),
then, once a new worker took the task over, succeeded; its log tells the story. The resumed
task's samples are the very samples an uninterrupted task with the same settings makes.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from kgsynth.service import ServiceSettings
from kgsynth.service.server import start_worker
from tests.ports import free_port
from tests.service.browser import chromium_or_skip
from tests.service.conftest import DEMO, sample_ids

LEASE = 2.0


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ServiceSettings]]:
    """The web process alone, and the settings its workers need."""
    chromium_or_skip()
    folder, port = tmp_path_factory.mktemp("restart"), free_port()
    store = str(folder / "kg.db")
    command = [sys.executable, "-m", "kgsynth.service", "--store", store, "--port", str(port),
               "--workers", "0", "--lease", str(LEASE), "--quiet"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=(folder / "server.log").open("wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        _until(lambda: _healthy(base), 30, (folder / "server.log").read_text)
        yield base, ServiceSettings.for_store(store, port=port, lease_seconds=LEASE)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_killed_worker_is_replaced_and_the_page_shows_the_task_finish(web, page) -> None:
    from playwright.sync_api import expect

    base, settings = web
    files = [("files", (p.name, p.read_bytes())) for p in sorted(DEMO.glob("*.txt"))]
    shas = [u["sha256"] for u in httpx.post(f"{base}/api/v1/uploads", files=files).json()]
    extraction = httpx.post(f"{base}/api/v1/tasks/extraction", json={"uploads": shas}).json()["id"]
    first = start_worker(settings)
    try:
        assert (
            _wait_task(base, extraction, lambda t: t["state"] in ("succeeded", "failed"))["state"]
            == "succeeded"
        )
        body = {"source_task": extraction, "n": 1000, "seed": 3}
        killed = httpx.post(f"{base}/api/v1/tasks/synthesis", json=body).json()["id"]
        page.goto(f"{base}/tasks/{killed}")
        _wait_task(base, killed, lambda t: t["checkpoint"].get("made", 0) >= 200)
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait()
    expect(page.locator("#state")).to_have_text("running")  # the dead worker's lease still holds
    second = start_worker(settings)
    try:
        expect(page.locator("#state")).to_have_text("succeeded", timeout=120_000)
        page.reload()
        log = page.locator("main").inner_text()
        assert "lease expired; back in the queue, resumes from its checkpoint" in log
        assert "(attempt 2)" in log
        reference = httpx.post(f"{base}/api/v1/tasks/synthesis", json=body).json()["id"]
        assert (
            _wait_task(base, reference, lambda t: t["state"] in ("succeeded", "failed"))["state"]
            == "succeeded"
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    resumed = sample_ids(httpx.get, f"{base}/api/v1/tasks/{killed}/samples")
    assert len(resumed) == 1000
    assert resumed == sample_ids(httpx.get, f"{base}/api/v1/tasks/{reference}/samples")
    assert not page.problems, "\n".join(page.problems)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/health").status_code == 200
    except httpx.TransportError:
        return False


def _until(done: Callable[[], bool], seconds: float, explain: Callable[[], str] = lambda: "") -> None:
    end = time.monotonic() + seconds
    while not done():
        if time.monotonic() > end:
            raise AssertionError(f"still waiting after {seconds} s. {explain()}")
        time.sleep(0.2)


def _wait_task(base: str, task_id: int, done: Callable[[dict], bool], seconds: float = 180) -> dict:
    found: dict = {}

    def check() -> bool:
        found.update(httpx.get(f"{base}/api/v1/tasks/{task_id}").json())
        return done(found)

    _until(check, seconds, lambda: f"task {task_id}: {found}")
    return found
