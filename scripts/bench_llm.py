"""Benchmark the LLM client layer against the scripted fake OpenAI server (part 1: no real model).

The fake server (``tests/llm/fake_server.py`` on 127.0.0.1, in its own process so it does not
share our GIL) answers every request after a fixed latency with a schema-valid JSON object, and
reports the seconds it spent answering, so the server's share of the time is known.
For concurrency 1, 4 and 16 (the limit starts at and stays under that ceiling), the same
structured calls (pydantic schema, full client path: cache key, limiter, retry layer,
parsing, validation, ledger) are made and timed:

- requests/s, next to the ideal ``concurrency / latency``;
- the share of wall time spent outside the server: ``1 - (server busy seconds / c) / wall``,
  i.e. our overhead (target <= 5%);
- client CPU milliseconds per request (this process only).

Then the largest run is repeated on a filled reply cache: seconds, and requests the server saw
(target: zero). Usage:

    .venv/bin/python scripts/bench_llm.py --latency 0.05 --seconds 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.llm.fake_server

from kgsynth.llm import Endpoint, OpenAIBackend, ReplyCache


class Verdict(BaseModel):
    fact: Literal["f1", "f2", "f3"]
    answer: Literal["aspirin", "ibuprofen"]
    reason: str


REPLY = {"fact": "f2", "answer": "aspirin", "reason": "f2 says aspirin treats headache."}


@dataclass
class Run:
    concurrency: int
    requests: int
    wall: float
    cpu: float
    server_busy: float
    server_requests: int
    final_limit: int

    @property
    def per_second(self) -> float:
        return self.requests / self.wall

    @property
    def overhead(self) -> float:
        return 1 - (self.server_busy / self.concurrency) / self.wall


def _messages(index: int) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You write one grounded question per fact path."},
        {"role": "user", "content": f"Path {index}: f1 aspirin treats headache; f2 ...; write the question."},
    ]


async def _drive(llm: OpenAIBackend, requests: int) -> None:
    async def one(index: int) -> None:
        reply = await llm.complete(_messages(index), schema=Verdict)
        if not reply.ok:
            raise SystemExit(f"bench: reply {index} not accepted: {reply.failure_detail}")

    await asyncio.gather(*(one(index) for index in range(requests)))
    await llm.aclose()


class ServerProcess:
    """The fake server in a child process; ``stats()`` reads its counters over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def _get(self, path: str) -> dict:
        root = self.base_url.removesuffix("/v1")
        with urllib.request.urlopen(root + path, timeout=10) as response:
            return json.load(response)

    def reset(self) -> None:
        self._get("/_reset")

    def stats(self) -> tuple[int, float]:
        got = self._get("/_stats")
        return got["count"], got["busy_seconds"]


@contextmanager
def fake_server(latency: float) -> Iterator[ServerProcess]:
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "tests.llm.fake_server", str(latency), json.dumps(REPLY)]
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield ServerProcess(process.stdout.readline().strip())
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure(server: ServerProcess, concurrency: int, requests: int, cache: ReplyCache | None) -> Run:
    endpoint = Endpoint(
        base_url=server.base_url,
        model="fake-model",
        max_concurrency=concurrency,
        initial_concurrency=concurrency,
        structured_mode="json_schema",
    )
    llm = OpenAIBackend(endpoint, cache=cache)
    server.reset()
    started, cpu = time.perf_counter(), time.process_time()
    asyncio.run(_drive(llm, requests))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    count, busy = server.stats()
    return Run(concurrency, requests, wall, cpu, busy, count, llm.limiter.limit)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--latency", type=float, default=0.05, help="seconds the fake server takes per request"
    )
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="ideal seconds per run (sets the request count)"
    )
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()
    with fake_server(args.latency) as server:
        measure(server, 1, 5, None)  # warm-up: imports, first connection
        runs = []
        for concurrency in args.concurrency:
            requests = max(10, round(args.seconds * concurrency / args.latency))
            runs.append(measure(server, concurrency, requests, None))
        with tempfile.TemporaryDirectory() as folder:
            cache = ReplyCache(Path(folder) / "cache.db")
            top = max(args.concurrency)
            filled = measure(server, top, runs[-1].requests, cache)
            cached = measure(server, top, runs[-1].requests, cache)
    _report(args.latency, runs, filled, cached)
    return 0


def _report(latency: float, runs: list[Run], filled: Run, cached: Run) -> None:
    print(f"fake OpenAI server, {latency * 1000:.0f} ms a request; structured calls (pydantic schema)")
    print(f"{'concurrency':>11} {'requests':>8} {'wall s':>7} {'req/s':>7} {'ideal':>7} {'ratio':>6} "
          f"{'overhead':>8} {'cpu ms/req':>10} {'limit':>5}")  # fmt: skip
    for run in runs:
        ideal = run.concurrency / latency
        print(
            f"{run.concurrency:>11} {run.requests:>8} {run.wall:>7.2f} {run.per_second:>7.1f} {ideal:>7.1f} "
            f"{run.per_second / ideal:>6.2f} {run.overhead:>8.1%} {run.cpu / run.requests * 1000:>10.2f} "
            f"{run.final_limit:>5}"
        )
    print(
        f"cache: filling run {filled.wall:.2f} s ({filled.server_requests} requests); "
        f"fully cached re-run of the same {cached.requests} calls {cached.wall:.2f} s, "
        f"{cached.server_requests} requests to the server ({filled.wall / cached.wall:.0f}x faster)"
    )


if __name__ == "__main__":
    sys.exit(main())
