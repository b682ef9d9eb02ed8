"""``FakeLLM``: a scripted in-process model, shipped for unit tests and ``--dry-run``.

Like httpx's ``MockTransport`` it runs the real client code (cache, structured output, the
repair turn, drops, the ledger) and replaces only the transport: each request takes the next
scripted reply. Nothing is sent anywhere.

Example:
    >>> from kgsynth.llm import FakeLLM, complete_sync
    >>> llm = FakeLLM(replies=[{"answer": "aspirin"}])
    >>> complete_sync(llm, [{"role": "user", "content": "Which drug?"}], schema={"type": "object"}).parsed
    {'answer': 'aspirin'}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

from pydantic import BaseModel

from kgsynth.errors import LLMError
from kgsynth.llm.base import RawReply, SamplingParams, Stage, Usage, estimate_tokens
from kgsynth.llm.cache import ReplyCache
from kgsynth.llm.client import ChatClient
from kgsynth.llm.cost import Budget, Ledger

FAKE_BASE_URL = "fake://llm"


@dataclass(frozen=True)
class FakeReply:
    """A scripted reply with a chosen finish reason and (optionally) reported usage."""

    text: str
    finish_reason: str = "stop"
    usage: Usage | None = None


#: What a script may hold: text, a JSON-able dict/list, a pydantic object, a ``FakeReply``, an
#: exception to raise, or a function of the messages that returns any of these.
Scripted: TypeAlias = (
    str | dict | list | BaseModel | FakeReply | Exception | Callable[[list[dict[str, str]]], Any]
)


@dataclass(frozen=True)
class FakeCall:
    """One request the fake received."""

    messages: list[dict[str, str]]
    response_format: dict[str, Any] | None
    params: SamplingParams
    stage: str


class FakeLLM(ChatClient):
    """An ``LLM`` that answers from a script, in order, and records every request."""

    def __init__(
        self,
        replies: Iterable[Scripted] = (),
        *,
        model: str = "fake",
        mode: str = "json_schema",
        cache: ReplyCache | None = None,
        budget: Budget | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        super().__init__(
            base_url=FAKE_BASE_URL, model=model, mode=mode, cache=cache, budget=budget, ledger=ledger
        )
        self.replies = list(replies)
        self.calls: list[FakeCall] = []

    async def _send(
        self,
        messages: list[dict[str, str]],
        response_format: dict[str, Any] | None,
        params: SamplingParams,
        stage: Stage,
    ) -> RawReply:
        self.calls.append(FakeCall(messages, response_format, params, stage))
        if not self.replies:
            raise LLMError(f"FakeLLM {self.model}: the script ran out after {len(self.calls) - 1} replies")
        item = self.replies.pop(0)
        if callable(item) and not isinstance(item, BaseModel | type):
            item = item(messages)
        if isinstance(item, Exception):
            raise item
        reply = _as_fake_reply(item)
        usage = reply.usage or Usage(
            prompt_tokens=sum(estimate_tokens(m.get("content", "")) for m in messages),
            completion_tokens=estimate_tokens(reply.text),
            estimated=True,
        )
        return RawReply(text=reply.text, finish_reason=reply.finish_reason, usage=usage, model=self.model)


def _as_fake_reply(item: Any) -> FakeReply:
    if isinstance(item, FakeReply):
        return item
    if isinstance(item, str):
        return FakeReply(item)
    if isinstance(item, BaseModel):
        return FakeReply(item.model_dump_json())
    if isinstance(item, dict | list):
        return FakeReply(json.dumps(item, ensure_ascii=False))
    raise TypeError(f"FakeLLM cannot reply with a {type(item).__name__}: {item!r}")
