"""Benchmark ``kgsynth serve`` on loopback: latency under load, a 100,000-sample task, a 50 MB upload.

    .venv/bin/python scripts/bench_serve.py [--clients 20] [--requests 30] [--compare HEAD~1]

1. Latency of the task list (``GET /api/v1/tasks``) and of a sample page
   (``GET /api/v1/tasks/<id>/samples``) while an extraction task runs in the worker: first one
   client alone (sequential requests), then N concurrent clients, each sending a fixed number
   of requests (the loop stops by itself), and again from a light client (raw HTTP from one
   asyncio loop; 20 httpx threads use more CPU than the server does). Target: p95 < 100 ms.
   Also shown: the web process's CPU time per request (what the server itself spends, which
   other load on the machine changes least), the httpx clients' own, the machine's load
   average, and the documents per second the extraction built meanwhile. With
   ``--compare REV`` the same is measured for the service code of ``REV`` (``kgsynth/service``
   of that commit over this checkout's other modules, run from a temporary copy, HTTP parsed
   by h11 as before httptools was in the service extra) in alternating rounds, side by side.
2. The sample page of a task with 100,000 samples, first page and a page deep in (keyset
   cursor), as JSON and as the HTML page. Target: < 1 s.
3. A 50 MB upload streamed to the server: the web process's peak memory (VmHWM) before and
   after. Target: flat (it grows by far less than the upload).

The 100,000 samples are copies of a real synthesis's samples under new ids (data made by code).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kgsynth.service.db import Database, transaction  # noqa: E402
from kgsynth.service.samples import SampleFilter, SampleTable, insert_samples  # noqa: E402

DOCS = ROOT / "examples" / "docs"
LOADING = "loading the extraction pipeline"  # the extraction's first stage


@dataclass
class Setup:
    """What part 1 needs: the data folder, the 400 uploads of the busy extraction, the big task."""

    folder: Path
    busy_uploads: list[str]
    big: int
    busy: int | None = None  # the background extraction, retried from scratch in each round


@dataclass
class Round:
    """One variant's measurements in one round."""

    single: dict[str, list[float]] = field(default_factory=dict)
    loaded: dict[str, list[float]] = field(default_factory=dict)
    light: dict[str, list[float]] = field(default_factory=dict)
    cpu_ms: float = 0.0
    client_cpu_ms: float = 0.0
    load: float = 0.0
    documents_per_s: float = 0.0
    still: str = ""


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
        if task["state"] in ("failed", "cancelled"):
            raise SystemExit(f"task {task_id} {task['state']}: {task['error']}")
        time.sleep(0.3)
    raise SystemExit(f"task {task_id} did not reach {states}")


def wait_extracting(client: httpx.Client, task_id: int, attempt: int, loaded: float) -> None:
    """Until attempt ``attempt`` of the task is past loading its pipeline (its time for that stage
    has grown beyond ``loaded``): the worker is busy extracting now.
    """
    end = time.monotonic() + 300
    while time.monotonic() < end:
        task = client.get(f"/api/v1/tasks/{task_id}").json()
        if task["state"] in ("succeeded", "failed", "cancelled"):
            raise SystemExit(f"the background extraction {task_id} is {task['state']}: {task['error']}")
        if task["attempts"] >= attempt and task["timings"].get(LOADING, 0) > loaded:
            return
        time.sleep(0.1)
    raise SystemExit(f"the background extraction {task_id} did not start extracting")


def upload(client: httpx.Client, paths: list[Path]) -> list[str]:
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    return [u["sha256"] for u in client.post("/api/v1/uploads", files=files).json()]


