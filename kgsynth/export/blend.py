"""Blend a real dataset with synthetic samples at a chosen ratio, with cross-set dedup.

``blend(real, synthetic, ratio=0.8)`` reads both sides as JSONL lines in any shape kgsynth
reads (our raw samples, Alpaca, ShareGPT, OpenAI chat, or ``question``/``answer``), removes
duplicates, then keeps as many records as the ratio allows: ``ratio`` is the share of real
records in the output. Dedup runs in this order, each drop counted by reason:

1. within the real set: exact duplicates and near duplicates (the same
   ``NearDuplicateFilter`` quality control uses during generation);
2. within the synthetic set: the same;
3. across sets: a synthetic record that is an exact or near duplicate of a real one is
   dropped (the real one is kept: it is the ground truth);
4. to reach the ratio, the larger side is sampled down (seeded, so the same inputs and seed
   give the same output).

Lines that hold no question and answer (a ``text``-only record, bad JSON) are skipped and
counted with their line number. The result carries a report from which ``blend_card`` writes
the card: requested and reached ratio, and every drop with its reason.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, cast

from pydantic import BaseModel, ValidationError

from kgsynth.errors import ConfigError, InputError
from kgsynth.export.formats import FORMATS, Format, record_lines
from kgsynth.export.qc import NearDuplicateFilter, tokens
from kgsynth.model import Sample, content_hash

Origin = Literal["real", "synthetic"]


class BlendItem(BaseModel):
    """One record of a blend: where it came from, its question and answer, and the sample if ours."""

    origin: Origin
    question: str
    answer: str
    sample: Sample | None = None


@dataclass
class BlendReport:
    """What a blend read, dropped and kept."""

    ratio_requested: float
    read: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)

    @property
    def ratio_reached(self) -> float:
        """Share of real records in the output."""
        total = sum(self.kept.values())
        return self.kept["real"] / total if total else 0.0

    def summary(self) -> str:
        """One line for a person."""
        drops = ", ".join(f"{n} {reason}" for reason, n in self.dropped.most_common()) or "none"
        return (
            f"blend: {self.kept['real']} real + {self.kept['synthetic']} synthetic = "
            f"{self.ratio_reached:.1%} real (asked {self.ratio_requested:.1%}); dropped: {drops}"
        )


@dataclass
class BlendResult:
    """The blended records (shuffled, seeded) and the report."""

    items: list[BlendItem]
    report: BlendReport


def blend(
    real: Iterable[str],
    synthetic: Iterable[str],
    ratio: float = 0.8,
    *,
    seed: int = 0,
    threshold: float = 0.9,
    names: tuple[str, str] = ("the real dataset", "the synthetic dataset"),
) -> BlendResult:
    """Blend JSONL lines of a real and a synthetic dataset so that ``ratio`` of the output is real.

    ``names`` (real, synthetic) are what error messages call the two inputs (the CLI: their paths).

    Raises:
        ConfigError: ``ratio`` outside (0, 1).
        InputError: an input has no readable record, so no blend at the ratio exists.

    Example:
        >>> result = blend(open("real.jsonl"), open("synth.jsonl"), ratio=0.8)  # doctest: +SKIP
        >>> result.report.ratio_reached                                            # doctest: +SKIP
        0.8
    """
    if not 0.0 < ratio < 1.0:
        raise ConfigError(
            f"blend ratio {ratio} must be between 0 and 1 (the share of real records, e.g. 0.8)."
        )
    report = BlendReport(ratio_requested=ratio)
    real_items = _unique(_read(real, "real", report), report, "real", NearDuplicateFilter(threshold))
    across = _Across(real_items, threshold)
    synthetic_items = [
        item
        for item in _unique(
            _read(synthetic, "synthetic", report), report, "synthetic", NearDuplicateFilter(threshold)
        )
        if across.keep(item, report)
    ]
    for name, origin, kept in ((names[0], "real", real_items), (names[1], "synthetic", synthetic_items)):
        if not kept:
            read, unreadable = report.read[origin], report.dropped[f"{origin}: unreadable line"]
            if read:
                why = f"each of its {read} records repeats one of {names[0]}"
            elif unreadable:
                why = f"all {unreadable} of its lines are unreadable"
            else:
                why = "it holds no records"
            raise InputError(f"{name}: nothing to blend: {why} (a blend needs records from both inputs).")
    rng = random.Random(seed)
    real_n, synthetic_n = _counts(len(real_items), len(synthetic_items), ratio)
    report.dropped["real: sampled down to reach the ratio"] += len(real_items) - real_n
    report.dropped["synthetic: sampled down to reach the ratio"] += len(synthetic_items) - synthetic_n
    items = _sample(real_items, real_n, rng) + _sample(synthetic_items, synthetic_n, rng)
    rng.shuffle(items)
    report.kept.update(item.origin for item in items)
    report.dropped = +report.dropped  # drop zero counts
    return BlendResult(items=items, report=report)


def _counts(real: int, synthetic: int, ratio: float) -> tuple[int, int]:
    """How many of each to keep: the largest output whose real share is ``ratio`` (rounded)."""
    total = min(real / ratio, synthetic / (1 - ratio))
    real_n = min(real, round(total * ratio))
    return real_n, min(synthetic, round(total * (1 - ratio)))


def _sample(items: list[BlendItem], n: int, rng: random.Random) -> list[BlendItem]:
    if n >= len(items):
        return list(items)
    keep = sorted(rng.sample(range(len(items)), n))
    return [items[i] for i in keep]


def _unique(
    items: Iterable[BlendItem], report: BlendReport, origin: str, near: NearDuplicateFilter
) -> list[BlendItem]:
    kept = []
    for item in items:
        before = near.dropped.copy()
        if near.accept(_as_sample(item)):
            kept.append(item)
        else:
            reason = next(iter(near.dropped - before)).replace("_", " ")
            report.dropped[f"{origin}: {reason} within the {origin} set"] += 1
    return kept


class _Across:
    """Whether a synthetic record repeats a real one (exactly, or nearly)."""

    def __init__(self, real: list[BlendItem], threshold: float) -> None:
        self.exact = {_key(item) for item in real}
        self.near = NearDuplicateFilter(threshold)
        for item in real:
            self.near.accept(_as_sample(item))

    def keep(self, item: BlendItem, report: BlendReport) -> bool:
        if _key(item) in self.exact:
            report.dropped["synthetic: exact duplicate of a real record"] += 1
            return False
        before = self.near.dropped["near_duplicate"]
        # accept() also remembers the record; a later synthetic repeat of it was already
        # dropped within the synthetic set, so this cannot misattribute a drop.
        if not self.near.accept(_as_sample(item)) and self.near.dropped["near_duplicate"] > before:
            report.dropped["synthetic: near duplicate of a real record"] += 1
            return False
        return True


def _key(item: BlendItem) -> str:
    return content_hash(" ".join(tokens(f"{item.question} \x1f {item.answer}")))


@dataclass(frozen=True)
class _Text:
    question: str
    answer: str


def _as_sample(item: BlendItem) -> Sample:
    # NearDuplicateFilter reads only .question and .answer: real records are not Samples.
    return cast(Sample, _Text(item.question, item.answer))


def _read(lines: Iterable[str], origin: Origin, report: BlendReport) -> Iterator[BlendItem]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = parse_line(line, origin)
        if isinstance(item, str):
            report.skipped.append(f"{origin} line {number}: {item}")
            report.dropped[f"{origin}: unreadable line"] += 1
            continue
        report.read[origin] += 1
        yield item


def parse_line(line: str, origin: Origin = "real") -> BlendItem | str:
    """A JSONL line as a ``BlendItem``, or the reason it cannot be one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not JSON ({exc.msg})"
    if not isinstance(record, dict):
        return "not a JSON object"
    if "path" in record and "made_by" in record:
        try:
            sample = Sample.model_validate(record)
        except ValidationError as exc:
            return f"not a valid kgsynth sample ({exc.errors()[0]['msg']})"
        return BlendItem(origin=origin, question=sample.question, answer=sample.answer, sample=sample)
    if "sample" in record and "origin" in record:  # a blend's own raw line
        try:
            return BlendItem.model_validate(record)
        except ValidationError as exc:
            return f"not a valid blend record ({exc.errors()[0]['msg']})"
    pair = _question_answer(record)
    if pair is None:
        return "no question and answer (expected question/answer, Alpaca, ShareGPT or OpenAI chat)"
    return BlendItem(origin=origin, question=pair[0], answer=pair[1])


