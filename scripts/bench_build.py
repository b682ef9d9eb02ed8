"""Benchmark ``kgsynth build`` against raw spaCy on the same corpus, and its memory as the corpus grows.

Prints, measured side by side in one run:
1. raw ``nlp.pipe`` words/s of the same spaCy model the pipeline loads (the chunk texts the
   build would extract from, one process);
2. full ``build`` words/s (reading, chunking, extraction, resolution, SQLite writes) with 1 and
   with 2 worker processes, and the ratios against (1) and against each other;
3. peak RSS of a build of 1x, 2x, 4x and 8x the corpus, each in its own subprocess so every peak
   is clean. Flat means streaming works.

Targets (issue 3): build >= 0.75x raw with 1 worker; 2 workers > 1.6x one worker; flat RSS.

The corpus is the BC5CDR development slice from ../shared/data when present (real PubMed
abstracts, read in place, never copied into the repo), else the bundled demo corpus; copies
for the larger sizes get a distinct first line, so each is a new document.

    .venv/bin/python scripts/bench_build.py [--docs 200] [--rss-docs 100] [--model auto]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BC5CDR = REPO / ".." / "shared" / "data" / "bc5cdr" / "CDR_DevelopmentSet.PubTator.slice200.txt"
DEMO = REPO / "examples" / "docs" / "medical"


def corpus_texts(limit: int) -> tuple[str, list[str]]:
    """(name, raw document texts): BC5CDR abstracts if the shared data is there, else the demo corpus."""
    from kgsynth.ingest import ReadDocument, read_documents

    source = BC5CDR if BC5CDR.exists() else DEMO
    texts = [i.document.text for i in read_documents([source]) if isinstance(i, ReadDocument)]
    name = "bc5cdr dev slice" if source == BC5CDR else "demo corpus (../shared/data absent)"
    return name, texts[:limit]


def write_copies(texts: list[str], copies: int, folder: Path) -> Path:
    """``copies`` copies of the corpus as .txt files, each copy's texts made distinct by a first line."""
    folder.mkdir(parents=True, exist_ok=True)
    for copy in range(copies):
        for number, text in enumerate(texts):
            path = folder / f"c{copy:02d}_{number:05d}.txt"
            path.write_text(f"Record {copy}-{number}.\n\n{text}", encoding="utf-8")
    return folder


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def cpu_seconds() -> tuple[float, float]:
    """(this process, its finished children): user + system CPU seconds so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def bench_raw(model_name: str, chunk_texts: list[str], batch_size: int) -> tuple[float, float, str]:
    """Words/s (wall clock, and per CPU second) of plain ``spacy.load(model).pipe``, one process."""
    import spacy

    nlp = spacy.load(model_name)
    for _ in nlp.pipe(chunk_texts[:20]):  # warm-up: first calls allocate
        pass
    cpu_before, started = cpu_seconds()[0], time.perf_counter()
    for _ in nlp.pipe(chunk_texts, batch_size=batch_size):
        pass
    wall, cpu = time.perf_counter() - started, cpu_seconds()[0] - cpu_before
    return words(chunk_texts) / wall, words(chunk_texts) / cpu, ",".join(nlp.pipe_names)


def bench_build(folder: Path, workers: int, model: str, batch_size: int) -> tuple[float, float, object, str]:
    """Words/s of a full build of ``folder`` into a fresh SQLite store, and where the CPU time went.

    The CPU split matters on a shared machine: wall-clock speed-up from a second worker is
    only possible if the cores are free, while ``words / max(parent, total / workers)`` CPU
    seconds is what the same run would reach on idle cores.
    """
    from kgsynth.ingest import build
    from kgsynth.nlp import build_pipeline
    from kgsynth.ontology import load_ontology
    from kgsynth.store import open_store

    schema = load_ontology("medical")
    pipeline = build_pipeline(schema, model=model)
    own_before, children_before = cpu_seconds()
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "kg.db")) as store:
        report = build([folder], store, schema, pipeline=pipeline, workers=workers, batch_size=batch_size)
    own_after, children_after = cpu_seconds()
    own, children = own_after - own_before, children_after - children_before
    idle_rate = report.words / max(own, (own + children) / workers)
    cpu = (f"cpu: parent {own:.1f}s, workers {children:.1f}s; "
           f"on {workers} idle core(s) ~{idle_rate:,.0f} words/s")
    return report.words / report.seconds, idle_rate, report, cpu


def child_peak_rss(folder: str, model: str) -> None:
    """Run in a subprocess: build ``folder`` and print this process's peak RSS (MB) as JSON."""
    _, _, report, _ = bench_build(Path(folder), 1, model, 64)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak_mb, "documents": report.documents_built, "words": report.words}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, default=200, help="documents in the throughput corpus")
    parser.add_argument("--rss-docs", type=int, default=100, help="documents of the 1x RSS corpus")
    parser.add_argument("--model", default="auto")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--copies",
        type=int,
        default=3,
        help="distinct copies of the corpus in the throughput run: worker start-up (each process "
        "loads the model and the pipeline) is a fixed cost that a 10-second run does not amortise",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_peak_rss(args.child, args.model)
        return

    from kgsynth.ingest import chunk_document
    from kgsynth.model import Document
    from kgsynth.nlp import build_pipeline
    from kgsynth.ontology import load_ontology

    name, texts = corpus_texts(args.docs)
    pipeline = build_pipeline(load_ontology("medical"), model=args.model)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_copies(texts, args.copies, Path(tmp) / "throughput")
        chunk_texts = [
            chunk.text
            for path in sorted(folder.iterdir())
            for chunk in chunk_document(Document.from_text(path.read_text(encoding="utf-8")))
        ]
        documents = len(texts) * args.copies
        print(f"corpus: {name} x{args.copies}: {documents} documents, {words(chunk_texts):,} words, "
              f"{len(chunk_texts)} chunks; model: {pipeline.model_name}")
        raw, raw_cpu, components = bench_raw(pipeline.model_name, chunk_texts, args.batch_size)
        print(f"raw nlp.pipe ({components}), 1 process: {raw:,.0f} words/s; "
              f"{raw_cpu:,.0f} words per CPU second")
        one, one_idle, report, cpu = bench_build(folder, 1, args.model, args.batch_size)
        print(f"build, 1 worker:  {one:,.0f} words/s  ({report.summary()})\n  {cpu}")
        two, two_idle, report, cpu = bench_build(folder, 2, args.model, args.batch_size)
        print(f"build, 2 workers: {two:,.0f} words/s  ({report.summary()})\n  {cpu}")
        print(f"ratio build(1 worker) / raw nlp.pipe = {one / raw:.2f} wall clock, "
              f"{one_idle / raw_cpu:.2f} per CPU second  (target >= 0.75)")
        print(f"ratio build(2 workers) / build(1 worker) = {two / one:.2f} wall clock, "
              f"{two_idle / one_idle:.2f} on idle cores from CPU time  (target > 1.6)")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              "(above the core count, wall-clock ratios understate what idle cores give)")

        rss_texts = texts[: args.rss_docs]
        print(f"peak RSS of a build (1 worker), 1x = {len(rss_texts)} documents:")
        for copies in (1, 2, 4, 8):
            copy_folder = write_copies(rss_texts, copies, Path(tmp) / f"rss{copies}")
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(copy_folder), "--model", args.model],
                capture_output=True, text=True, check=True, cwd=REPO,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(f"  {copies}x: {result['documents']:5d} documents, {result['words']:8,d} words, "
                  f"peak RSS {result['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
