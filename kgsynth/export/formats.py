"""Write samples as JSONL in the shapes fine-tuning tools read: raw, alpaca, sharegpt, openai.

``raw`` is ``Sample.model_dump_json()`` per line: lossless, what ``kgsynth check`` reads back.
The other three are training shapes. Their answer (``output`` / the assistant turn) includes
the numbered reasoning chain and then the answer, and every record keeps its provenance under
a ``kgsynth`` key: sample id, type, hops, template, the path as triples with entity names and
evidence, and the checks that re-verify it.

Those records are built to load with Hugging Face ``datasets.load_dataset("json", ...)`` at any
size. ``datasets`` reads a file in chunks and casts every chunk to the first chunk's inferred
types, so a field that is ``null`` or an empty list in the whole first chunk breaks a large
file. Provenance therefore never holds a null or a possibly-empty list: a missing character
offset is ``-1``, a missing chunk id is ``""``, a relation asserted without evidence (an RDF
import) carries one evidence entry with ``document_id == ""``, choices are one string, and
``meta`` is a list of key/value pairs that always includes the seed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Literal, TextIO

from kgsynth.errors import ConfigError
from kgsynth.model import Evidence, Relation, Sample

logger = logging.getLogger(__name__)

Format = Literal["raw", "alpaca", "sharegpt", "openai"]
FORMATS: tuple[str, ...] = ("raw", "alpaca", "sharegpt", "openai")

#: Words around the reasoning chain in a chat answer, per language (English for any other).
_HEADINGS = {"en": ("Reasoning:", "Answer:"), "zh": ("推理：", "答案：")}


def write_samples(
    samples: Iterable[Sample], out: TextIO, format: Format = "raw", *, provenance: bool = True
) -> int:
    """Write one JSON record per sample to ``out``; returns how many were written.

    Args:
        samples: any iterable; consumed once, streamed.
        out: a text stream opened for writing.
        format: ``raw``, ``alpaca``, ``sharegpt`` or ``openai``.
        provenance: keep the ``kgsynth`` provenance key in the training shapes (some upload
            checkers reject extra keys; raw always keeps everything).

    Raises:
        ConfigError: if ``format`` is not one of ``FORMATS``.
    """
    lines = record_lines(samples, format, provenance=provenance)
    count = 0
    for line in lines:
        out.write(line)
        out.write("\n")
        count += 1
    logger.info("export: %d samples written as %s", count, format)
    return count


def record_lines(samples: Iterable[Sample], format: Format, *, provenance: bool = True) -> Iterator[str]:
    """The JSONL lines ``write_samples`` writes, without writing them."""
    if format not in FORMATS:
        raise ConfigError(f'export format "{format}" is not known. Formats: {", ".join(FORMATS)}.')
    for sample in samples:
        if format == "raw":
            yield sample.model_dump_json()
        else:
            yield json.dumps(to_record(sample, format, provenance=provenance), ensure_ascii=False)


def to_record(sample: Sample, format: Format, *, provenance: bool = True) -> dict[str, object]:
    """One sample as a dict in a training shape (``alpaca``, ``sharegpt`` or ``openai``)."""
    answer = response_text(sample)
    record: dict[str, object]
    if format == "alpaca":
        record = {"instruction": sample.question, "input": "", "output": answer}
    elif format == "sharegpt":
        record = {
            "conversations": [{"from": "human", "value": sample.question}, {"from": "gpt", "value": answer}]
        }
    elif format == "openai":
        record = {
            "messages": [
                {"role": "user", "content": sample.question},
                {"role": "assistant", "content": answer},
            ]
        }
    else:
        raise ConfigError(f'to_record makes training shapes only ({", ".join(FORMATS[1:])}), not "{format}".')
    if provenance:
        record["kgsynth"] = provenance_of(sample)
    return record


def response_text(sample: Sample) -> str:
    """The assistant's answer: the numbered reasoning steps, then the answer line."""
    reasoning, answer = _HEADINGS.get(sample.language.split("-")[0], _HEADINGS["en"])
    final = sample.answer
    choice = sample.meta.get("answer_choice")
    if choice:
        final = f"{choice}. {sample.answer}"
    steps = [f"{i}. {step.text}" for i, step in enumerate(sample.reasoning, start=1)]
    separator = "" if sample.language.startswith("zh") else " "
    answer_line = f"{answer}{separator}{final}"
    return "\n".join([reasoning, *steps, answer_line]) if steps else answer_line


def provenance_of(sample: Sample) -> dict[str, object]:
    """The ``kgsynth`` key of a training record: how to re-check the sample, with stable JSON types."""
    names = {e.id: e.name for e in sample.path.entities}
    return {
        "id": sample.id,
        "type": sample.type,
        "label": sample.label,
        "hops": sample.hops,
        "language": sample.language,
        "made_by": sample.made_by,
        "answer": sample.answer,
        "choices": "\n".join(sample.choices),
        "shape": sample.path.shape,
        "strategy": sample.path.strategy,
        "walk_seed": sample.path.seed,
        "reasoning": [{"text": s.text, "relation_id": s.relation_id} for s in sample.reasoning],
        "triples": [_triple(r, names) for r in sample.path.relations],
        "checks": [
            {
                "subject": c.subject,
                "predicate": c.predicate,
                "object": c.object,
                "negated": c.negated,
                "expect": c.expect,
            }
            for c in sample.checks
        ],
        "meta": [{"key": k, "value": v} for k, v in sorted({"seed": "", **sample.meta}.items())],
    }


def _triple(relation: Relation, names: dict[str, str]) -> dict[str, object]:
    evidence = relation.evidence or (Evidence(document_id="", extractor="asserted"),)
    return {
        "relation_id": relation.id,
        "subject": relation.subject,
        "subject_name": names.get(relation.subject, ""),
        "predicate": relation.predicate,
        "object": relation.object,
        "object_name": names.get(relation.object, ""),
        "negated": relation.negated,
        "confidence": float(relation.confidence),
        "evidence": [
            {
                "document_id": e.document_id,
                "chunk_id": e.chunk_id or "",
                "start": -1 if e.start is None else e.start,
                "end": -1 if e.end is None else e.end,
                "sentence": e.sentence,
                "extractor": e.extractor,
            }
            for e in evidence
        ],
    }


__all__ = [
    "FORMATS",
    "Format",
    "provenance_of",
    "record_lines",
    "response_text",
    "to_record",
    "write_samples",
]
