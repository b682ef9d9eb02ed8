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
(target: zero).

Part 2 (``--demo``), on the medical demo graph built into a temporary store: the grounding
gate's cost per sample (``kgsynth generate --llm`` items answered by a scripted perfect model,
so every sample runs every test, the claim check included); and with ``--real-url`` /
``--real-model`` (a llama.cpp server, e.g. ``python -m tests.llm_server smollm2``) a real run:
samples/s, acceptance rate by reason, seconds per generation call next to the gate's, then the
same run again on its filled cache (seconds, requests: target zero). Usage:

    .venv/bin/python scripts/bench_llm.py --latency 0.05 --seconds 2
    .venv/bin/python scripts/bench_llm.py --demo --real-url http://127.0.0.1:8080/v1
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
    parser.add_argument("--demo", action="store_true", help="part 2: the gate and generate --llm on the demo")
    parser.add_argument("--real-url", help="part 2: base URL of a real OpenAI-compatible server")
    parser.add_argument("--real-model", default="smollm2-135m-instruct")
    parser.add_argument("--real-n", type=int, default=3, help="part 2: samples wanted from the real server")
    args = parser.parse_args()
    if args.demo:
        bench_demo(args.real_url, args.real_model, args.real_n)
        return 0
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


# ---------------------------------------------------------------- part 2: the demo graph


def bench_demo(real_url: str | None, real_model: str, real_n: int) -> None:
    from kgsynth.llm import FakeLLM
    from kgsynth.pipeline.gate import Gate
    from kgsynth.pipeline.llm_generate import LLMSpec
    from kgsynth.pipeline.synthesize import SynthesisSpec
    from kgsynth.store import open_store
    from kgsynth.verify import Checker
    from tests.pipeline.llm_demo import Echo, build_demo

    with tempfile.TemporaryDirectory() as folder, open_store(str(build_demo(Path(folder)))) as store:
        gate = Gate(Checker(store, closed_world=True))
        synth = SynthesisSpec(n=40, hops=(1, 2), types=("factoid", "multihop", "yesno", "mcq"))
        spec = LLMSpec(concurrency=1, retries=0)
        warm = synth.model_copy(update={"n": 3})  # loads spaCy and the lexicon before timing
        _generate(store, warm, spec, FakeLLM(Echo(store, warm, spec).script()), gate, folder, "warm")
        report = _generate(
            store, synth, spec, FakeLLM(Echo(store, synth, spec).script()), gate, folder, "gate"
        )
        per_gate = report.gate_seconds / report.attempts
        print(
            f"gate: {report.attempts} grounded samples, {report.accepted} accepted, "
            f"{per_gate * 1000:.1f} ms a sample (format ... claims, the claim check included)"
        )
        if real_url:
            _bench_real(store, gate, folder, real_url, real_model, real_n, per_gate)


def _generate(store, synth, spec, llm, gate, folder: str, name: str, cache: ReplyCache | None = None):
    from kgsynth.pipeline.journal import Journal
    from kgsynth.pipeline.llm_generate import llm_generate

    journal = Journal(Path(folder) / f"{name}.journal.jsonl", name, resume=False)
    try:
        return llm_generate(store, synth, spec, llm, gate, journal).report
    finally:
        journal.close()


def _bench_real(store, gate, folder: str, url: str, model: str, n: int, per_gate: float) -> None:
    from kgsynth.pipeline.llm_generate import LLMSpec
    from kgsynth.pipeline.synthesize import SynthesisSpec

    synth = SynthesisSpec(n=n, hops=(1, 2), types=("factoid", "multihop", "yesno", "mcq"))
    spec = LLMSpec(concurrency=1, retries=1, max_tokens=200, max_items=3 * n)
    cache = ReplyCache(Path(folder) / "real-cache.db")
    runs = []
    for name in ("real", "real-cached"):
        llm = OpenAIBackend(Endpoint(base_url=url, model=model, timeout=300), cache=cache)
        started = time.perf_counter()
        report = _generate(store, synth, spec, llm, gate, folder, name)
        runs.append((time.perf_counter() - started, report, llm.requests))
    (wall, report, requests), (cached_wall, _, cached_requests) = runs
    items = report.accepted + report.rejected
    per_call = report.generate_seconds / max(1, requests)
    print(
        f"real server {model}: {items} items, {report.attempts} attempts, "
        f"{requests} requests in {wall:.1f} s; "
        f"accepted {report.accepted} ({report.accepted / max(1, items):.0%} of items, "
        f"{report.accepted / wall:.3f} samples/s); rejected attempts by reason: "
        + ", ".join(f"{bucket} {count}" for bucket, count in report.reasons.most_common())
    )
    print(
        f"per call: generation {per_call:.2f} s, gate {per_gate * 1000:.1f} ms "
        f"({per_gate / per_call:.2%} of it)"
    )
    print(f"fully cached re-run: {cached_wall:.2f} s, {cached_requests} requests")


if __name__ == "__main__":
    sys.exit(main())
