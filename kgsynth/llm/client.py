"""``ChatClient``: what every backend shares on top of its transport.

A backend only implements ``_send`` (one chat completion, its own retries included). This
class turns that into the ``LLM`` protocol: cache lookup first (a hit makes no request), the
budget check before new work, structured-output mode detection (kept per endpoint, in memory
and in the cache), parsing and validation, ONE repair turn for a reply that is not the JSON
asked for (never for a truncated one), booking of usage and cost per stage, and counting of
every reply that stays unusable in ``drops``.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from kgsynth.errors import LLMRequestError
from kgsynth.llm.base import Message, RawReply, Reply, SamplingParams, Schema, Stage, Usage
from kgsynth.llm.cache import ReplyCache, cache_key
from kgsynth.llm.cost import Budget, Ledger
from kgsynth.llm.structured import (
    MODE_ORDER,
    Drops,
    Parsed,
    instruct,
    parse,
    repair_turn,
    response_format,
)

logger = logging.getLogger(__name__)

#: Failures a repair turn may fix; ``length`` is not among them (a cut reply is a failure).
REPAIRABLE = frozenset({"empty", "no_json", "invalid_json", "schema"})


class FormatRefused(Exception):
    """Raised by a transport when the endpoint refuses the ``response_format`` sent (HTTP 400/422)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class ChatClient(ABC):
    """The ``LLM`` protocol over a transport; subclasses implement ``_send``."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        mode: str = "auto",
        cache: ReplyCache | None = None,
        budget: Budget | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.fixed_mode = None if mode == "auto" else mode
        self.cache = cache
        self.budget = budget
        self.ledger = ledger or Ledger()
        self.drops = Drops()
        self.repairs = 0
        self.requests = 0
        self._mode: str | None = self.fixed_mode
        self._detect: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @abstractmethod
    async def _send(
        self,
        messages: list[dict[str, str]],
        response_format: dict[str, Any] | None,
        params: SamplingParams,
        stage: Stage,
    ) -> RawReply:
        """One chat completion (retried as the transport sees fit); raise ``FormatRefused`` or LLMError."""

    @property
    def endpoint_id(self) -> str:
        return f"{self.base_url}#{self.model}"

    @property
    def mode(self) -> str | None:
        """The structured-output mode in use (None until detected)."""
        if self._mode is None and self.cache is not None:
            self._mode = self.cache.mode(self.endpoint_id)
        return self._mode

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: Schema = None,
        params: SamplingParams | None = None,
        stage: Stage = "generate",
    ) -> Reply:
        """See ``kgsynth.llm.base.LLM.complete``."""
        params = params or SamplingParams()
        key = (
            cache_key(self.base_url, self.model, messages, schema, params) if self.cache is not None else None
        )
        cached = self._from_cache(key, schema, stage)
        if cached is not None:
            return cached
        if self.budget is not None:
            self.budget.check()
        mode, raw = await self._first_reply(messages, schema, params, stage)
        parsed, repaired = parse(raw.text, raw.finish_reason, schema), False
        usage, attempts, latency = raw.usage, raw.attempts, raw.latency
        if parsed.failure in REPAIRABLE:
            self.repairs += 1
            turn = repair_turn(instruct(messages, mode or "fenced", schema), raw.text, parsed.detail or "")
            raw = await self._call(turn, response_format(mode or "fenced", schema), params, stage)
            parsed, repaired = parse(raw.text, raw.finish_reason, schema), True
            usage, attempts, latency = usage + raw.usage, attempts + raw.attempts, latency + raw.latency
        reply = _reply(raw, parsed, usage=usage, attempts=attempts, latency=latency, repaired=repaired)
        if parsed.failure is not None:
            self.drops.add(parsed.failure, raw.model, parsed.detail)
            logger.warning("%s: reply dropped (%s): %s", self.model, parsed.failure, parsed.detail)
        elif key is not None and self.cache is not None:
            self.cache.put(key, raw.model_copy(update={"usage": usage}))
        return reply

    def _from_cache(self, key: str | None, schema: Schema, stage: Stage) -> Reply | None:
        if key is None or self.cache is None:
            return None
        raw = self.cache.get(key)
        if raw is None:
            return None
        parsed = parse(raw.text, raw.finish_reason, schema)
        if parsed.failure is not None:  # a validator changed since: ask again
            self.cache.forget(key)
            return None
        self.ledger.book(stage, raw.model, Usage(), 0.0, attempts=0, cached=True)
        return _reply(raw, parsed, usage=raw.usage, attempts=0, latency=0.0, cached=True)

    async def _call(
        self, messages: list[dict[str, str]], fmt: dict[str, Any] | None, params: SamplingParams, stage: Stage
    ) -> RawReply:
        """``_send`` plus booking of the reply's usage and cost."""
        self.requests += 1
        raw = await self._send(messages, fmt, params, stage)
        cost = self.price(raw.usage)
        self.ledger.book(stage, raw.model, raw.usage, cost, attempts=1, cached=False)
        if self.budget is not None:
            self.budget.charge(raw.usage, cost)
        return raw

    def price(self, usage: Usage) -> float:
        """Dollars for ``usage``; backends with prices override this."""
        return 0.0

    async def _first_reply(
        self, messages: Sequence[Message], schema: Schema, params: SamplingParams, stage: Stage
    ) -> tuple[str | None, RawReply]:
        if schema is None:
            return None, await self._call([dict(m) for m in messages], None, params, stage)
        if self.mode is not None:
            return self.mode, await self._in_mode(self.mode, messages, schema, params, stage)
        async with self._detect_lock():  # one request probes; the others wait for its answer
            if self.mode is not None:
                return self.mode, await self._in_mode(self.mode, messages, schema, params, stage)
            return await self._detect_mode(messages, schema, params, stage)

    async def _in_mode(
        self, mode: str, messages: Sequence[Message], schema: Schema, params: SamplingParams, stage: Stage
    ) -> RawReply:
        try:
            return await self._call(
                instruct(messages, mode, schema), response_format(mode, schema), params, stage
            )
        except FormatRefused as exc:
            raise LLMRequestError(
                f"{self.base_url} refused the request in structured output mode {mode} ({exc}); "
                "if the mode is the cause, set structured_mode to another of: " + ", ".join(MODE_ORDER)
            ) from exc

    async def _detect_mode(
        self, messages: Sequence[Message], schema: Schema, params: SamplingParams, stage: Stage
    ) -> tuple[str, RawReply]:
        refusals: list[str] = []
        for mode in MODE_ORDER:
            try:
                raw = await self._call(
                    instruct(messages, mode, schema), response_format(mode, schema), params, stage
                )
            except FormatRefused as exc:
                refusals.append(f"{mode}: {exc}")
                continue
            self._mode = mode
            if self.cache is not None:
                self.cache.set_mode(self.endpoint_id, mode)
            logger.info("%s: structured output mode %s (refused: %s)", self.endpoint_id, mode, refusals)
            return mode, raw
        raise LLMRequestError(f"{self.base_url} refused every structured-output mode: {'; '.join(refusals)}")

    def _detect_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._detect is None or self._detect[0] is not loop:
            self._detect = (loop, asyncio.Lock())
        return self._detect[1]


def _reply(raw: RawReply, parsed: Parsed, **fields: Any) -> Reply:
    return Reply(
        text=raw.text,
        parsed=parsed.value if parsed.failure is None else None,
        finish_reason=raw.finish_reason,
        model=raw.model,
        failure=parsed.failure,
        failure_detail=parsed.detail,
        **fields,
    )
