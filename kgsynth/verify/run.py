"""``check_file``: what ``kgsynth check`` does, as one library call a script (or a test) can make.

Reads JSONL (a file, or a byte stream such as stdin), checks every line it can, writes one
output line per input line (``output.py``), optionally an HTML report, and returns the
counts from which the exit code follows. Output files are written to a temporary file
beside the target and renamed at the end, so a failed run leaves no half-written output.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from kgsynth.errors import ConfigError, InputError
from kgsynth.llm import LLM
from kgsynth.model import Schema
from kgsynth.nlp import ExtractionPipeline
from kgsynth.store.base import GraphStore
from kgsynth.verify.check import DEFAULT_BATCH_SIZE, CheckedRecord, Checker, Coverage
from kgsynth.verify.llm_claims import ClaimSource
from kgsynth.verify.output import CheckSummary, result_record, skipped_record
from kgsynth.verify.read import DEFAULT_MAX_CHARS, CheckInput, SkippedLine, read_lines
from kgsynth.verify.report_html import render_report

logger = logging.getLogger(__name__)

#: The HTML report shows at most this many records (the JSONL output has them all).
HTML_MAX_RECORDS = 5_000


def check_file(
    source: str | Path | BinaryIO,
    output: str | Path | TextIO,
    store: GraphStore,
    schema: Schema | None = None,
    pipeline: ExtractionPipeline | None = None,
    *,
    html: str | Path | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    implicit: bool = True,
    coverage: Coverage = "all",
    batch_size: int = DEFAULT_BATCH_SIZE,
    model: str = "auto",
    on_item: Callable[[CheckSummary], None] | None = None,
    closed_world: bool = False,
    claims: ClaimSource = "rules",
    llm: LLM | None = None,
) -> CheckSummary:
    """Check a JSONL file (or ``"-"``/a byte stream) against ``store``; write results to ``output``.

    Returns the counts; ``summary.exit_code(fail_on)`` is what the CLI exits with.
    ``closed_world``: a "no" to a yes/no question is supported by the fact's absence (``Checker``).
    ``claims``: who reads claims from texts, "rules", "llm" or "both" (``llm`` proposes them;
    the graph decides); the LLM's counts are ``summary.llm``.

    Raises:
        InputError: the input file cannot be opened, or has no lines.
        CheckError: the store has no schema and none was given.
    """
    checker = Checker(
        store,
        schema,
        pipeline,
        implicit=implicit,
        coverage=coverage,
        model=model,
        closed_world=closed_world,
        claims=claims,
        llm=llm,
    )
    summary = CheckSummary()
    kept: list[CheckedRecord | SkippedLine] = []
    with _open_source(source) as (stream, name), _atomic_text(output) as out:
        for item in _checked(checker, read_lines(stream, source=name, max_chars=max_chars), batch_size):
            record = skipped_record(item) if isinstance(item, SkippedLine) else result_record(item)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            summary.add(item)
            if html is not None and len(kept) < HTML_MAX_RECORDS:
                kept.append(item)
            if on_item is not None:
                on_item(summary)
        if not summary.checked and not summary.skipped:  # raised inside: no output file is left
            raise InputError(f"{name}: nothing to check: the input has no records (it is empty or blank).")
    if html is not None:
        title = f"kgsynth check: {name}" + (
            f" (first {HTML_MAX_RECORDS} records)" if len(kept) >= HTML_MAX_RECORDS else ""
        )
        with _atomic_text(html) as report:
            report.write(render_report(kept, title=title))
    if checker.llm_reader is not None:
        counts = checker.llm_reader.counts
        summary.llm = counts.summary(checker.llm_reader.model_name)
        lost = sum(counts.dropped.values()) + sum(counts.unusable.values())
        logger.log(logging.WARNING if lost else logging.INFO, "check: %s", summary.llm)
    for skipped in summary.skipped:
        logger.warning("check: skipped %s", skipped.reason)
    logger.info(
        "check: %d records checked (%s), %d lines skipped",
        summary.checked,
        ", ".join(f"{n} {s}" for s, n in sorted(summary.records.items())) or "none",
        len(summary.skipped),
    )
    return summary


def _checked(
    checker: Checker, items: Iterator[CheckInput | SkippedLine], batch_size: int
) -> Iterator[CheckedRecord | SkippedLine]:
    """Check the records among ``items`` in batches, passing skipped lines through in line order."""
    window: list[CheckInput | SkippedLine] = []
    for item in items:
        window.append(item)
        if sum(isinstance(i, CheckInput) for i in window) >= batch_size:
            yield from _flush(checker, window, batch_size)
            window = []
    yield from _flush(checker, window, batch_size)


def _flush(
    checker: Checker, window: list[CheckInput | SkippedLine], batch_size: int
) -> Iterator[CheckedRecord | SkippedLine]:
    results = iter(
        checker.check_inputs([i for i in window if isinstance(i, CheckInput)], batch_size=batch_size)
    )
    for item in window:
        yield item if isinstance(item, SkippedLine) else next(results)


@contextlib.contextmanager
def _open_source(source: str | Path | BinaryIO) -> Iterator[tuple[BinaryIO, str]]:
    if not isinstance(source, (str, Path)):
        yield (
            source,
            getattr(source, "name", "input") if isinstance(getattr(source, "name", None), str) else "input",
        )
        return
    if str(source) == "-":
        yield sys.stdin.buffer, "stdin"
        return
    path = Path(source)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the input ({exc.strerror or exc}).") from exc
    with stream:
        yield stream, str(path)


def _default_file_mode() -> int:
    """The mode ``open(path, "w")`` would give a new file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def _atomic_text(target: str | Path | TextIO) -> Iterator[TextIO]:
    """A stream for ``target``: a stream as is, stdout for ``"-"``, else a temp file renamed at the end."""
    if not isinstance(target, (str, Path)):
        yield target
        return
    if str(target) == "-":
        yield sys.stdout
        return
    path = Path(target)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the output here ({exc.strerror or exc}).") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            yield stream
        os.chmod(temp, _default_file_mode())  # mkstemp makes 0600; the output is an ordinary file
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
