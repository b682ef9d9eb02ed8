"""Tasks survive restarts: leases, a killed worker process, cooperative cancel, retries."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from kgsynth.service import create_app
from kgsynth.service.db import Database
from kgsynth.service.runners import RunContext
from kgsynth.service.settings import SETTINGS_ENV
from kgsynth.service.tasks import TaskQueue
from kgsynth.service.worker import Worker
from tests.service.conftest import DEMO, DEMO_FILES, make_settings, run_all, sample_ids, upload


def test_two_claims_never_get_the_same_task(settings) -> None:
    queue = TaskQueue(Database(settings.tasks_db))
    for _ in range(2):
        queue.create("factcheck", {"upload": "x", "graph": "store"})
    first, second = queue.claim("a", 30), queue.claim("b", 30)
    assert first is not None and second is not None
    assert first.id != second.id
    assert queue.claim("c", 30) is None


def test_an_expired_lease_goes_back_to_the_queue(settings) -> None:
    queue = TaskQueue(Database(settings.tasks_db))
    task, _ = queue.create("factcheck", {"upload": "x", "graph": "store"})
    assert queue.claim("dead-worker", 0.05) is not None
    time.sleep(0.1)
    again = queue.claim("live-worker", 30)
    assert again is not None and again.id == task.id
    assert again.attempts == 2
    assert any("lease expired" in line["message"] for line in queue.log(task.id))


def test_cancel_of_a_running_task_stops_it_at_its_next_progress(client, settings) -> None:
    shas = upload(client, *DEMO_FILES[:3])
    created = client.post("/api/v1/tasks/extraction", json={"uploads": shas}).json()
    worker = Worker(settings, name="w")
    task = worker.queue.claim("w", 30)
    assert task is not None and task.state == "running"
    assert client.post(f"/api/v1/tasks/{created['id']}/cancel").json()["cancel_requested"] is True
    worker._run(RunContext(worker.queue, task, "w", settings))
    done = client.get(f"/api/v1/tasks/{created['id']}").json()
    assert done["state"] == "cancelled"
    assert done["counts"].get("built", 0) < 3


def _start_worker(settings) -> subprocess.Popen[bytes]:
    env = {**os.environ, SETTINGS_ENV: settings.model_dump_json()}
    return subprocess.Popen(
        [sys.executable, "-m", "kgsynth.service.worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(client: TestClient, task_id: int, done: Callable[[dict], bool], timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        task = client.get(f"/api/v1/tasks/{task_id}").json()
        if done(task):
            return task
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not get there: {task}")


def test_a_killed_worker_is_replaced_and_the_synthesis_resumes_with_the_same_samples(tmp_path) -> None:
    settings = make_settings(tmp_path, lease_seconds=1.5)
    with TestClient(create_app(settings)) as client:
        shas = upload(client, *sorted(DEMO.glob("*.txt")))  # all 38: enough facts for 1000 samples
        extraction = client.post("/api/v1/tasks/extraction", json={"uploads": shas}).json()
        run_all(settings)
        body = {"source_task": extraction["id"], "n": 1000, "seed": 3}
        killed = client.post("/api/v1/tasks/synthesis", json=body).json()
        first = _start_worker(settings)
        try:
            _wait(client, killed["id"], lambda t: t["checkpoint"].get("made", 0) >= 200)
            first.send_signal(signal.SIGKILL)
        finally:
            first.wait()
        midway = client.get(f"/api/v1/tasks/{killed['id']}").json()
        assert midway["state"] == "running"  # the dead worker still holds the lease
        second = _start_worker(settings)
        try:
            done = _wait(client, killed["id"], lambda t: t["state"] in ("succeeded", "failed"))
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait()
        assert done["state"] == "succeeded", done["error"]
        assert done["attempts"] == 2
        reference = client.post("/api/v1/tasks/synthesis", json=body).json()
        run_all(settings)

        def ids(task_id: int) -> list[str]:
            return sample_ids(client.get, f"/api/v1/tasks/{task_id}/samples")

        resumed = ids(killed["id"])
        assert len(resumed) == 1000
        assert resumed == ids(reference["id"])


def test_retry_from_scratch_clears_the_checkpoint(client, settings) -> None:
    shas = upload(client, DEMO_FILES[0])
    task = client.post("/api/v1/tasks/extraction", json={"uploads": shas}).json()
    client.post(f"/api/v1/tasks/{task['id']}/cancel")
    queue = TaskQueue(Database(settings.tasks_db))
    queue.db.conn().execute("UPDATE tasks SET checkpoint = '{\"started\": true}' WHERE id = ?", (task["id"],))
    again = client.post(f"/api/v1/tasks/{task['id']}/retry", json={"from_scratch": True}).json()
    assert again["checkpoint"] == {}
    assert again["state"] == "queued"


def test_the_worker_stops_when_the_server_process_ends(tmp_path) -> None:
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kgsynth.service",
            "--store",
            str(tmp_path / "kg.db"),
            "--port",
            str(port),
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/health")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) == 1  # the worker
    finally:
        server.terminate()
        server.wait(timeout=30)
    end = time.monotonic() + 15
    while Path(f"/proc/{children[0]}").exists() and time.monotonic() < end:
        time.sleep(0.2)
    assert not Path(f"/proc/{children[0]}").exists()