def _question_answer(record: dict[str, object]) -> tuple[str, str] | None:
    if isinstance(record.get("question"), str) and isinstance(record.get("answer"), str):
        return str(record["question"]), str(record["answer"])
    if isinstance(record.get("instruction"), str) and isinstance(record.get("output"), str):
        extra = record.get("input")
        question = str(record["instruction"])
        if isinstance(extra, str) and extra:
            question = f"{question}\n{extra}"
        return question, str(record["output"])
    for key, role, text, user, assistant in (
        ("messages", "role", "content", "user", "assistant"),
        ("conversations", "from", "value", "human", "gpt"),
    ):
        turns = record.get(key)
        if isinstance(turns, list):
            asked = [t.get(text) for t in turns if isinstance(t, dict) and t.get(role) == user]
            said = [t.get(text) for t in turns if isinstance(t, dict) and t.get(role) == assistant]
            if asked and said and isinstance(asked[0], str) and isinstance(said[-1], str):
                return asked[0], said[-1]
    return None


def blend_lines(items: Iterable[BlendItem], format: Format | str) -> Iterator[str]:
    """The blend as JSONL lines: synthetic records by the same export code as ``kgsynth generate``.

    ``raw`` keeps each item whole (origin, question, answer, sample); the training shapes
    write a real record in the same shape as a synthetic one, without the ``kgsynth`` key.
    """
    if format not in FORMATS:
        raise ConfigError(f'export format "{format}" is not known. Formats: {", ".join(FORMATS)}.')
    for item in items:
        if format == "raw":
            yield item.model_dump_json()
        elif item.sample is not None:
            yield next(record_lines([item.sample], cast(Format, format)))
        else:
            yield json.dumps(_real_record(item, cast(Format, format)), ensure_ascii=False)


