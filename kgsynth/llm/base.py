"""The ``LLM`` protocol and the models that cross it: messages in, a ``Reply`` out.

Every backend (the OpenAI-compatible HTTP one, ``FakeLLM``) answers
``await llm.complete(messages, schema=..., params=...)`` with a ``Reply``. A reply whose
structured output could not be read is still a ``Reply``: ``ok`` is false and ``failure``
names the reason, so a caller counts it instead of crashing or losing it
(``reply.require()`` turns it into a ``MalformedOutputError`` where that is wanted).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from kgsynth.errors import MalformedOutputError

#: One chat message: ``{"role": "system" | "user" | "assistant", "content": "..."}``.
Message = Mapping[str, str]
#: A response schema: a pydantic model (validated by pydantic) or a JSON-schema dict.
Schema = type[BaseModel] | dict[str, Any] | None
#: The pipeline stages a call is booked to in the cost ledger.
Stage = Literal["generate", "judge", "extract", "check"]
#: Why a reply's structured output was not accepted.
FailureReason = Literal["length", "no_json", "invalid_json", "schema", "empty"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SamplingParams(_Frozen):
    """Every sampling parameter sent with a request; all of them are part of the cache key."""

    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    max_tokens: int = Field(default=512, ge=1)
    seed: int | None = 0
    stop: tuple[str, ...] = ()


class Usage(_Frozen):
    """Tokens one call used; ``estimated`` when the server did not report usage (chars / 4)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            estimated=self.estimated or other.estimated,
        )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def estimate_tokens(text: str) -> int:
    """A rough token count (4 characters a token) for servers that omit usage."""
    return max(1, (len(text) + 3) // 4)


class RawReply(_Frozen):
    """One chat completion as the transport returned it, before any parsing."""

    text: str
    finish_reason: str
    usage: Usage
    model: str
    attempts: int = 1
    latency: float = 0.0


class Reply(_Frozen):
    """What ``complete`` returns: the text, the parsed object (if a schema was given) and accounting.

    ``usage`` covers every call made for this reply, failed attempts' replies and the repair
    turn included; ``attempts`` counts HTTP attempts (0 for a cache hit); ``latency`` is
    wall-clock seconds from the first attempt to the last reply.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    text: str
    parsed: Any = None
    finish_reason: str
    usage: Usage
    attempts: int
    latency: float
    model: str
    cached: bool = False
    repaired: bool = False
    failure: FailureReason | None = None
    failure_detail: str | None = None

    @property
    def ok(self) -> bool:
        """True when the reply is usable: not truncated and, with a schema, parsed and valid."""
        return self.failure is None

    def require(self) -> Reply:
        """Return the reply if it is usable, else raise ``MalformedOutputError`` with the reason."""
        if self.failure is not None:
            raise MalformedOutputError(
                f"model {self.model}: reply not usable ({self.failure}): {self.failure_detail}",
                reason=self.failure,
            )
        return self


@runtime_checkable
class LLM(Protocol):
    """A chat model behind any transport: messages + optional schema + parameters -> ``Reply``."""

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: Schema = None,
        params: SamplingParams | None = None,
        stage: Stage = "generate",
    ) -> Reply:
        """Answer the conversation; with a schema, ``Reply.parsed`` is a validated object.

        Raises:
            LLMError: a subclass saying why no reply could be had (unreachable, 401, 404,
                budget spent, error rate too high). Malformed output is not raised: it comes
                back as a ``Reply`` with ``failure`` set, and is counted in the client's drops.
        """
        ...


def complete_sync(
    llm: LLM,
    messages: Sequence[Message],
    *,
    schema: Schema = None,
    params: SamplingParams | None = None,
    stage: Stage = "generate",
) -> Reply:
    """Call ``llm.complete`` from synchronous code (a notebook, a script) on a fresh event loop.

    Example:
        >>> from kgsynth.llm import FakeLLM, complete_sync
        >>> complete_sync(FakeLLM(replies=["hi"]), [{"role": "user", "content": "hello"}]).text
        'hi'
    """
    return asyncio.run(llm.complete(messages, schema=schema, params=params, stage=stage))
