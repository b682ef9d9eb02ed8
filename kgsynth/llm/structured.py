"""Structured output: how JSON is asked for, how a reply is read, and how failures are counted.

Endpoints differ in what they accept, so four modes are tried in this order and the first the
endpoint does not refuse is kept (per endpoint; ``kgsynth.llm.client``):

- ``json_schema``: OpenAI's ``response_format={"type": "json_schema", "json_schema": {...}}``;
- ``json_object_schema``: llama.cpp's ``{"type": "json_object", "schema": {...}}``;
- ``json_object``: plain JSON mode, with the schema given in the system prompt;
- ``fenced``: no response_format; the prompt asks for one fenced ```json block.

A reply is read into JSON (the whole text, else a fenced block, else the outermost braces) and
validated with pydantic (a model class) or ``_jsonschema`` (a dict). A reply cut by
``finish_reason=length`` fails and is never repaired into acceptance. Every failure carries a
reason from ``FailureReason`` and is counted in ``Drops``, never dropped silently.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ValidationError

from kgsynth.errors import ConfigError
from kgsynth.llm import _jsonschema
from kgsynth.llm.base import FailureReason, Message, Schema

#: The order ``auto`` tries the modes in.
MODE_ORDER = ("json_schema", "json_object_schema", "json_object", "fenced")
#: Longest validation message fed back in a repair turn or kept as a failure detail.
MAX_DETAIL = 600

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def schema_dict(schema: Schema) -> dict[str, Any] | None:
    """The JSON schema of a pydantic model or dict (refusing keywords the dict validator skips)."""
    if schema is None:
        return None
    if isinstance(schema, dict):
        unknown = _jsonschema.unsupported_keywords(schema)
        if unknown:
            raise ConfigError(
                f"response schema uses {', '.join(sorted(unknown))}, which kgsynth cannot check; "
                f"pass a pydantic model instead, or use only: type, properties, required, "
                f"additionalProperties, enum, const, items, min/maxItems, min/maxLength, minimum, maximum"
            )
        return schema
    return _model_schema(schema)


@lru_cache(maxsize=256)
def _model_schema(model: type[BaseModel]) -> dict[str, Any]:
    # pydantic rebuilds the schema on every call; it is asked for several times per request
    return model.model_json_schema()


def _name(schema: Schema) -> str:
    if isinstance(schema, type):
        return schema.__name__
    title = schema.get("title", "reply") if isinstance(schema, dict) else "reply"
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(title))[:64] or "reply"


def response_format(mode: str, schema: Schema) -> dict[str, Any] | None:
    """The ``response_format`` to send in ``mode`` (None for ``fenced`` or when there is no schema)."""
    body = schema_dict(schema)
    if body is None or mode == "fenced":
        return None
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": _name(schema), "schema": body}}
    if mode == "json_object_schema":
        return {"type": "json_object", "schema": body}
    return {"type": "json_object"}


def instruct(messages: Sequence[Message], mode: str, schema: Schema) -> list[dict[str, str]]:
    """The messages to send in ``mode``: modes without a server-side schema get it in the prompt."""
    out = [dict(message) for message in messages]
    body = schema_dict(schema)
    if body is None or mode in ("json_schema", "json_object_schema"):
        return out
    shape = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    if mode == "json_object":
        note = f"Reply with one JSON object that follows this JSON schema: {shape}"
    else:
        note = (
            f"Reply with one JSON object that follows this JSON schema, inside a ```json code block: {shape}"
        )
    if out and out[0].get("role") == "system":
        out[0]["content"] = f"{out[0]['content']}\n\n{note}"
    else:
        out.insert(0, {"role": "system", "content": note})
    return out


@dataclass(frozen=True)
class Parsed:
    """The outcome of reading one reply: the object, or why there is none."""

    value: Any = None
    failure: FailureReason | None = None
    detail: str | None = None


def parse(text: str, finish_reason: str, schema: Schema) -> Parsed:
    """Read ``text`` as an instance of ``schema`` (without a schema any untruncated text is fine)."""
    if finish_reason == "length":
        return Parsed(failure="length", detail="the reply was cut at max_tokens (finish_reason=length)")
    if schema is None:
        return Parsed()
    if not text.strip():
        return Parsed(failure="empty", detail="the reply is empty")
    candidate = _json_text(text)
    if candidate is None:
        return Parsed(failure="no_json", detail=f"no JSON object in the reply: {_clip(text, 120)!r}")
    try:
        value = json.loads(candidate, strict=False)  # raw newlines in strings: llama.cpp grammars allow them
    except json.JSONDecodeError as exc:
        return Parsed(failure="invalid_json", detail=f"not valid JSON: {exc}")
    return _validate(value, schema)


def _json_text(text: str) -> str | None:
    stripped = text.strip()
    if stripped[:1] in "{[":
        return stripped
    fenced = _FENCE.search(text)
    if fenced:
        return fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else None


def _validate(value: Any, schema: Schema) -> Parsed:
    if isinstance(schema, dict):
        problems = _jsonschema.errors(value, schema)
        if problems:
            return Parsed(failure="schema", detail=_clip("; ".join(problems), MAX_DETAIL))
        return Parsed(value=value)
    assert schema is not None
    try:
        return Parsed(value=schema.model_validate(value))
    except ValidationError as exc:
        return Parsed(failure="schema", detail=_clip(_pydantic_errors(exc), MAX_DETAIL))


def _pydantic_errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '$'}: {error['msg']}" for error in exc.errors()
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def repair_turn(messages: Sequence[Message], reply_text: str, detail: str) -> list[dict[str, str]]:
    """The conversation plus the bad reply and one user turn naming what was wrong with it."""
    return [
        *(dict(message) for message in messages),
        {"role": "assistant", "content": reply_text},
        {
            "role": "user",
            "content": f"That reply cannot be used: {detail}. "
            "Answer again with only the corrected JSON object.",
        },
    ]


class Drops:
    """Replies that were not accepted, counted by reason (and by model), with the last detail."""

    def __init__(self) -> None:
        self.by_reason: Counter[str] = Counter()
        self.by_model: Counter[str] = Counter()
        self.last_detail: dict[str, str] = {}

    def add(self, reason: str, model: str, detail: str | None) -> None:
        self.by_reason[reason] += 1
        self.by_model[model] += 1
        self.last_detail[reason] = detail or ""

    @property
    def total(self) -> int:
        return sum(self.by_reason.values())

    def __str__(self) -> str:
        if not self.total:
            return "0 dropped"
        reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(self.by_reason.items()))
        return f"{self.total} dropped ({reasons})"