def _real_record(item: BlendItem, format: Format) -> dict[str, object]:
    """A real record in a training shape, keyed as ``to_record`` keys a synthetic one."""
    if format == "alpaca":
        return {"instruction": item.question, "input": "", "output": item.answer}
    if format == "sharegpt":
        turns = [{"from": "human", "value": item.question}, {"from": "gpt", "value": item.answer}]
        return {"conversations": turns}
    return {
        "messages": [
            {"role": "user", "content": item.question},
            {"role": "assistant", "content": item.answer},
        ]
    }


def blend_card(
    report: BlendReport,
    *,
    sources: dict[str, str] | None = None,
    format: str = "openai",
    seed: int = 0,
    threshold: float = 0.9,
) -> str:
    """Markdown card of a blend: what went in, the ratio reached, what was dropped and why."""
    lines = [
        "# kgsynth blend",
        "",
        report.summary(),
        "",
        "| | real | synthetic |",
        "|---|---:|---:|",
        f"| read | {report.read['real']} | {report.read['synthetic']} |",
        f"| kept | {report.kept['real']} | {report.kept['synthetic']} |",
        "",
        f"Ratio of real records: requested {report.ratio_requested:.3f}, reached {report.ratio_reached:.3f}.",
        "",
        "## Dropped",
        "",
    ]
    if report.dropped:
        lines += ["| reason | records |", "|---|---:|"]
        lines += [f"| {reason} | {count} |" for reason, count in sorted(report.dropped.items())]
    else:
        lines.append("Nothing was dropped.")
    lines.append("")
    if report.skipped:
        lines += ["Unreadable lines (first 20):", "", *[f"- {s}" for s in report.skipped[:20]], ""]
    settings = {
        "ratio": report.ratio_requested,
        "seed": seed,
        "near_duplicate_threshold": threshold,
        "format": format,
        **(sources or {}),
    }
    lines += [
        "## Settings",
        "",
        "```json",
        json.dumps(settings, indent=2, sort_keys=True),
        "```",
        "",
        "Dedup: exact (normalised question and answer) and near duplicates (MinHash over word",
        "3-shingles, the filter kgsynth generate uses), within each set and across them; across",
        "sets the real record is kept.",
        "",
    ]
    return "\n".join(lines)


__all__ = ["BlendItem", "BlendReport", "BlendResult", "blend", "blend_card", "blend_lines", "parse_line"]