@contextmanager
def server(folder: Path, code: Path) -> Iterator[tuple[httpx.Client, int]]:
    """``kgsynth serve`` (web process + worker) of the package under ``code`` over ``folder``."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(code)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kgsynth.service", "--store", str(folder / "kg.db"), "--port", str(port),
         "--quiet"],
        cwd=folder, env=env, stderr=(folder / "server.log").open("ab"),
    )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for _ in range(300):
                try:
                    client.get("/api/v1/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield client, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def big_task(data_dir: Path, source: int, synthesis: int, n: int) -> int:
    """A succeeded synthesis task holding ``n`` samples: copies of task ``synthesis``'s under new ids.

    The task row is written as succeeded at once (a queued one would be claimed by the worker).
    """
    db = Database(data_dir / "tasks.db")
    seed_rows = [r.sample for r in SampleTable(db).iter_matching(synthesis, SampleFilter())]
    conn = db.conn()
    params = json.dumps({"source_task": source, "n": n, "seed": 1})
    with transaction(conn):
        task_id = conn.execute(
            "INSERT INTO tasks (kind, state, params, source_task, created, updated, finished, progress, "
            "stage) VALUES ('synthesis', 'succeeded', ?, ?, ?, ?, ?, 1, 'done') RETURNING id",
            (params, source, time.time(), time.time(), time.time()),
        ).fetchone()[0]
    for start in range(0, n, 5000):
        rows = []
        for seq in range(start, min(n, start + 5000)):
            sample = seed_rows[seq % len(seed_rows)].model_copy(update={"id": f"bench:{seq}"})
            rows.append((seq, sample, "supported"))
        with transaction(conn):
            insert_samples(conn, task_id, rows)
    return int(task_id)


def prepare(client: httpx.Client, folder: Path, samples: int) -> Setup:
    """Extraction and synthesis of the demo documents, the big task, the busy corpus uploaded."""
    medical = sorted((DOCS / "medical").glob("*.txt"))
    extraction = client.post("/api/v1/tasks/extraction", json={"uploads": upload(client, medical)}).json()
    wait(client, extraction["id"], ("succeeded",))
    body = {"source_task": extraction["id"], "n": 500, "seed": 1}
    synthesis = client.post("/api/v1/tasks/synthesis", json=body).json()
    wait(client, synthesis["id"], ("succeeded",))
    big = big_task(folder / "kg.service", extraction["id"], synthesis["id"], samples)
    # A long extraction for the background: 400 documents of 5 demo notes each, long enough to
    # outlast every round (it is cancelled after each, and retried from scratch in the next).
    corpus = folder / "corpus"
    corpus.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in medical]
    for i in range(400):
        notes = "\n\n".join(texts[(i + k) % len(texts)] for k in range(5))
        (corpus / f"doc{i}.txt").write_text(f"Note {i}.\n{notes}", encoding="utf-8")
    return Setup(folder, upload(client, sorted(corpus.iterdir())), big)


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


def light_load(port: int, urls: list[str], clients: int, requests: int) -> dict[str, list[float]]:
    """``load`` from one asyncio loop writing raw HTTP/1.1: a client that needs about a tenth of
    the CPU of 20 httpx threads, so less of the machine goes to the load generator itself.
    """

    async def client(times: dict[str, list[float]]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(requests):
            for url in urls:
                started = time.perf_counter()
                writer.write(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
                assert head.startswith("http/1.1 200"), head
                length = int(head.split("content-length:", 1)[1].split("\r\n", 1)[0])
                await reader.readexactly(length)
                times[url].append(time.perf_counter() - started)
        writer.close()

    async def run() -> dict[str, list[float]]:
        times: dict[str, list[float]] = {url: [] for url in urls}
        await asyncio.gather(*(client(times) for _ in range(clients)))
        return times

    return asyncio.run(run())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(setup: Setup, code: Path, args: argparse.Namespace) -> Round:
    """Part 1 for the package under ``code``: one client alone, then N clients, extraction running."""
    out = Round()
    urls = ["/api/v1/tasks", f"/api/v1/tasks/{setup.big}/samples?limit=50&after={args.samples // 2}"]
    with server(setup.folder, code) as (client, pid):
        if setup.busy is None:
            busy = client.post("/api/v1/tasks/extraction", json={"uploads": setup.busy_uploads}).json()
            setup.busy, attempts, loaded = busy["id"], 0, 0.0
        else:  # one task in every round, so the task list is the same in each
            before = client.get(f"/api/v1/tasks/{setup.busy}").json()
            attempts, loaded = before["attempts"], before["timings"].get(LOADING, 0.0)
            client.post(f"/api/v1/tasks/{setup.busy}/retry", json={"from_scratch": True})
        wait_extracting(client, setup.busy, attempts + 1, loaded)
        started = time.perf_counter()
        for url in urls:
            timed(client, url)
            out.single[url] = [timed(client, url) for _ in range(args.single)]
        n = args.clients * args.requests * len(urls)
        cpu, own = cpu_seconds(pid), time.process_time()
        out.loaded = load(str(client.base_url), urls, args.clients, args.requests)
        out.cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / n
        out.client_cpu_ms = (time.process_time() - own) * 1000 / n
        out.light = light_load(client.base_url.port or 80, urls, args.clients, args.requests)
        out.load = os.getloadavg()[0]
        task = client.get(f"/api/v1/tasks/{setup.busy}").json()  # counts: of this attempt by now
        out.documents_per_s = task["counts"].get("documents", 0) / (time.perf_counter() - started)
        out.still = task["state"]
        client.post(f"/api/v1/tasks/{setup.busy}/cancel")
        wait(client, setup.busy, ("cancelled", "succeeded"))
    return out


def before_code(rev: str, folder: Path) -> Path:
    """A copy of this checkout's ``kgsynth`` with ``kgsynth/service`` as it was at ``rev``."""
    target = folder / "before"
    shutil.copytree(ROOT / "kgsynth", target / "kgsynth", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(target / "kgsynth" / "service")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "kgsynth/service"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    vendor = ROOT / "kgsynth" / "service" / "static" / "vendor"  # npm assets, not all in git
    shutil.copytree(vendor, target / "kgsynth" / "service" / "static" / "vendor", dirs_exist_ok=True)
    # Before issue 12 the service extra had no httptools, so uvicorn parsed HTTP with h11:
    # a module that fails to import makes uvicorn fall back to h11 here too.
    (target / "httptools.py").write_text('raise ImportError("h11, as before httptools was a dependency")\n')
    return target


def ms(values: list[float], q: str) -> str:
    if q == "p95":
        return f"{statistics.quantiles(values, n=20)[18] * 1000:.1f}"
    return f"{statistics.median(values) * 1000:.1f}"


def report(results: dict[str, list[Round]], args: argparse.Namespace) -> None:
    """Part 1 as a table: one column per variant, every round's requests pooled."""
    names = list(results)
    rows: list[tuple[str, ...]] = [("", *names)]
    urls = list(results[names[0]][0].loaded)
    groups = (
        ("1 client", "single"),
        (f"{args.clients} clients", "loaded"),
        (f"{args.clients} light", "light"),
    )
    for label, key in groups:
        for url in urls:
            short = "task list" if url.endswith("/tasks") else "sample page"
            for q in ("p50", "p95"):
                pooled = [
                    [t for r in results[name] for t in getattr(r, key)[url]] for name in names
                ]  # fmt: skip
                rows.append((f"{short}, {label}, {q} ms", *(ms(p, q) for p in pooled)))
    per = [results[name] for name in names]
    rows.append(
        ("web CPU ms/request (N clients)", *(" / ".join(f"{r.cpu_ms:.2f}" for r in rs) for rs in per))
    )
    rows.append(
        (
            "client CPU ms/request (N clients)",
            *(" / ".join(f"{r.client_cpu_ms:.2f}" for r in rs) for rs in per),
        )
    )
    rows.append(
        (
            "extraction meanwhile, documents/s",
            *(" / ".join(f"{r.documents_per_s:.1f}" for r in rs) for rs in per),
        )
    )
    rows.append(("load average (1 min)", *(" / ".join(f"{r.load:.1f}" for r in rs) for rs in per)))
    width = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(f"1. {args.rounds} round(s) per column, {args.single} requests per URL alone, then {args.clients} "
          f"clients x {args.requests} requests each per URL; an extraction running throughout:")  # fmt: skip
    finished = [name for name in names if any(r.still != "running" for r in results[name])]
    if finished:
        print(f"   (the extraction ended before the load did in a round of: {', '.join(finished)})")
    for row in rows:
        print("   " + "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                                enumerate(zip(row, width, strict=True))))  # fmt: skip


def big_pages(client: httpx.Client, big: int, n: int) -> None:
    print(f"2. a task of {n} samples:")
    for url in (f"/api/v1/tasks/{big}/samples?limit=50",
                f"/api/v1/tasks/{big}/samples?limit=50&after={n - 60}",
                f"/api/v1/tasks/{big}/samples?limit=50&type=yesno&after={n - 5000}",
                f"/tasks/{big}/samples"):  # fmt: skip
        best = min(timed(client, url) for _ in range(3))
        print(f"   {url}: {best * 1000:.1f} ms")


def vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def big_upload(client: httpx.Client, pid: int, folder: Path) -> None:
    before = vm_hwm(pid)
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
          f"{before} MB before, {vm_hwm(pid)} MB after")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--single", type=int, default=50, help="requests per URL from one client alone")
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--compare", metavar="REV", help="also measure kgsynth/service as of this commit")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per variant (alternating)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        with server(folder, ROOT) as (client, _):
            setup = prepare(client, folder, args.samples)
        variants = {"this checkout": ROOT}
        if args.compare:
            variants = {f"service of {args.compare}": before_code(args.compare, folder), **variants}
        results: dict[str, list[Round]] = {name: [] for name in variants}
        for i in range(args.rounds):  # alternate the order, so neither always runs first
            for name in list(variants)[:: 1 if i % 2 == 0 else -1]:
                results[name].append(measure(setup, variants[name], args))
        report(results, args)
        with server(folder, ROOT) as (client, pid):
            big_pages(client, setup.big, args.samples)
            big_upload(client, pid, folder)
    except BaseException:
        log = (folder / "server.log").read_text(encoding="utf-8", errors="replace").splitlines()
        print("\n".join(["server.log ends with:", *log[-40:]]), file=sys.stderr)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
