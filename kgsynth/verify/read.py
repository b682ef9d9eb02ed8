"""Input records for ``check``: JSONL lines holding text, a QA pair, or one of our own samples.

A line is one JSON object with ``text``; or ``question`` and ``answer``; or a whole
``model.Sample`` (recognised by its ``path`` and ``made_by`` keys), checked through its
provenance; or a training record in the ShareGPT (``conversations``), OpenAI chat
(``messages``) or Alpaca (``instruction``/``output``) shape. A training record that carries
kgsynth's ``kgsynth`` provenance block is re-checked exactly through its checks; any other is
checked as the QA pair of its first user turn and last assistant turn.
An ``id`` is kept when present. Every line that cannot be checked becomes a
``SkippedLine`` naming its line number and why (bad JSON, missing fields, empty text, a
line over ``max_chars``, bytes that are not UTF-8), and reading goes on with the next
line: one bad line never stops a batch. Lines are read in bounded pieces, so an enormous
line is skipped without ever being held in memory whole. Blank lines hold no record and
are passed over.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from kgsynth.errors import CheckError
from kgsynth.model import Sample, TripleCheck

logger = logging.getLogger(__name__)

#: Lines longer than this many characters are skipped: no claim sentence needs more.
DEFAULT_MAX_CHARS = 100_000

_READ_PIECE = 1 << 16
_SAMPLE_KEYS = frozenset({"path", "made_by"})


class CheckInput(BaseModel):
    """One record to check: free text, a question with its answer, or one of our own samples."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int | None = None
    id: str | None = None
    kind: Literal["text", "qa", "sample", "provenance"]
    text: str = ""
    question: str = ""
    answer: str = ""
    sample: Sample | None = None
    checks: tuple[TripleCheck, ...] = ()


class SkippedLine(BaseModel):
    """A line that could not be checked, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    id: str | None = None
    reason: str


def read_lines(
    stream: BinaryIO, *, source: str = "input", max_chars: int = DEFAULT_MAX_CHARS
) -> Iterator[CheckInput | SkippedLine]:
    """Parse a JSONL byte stream into records to check and lines skipped, in line order.

    Example:
        >>> import io
        >>> [r.kind for r in read_lines(io.BytesIO(b'{"text": "Aspirin treats headache."}\\n'))]
        ['text']
    """
    for number, raw, too_long in _raw_lines(stream, max_bytes=max_chars * 4):
        if too_long:
            yield SkippedLine(
                line=number, reason=f"{source}, line {number}: longer than {max_chars} characters"
            )
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield SkippedLine(
                line=number,
                reason=f"{source}, line {number}: not UTF-8 "
                f"(byte 0x{raw[exc.start]:02x} at column {exc.start + 1})",
            )
            continue
        if not text.strip():
            continue
        if len(text) > max_chars:
            yield SkippedLine(
                line=number, reason=f"{source}, line {number}: longer than {max_chars} characters"
            )
            continue
        yield parse_line(text, number, source)


def parse_line(text: str, number: int, source: str = "input") -> CheckInput | SkippedLine:
    """One decoded JSONL line as a record, or the reason it cannot be one."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return SkippedLine(
            line=number, reason=f"{source}, line {number}: not valid JSON ({exc.msg}, column {exc.colno})"
        )
    if not isinstance(value, dict):
        return SkippedLine(
            line=number, reason=f"{source}, line {number}: expected a JSON object, got {type(value).__name__}"
        )
    try:
        return to_input(value, line=number)
    except CheckError as exc:
        return SkippedLine(line=number, id=_id_of(value), reason=f"{source}, line {number}: {exc}")


