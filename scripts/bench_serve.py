"""Benchmark ``kgsynth serve`` on loopback: latency under load, a 100,000-sample task, a 50 MB upload.

    .venv/bin/python scripts/bench_serve.py [--clients 20] [--requests 30]

1. p95 latency of the task list (``GET /api/v1/tasks``) and of a sample page
   (``GET /api/v1/tasks/<id>/samples``) for N concurrent clients, each sending a fixed number
   of requests (the loop stops by itself), while an extraction task runs in the worker.
   Target: < 100 ms.
2. The sample page of a task with 100,000 samples, first page and a page deep in (keyset
   cursor), as JSON and as the HTML page. Target: < 1 s.
3. A 50 MB upload streamed to the server: the web process's peak memory (VmHWM) before and
   after. Target: flat (it grows by far less than the upload).

The 100,000 samples are copies of a real synthesis's samples under new ids (data made by code).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kgsynth.service.db import Database, transaction  # noqa: E402
from kgsynth.service.samples import SampleFilter, SampleTable, insert_samples  # noqa: E402
from kgsynth.service.tasks import TaskQueue  # noqa: E402

DOCS = ROOT / "examples" / "docs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(client: httpx.Client, task_id: int, states: tuple[str, ...], timeout: float = 600) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        task = client.get(f"/api/v1/tasks/{task_id}").json()
        if task["state"] in states:
            return task
        time.sleep(0.3)
    raise SystemExit(f"task {task_id} did not reach {states}")


def upload(client: httpx.Client, paths: list[Path]) -> list[str]:
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    return [u["sha256"] for u in client.post("/api/v1/uploads", files=files).json()]


def big_task(data_dir: Path, source: int, synthesis: int, n: int) -> int:
    """A succeeded synthesis task holding ``n`` samples: copies of task ``synthesis``'s under new ids."""
    db = Database(data_dir / "tasks.db")
    queue, table = TaskQueue(db), SampleTable(db)
    seed_rows = [r.sample for r in table.iter_matching(synthesis, SampleFilter())]
    task, _ = queue.create("synthesis", {"source_task": source, "n": n, "note": "benchmark copies"},
                           source_task=source)  # fmt: skip
    conn = db.conn()
    for start in range(0, n, 5000):
        rows = []
        for seq in range(start, min(n, start + 5000)):
            sample = seed_rows[seq % len(seed_rows)].model_copy(update={"id": f"bench:{seq}"})
            rows.append((seq, sample, "supported"))
        with transaction(conn):
            insert_samples(conn, task.id, rows)
    conn.execute("UPDATE tasks SET state = 'succeeded', progress = 1 WHERE id = ?", (task.id,))
    return task.id


def timed(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:200])
    return time.perf_counter() - started


def load(base: str, urls: list[str], clients: int, requests: int) -> dict[str, list[float]]:
    """Each of ``clients`` threads sends ``requests`` requests to each URL in turn (bounded)."""
    times: dict[str, list[float]] = {url: [] for url in urls}
    lock = threading.Lock()

    def run() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(requests):
                for url in urls:
                    took = timed(client, url)
                    with lock:
                        times[url].append(took)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] * 1000


def vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--samples", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kgsynth.service",
            "--store",
            str(folder / "kg.db"),
            "--port",
            str(port),
            "--quiet",
        ],
        stderr=(folder / "server.log").open("wb"),
    )
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(150):
                try:
                    client.get("/api/v1/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            medical = sorted((DOCS / "medical").glob("*.txt"))
            extraction = client.post(
                "/api/v1/tasks/extraction", json={"uploads": upload(client, medical)}
            ).json()
            wait(client, extraction["id"], ("succeeded",))
            body = {"source_task": extraction["id"], "n": 500, "seed": 1}
            synthesis = client.post("/api/v1/tasks/synthesis", json=body).json()
            wait(client, synthesis["id"], ("succeeded",))
            big = big_task(folder / "kg.service", extraction["id"], synthesis["id"], args.samples)

            # A long extraction in the background: many documents made from the demo ones.
            corpus = folder / "corpus"
            corpus.mkdir()
            texts = [p.read_text(encoding="utf-8") for p in medical]
            for i in range(400):
                (corpus / f"doc{i}.txt").write_text(f"Note {i}.\n{texts[i % len(texts)]}", encoding="utf-8")
            busy = client.post("/api/v1/tasks/extraction",
                               json={"uploads": upload(client, sorted(corpus.iterdir()))}).json()  # fmt: skip
            wait(client, busy["id"], ("running",))
            urls = ["/api/v1/tasks", f"/api/v1/tasks/{big}/samples?limit=50&after={args.samples // 2}"]
            times = load(base, urls, args.clients, args.requests)
            still = client.get(f"/api/v1/tasks/{busy['id']}").json()["state"]
            print(f"1. {args.clients} clients x {args.requests} requests each, extraction {still} meanwhile:")
            for url, values in times.items():
                print(f"   {url}: p95 {p95(values):.1f} ms, median {statistics.median(values) * 1000:.1f} ms "
                      f"({len(values)} requests)")  # fmt: skip
            client.post(f"/api/v1/tasks/{busy['id']}/cancel")

            print(f"2. a task of {args.samples} samples:")
            for url in (f"/api/v1/tasks/{big}/samples?limit=50",
                        f"/api/v1/tasks/{big}/samples?limit=50&after={args.samples - 60}",
                        f"/api/v1/tasks/{big}/samples?limit=50&type=yesno&after={args.samples - 5000}",
                        f"/tasks/{big}/samples"):  # fmt: skip
                best = min(timed(client, url) for _ in range(3))
                print(f"   {url}: {best * 1000:.1f} ms")

            before = vm_hwm(server.pid)
            size = 50 * 1024 * 1024

            big_file = folder / "big.txt"
            line = b"Metformin treats type 2 diabetes and may cause lactic acidosis in rare cases.\n"
            with big_file.open("wb") as out:
                for _ in range(size // len(line)):
                    out.write(line)
            started = time.perf_counter()
            with big_file.open("rb") as stream:  # httpx sends a file object in chunks
                response = client.post("/api/v1/uploads", files=[("files", ("big.txt", stream))], timeout=300)
            took = time.perf_counter() - started
            print(f"3. 50 MB upload: HTTP {response.status_code} in {took:.1f} s; web process peak RSS "
                  f"{before} MB before, {vm_hwm(server.pid)} MB after")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