def to_input(value: dict, *, line: int | None = None) -> CheckInput:
    """A record (already parsed JSON) as a ``CheckInput``.

    Raises:
        CheckError: naming what is missing or malformed.
    """
    record_id = _id_of(value)
    if value.keys() >= _SAMPLE_KEYS:
        try:
            sample = Sample.model_validate(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise CheckError(f"not a valid kgsynth sample: {where}: {first['msg']}") from None
        return CheckInput(line=line, id=record_id or sample.id, kind="sample", sample=sample)
    training = _training_turns(value)
    if training is not None:
        return _training_input(value, training, record_id, line)
    if "question" in value or "answer" in value:
        question, answer = value.get("question"), answer_text(value.get("answer"))
        if not isinstance(question, str) or not question.strip():
            raise CheckError('"question" is missing or empty (a QA record needs "question" and "answer")')
        if answer is None or not answer.strip():
            raise CheckError('"answer" is missing or empty (a QA record needs "question" and "answer")')
        return CheckInput(line=line, id=record_id, kind="qa", question=question, answer=answer)
    if "text" in value:
        text = value["text"]
        if not isinstance(text, str):
            raise CheckError(f'"text" must be a string, got {type(text).__name__}')
        if not text.strip():
            raise CheckError('"text" is empty')
        return CheckInput(line=line, id=record_id, kind="text", text=text)
    keys = ", ".join(sorted(value)) or "none"
    raise CheckError(f'no "text", no "question" + "answer", and not a kgsynth sample (keys present: {keys})')


_USER_ROLES = frozenset({"human", "user"})
_ASSISTANT_ROLES = frozenset({"gpt", "assistant", "model"})


def _training_turns(value: dict) -> tuple[str, str] | None:
    """(first user turn, last assistant turn) of a ShareGPT / OpenAI / Alpaca record, else None."""
    if isinstance(value.get("conversations"), list):
        turns = [(t.get("from"), t.get("value")) for t in value["conversations"] if isinstance(t, dict)]
    elif isinstance(value.get("messages"), list):
        turns = [(t.get("role"), t.get("content")) for t in value["messages"] if isinstance(t, dict)]
    elif "instruction" in value and "output" in value:
        extra = value.get("input")
        question = value["instruction"] if not extra else f"{value['instruction']}\n{extra}"
        turns = [("user", question), ("assistant", value["output"])]
    else:
        return None
    questions = [text for role, text in turns if role in _USER_ROLES and isinstance(text, str)]
    answers = [text for role, text in turns if role in _ASSISTANT_ROLES and isinstance(text, str)]
    if not questions or not answers:
        raise CheckError("a chat record needs a user turn and an assistant turn")
    return questions[0], answers[-1]


def _training_input(
    value: dict, turns: tuple[str, str], record_id: str | None, line: int | None
) -> CheckInput:
    """A training record as input: exact re-check through kgsynth provenance when present."""
    question, answer = turns
    provenance = value.get("kgsynth")
    if isinstance(provenance, dict) and provenance.get("checks"):
        try:
            checks = tuple(TripleCheck.model_validate(c) for c in provenance["checks"])
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise CheckError(f'"kgsynth.checks" is malformed: {where}: {first["msg"]}') from None
        short_answer = provenance.get("answer") if isinstance(provenance.get("answer"), str) else answer
        return CheckInput(
            line=line,
            id=record_id or _id_of(provenance),
            kind="provenance",
            question=question,
            answer=short_answer,
            checks=checks,
        )
    if not question.strip() or not answer.strip():
        raise CheckError("the user or assistant turn is empty")
    return CheckInput(line=line, id=record_id, kind="qa", question=question, answer=answer)


def as_inputs(records: Iterable[CheckInput | Sample | str | dict]) -> Iterator[CheckInput]:
    """Whatever a caller of ``check`` passes, as ``CheckInput``\\ s (strings are texts).

    Raises:
        CheckError: for a dict that is not a checkable record, naming its position.
    """
    for position, record in enumerate(records, 1):
        if isinstance(record, CheckInput):
            yield record
        elif isinstance(record, Sample):
            yield CheckInput(id=record.id, kind="sample", sample=record)
        elif isinstance(record, str):
            yield CheckInput(kind="text", text=record)
        elif isinstance(record, dict):
            try:
                yield to_input(record)
            except CheckError as exc:
                raise CheckError(f"record {position}: {exc}") from None
        else:
            raise CheckError(
                f"record {position}: cannot check a {type(record).__name__}; "
                "pass a string, a dict with text or question+answer, or a Sample"
            )


def _raw_lines(stream: BinaryIO, *, max_bytes: int) -> Iterator[tuple[int, bytes, bool]]:
    """``(line number, bytes without the newline, too long)``; a too-long line is drained, not kept."""
    number = 0
    while True:
        piece = stream.readline(max_bytes + 1)
        if not piece:
            return
        number += 1
        if len(piece) <= max_bytes or (piece.endswith(b"\n") and len(piece) == max_bytes + 1):
            yield number, piece.rstrip(b"\r\n"), False
            continue
        while not piece.endswith(b"\n"):  # drain the rest of the enormous line, a piece at a time
            piece = stream.readline(_READ_PIECE)
            if not piece:
                break
        yield number, b"", True


def _id_of(value: dict) -> str | None:
    record_id = value.get("id")
    if record_id is None or isinstance(record_id, (dict, list)):
        return None
    return str(record_id)


def answer_text(answer: object) -> str | None:
    """An answer as text: lists ("headache", "fever") become "headache and fever"."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, bool):
        return "Yes" if answer else "No"
    if isinstance(answer, (int, float)):
        return str(answer)
    if isinstance(answer, list) and answer and all(isinstance(a, (str, int, float)) for a in answer):
        items = [str(a) for a in answer]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return None
