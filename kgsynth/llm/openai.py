"""``OpenAIBackend``: any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp, Ollama) via ``openai``.

This is the one module that calls the openai package; its errors are re-raised here in our
words. The SDK's own retries are off (``max_retries=0``): this module is the one retry layer.
Each attempt passes the requests/tokens-per-minute buckets and the adaptive concurrency limit
(``kgsynth.llm.limits``), runs under the endpoint's timeout, and is retried on 408/409/429/5xx,
timeouts and connection errors with jittered backoff that honours ``Retry-After``. 429/503 and
timeouts cut the concurrency limit; so does latency far above its baseline. When the share of
failed attempts over the last ``error_window`` reaches ``max_error_rate`` the run stops early.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from kgsynth.errors import (
    EndpointUnreachableError,
    HighErrorRateError,
    LLMAuthError,
    LLMRequestError,
    UnknownModelError,
    choices,
)
from kgsynth.llm.base import RawReply, SamplingParams, Stage, Usage, estimate_tokens
from kgsynth.llm.cache import ReplyCache
from kgsynth.llm.client import ChatClient, FormatRefused
from kgsynth.llm.cost import Budget, Ledger
from kgsynth.llm.endpoint import Endpoint
from kgsynth.llm.limits import AdaptiveLimiter, ErrorWindow, TokenBucket
from kgsynth.llm.retry import OVERLOAD_STATUSES, Backoff, is_retryable, retry_after

logger = logging.getLogger(__name__)


class _Retry(Exception):
    """An attempt failed in a way worth another attempt."""

    def __init__(self, what: str, *, wait: float | None = None, unreachable: bool = False) -> None:
        super().__init__(what)
        self.what = what
        self.wait = wait
        self.unreachable = unreachable


class OpenAIBackend(ChatClient):
    """The ``LLM`` protocol over one OpenAI-compatible endpoint.

    Example:
        >>> backend = OpenAIBackend(Endpoint(base_url="http://127.0.0.1:8080/v1", model="smollm2"))
        >>> backend.limiter.limit
        4
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        cache: ReplyCache | None = None,
        budget: Budget | None = None,
        ledger: Ledger | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(
            base_url=endpoint.base_url,
            model=endpoint.model,
            mode=endpoint.structured_mode,
            cache=cache,
            budget=budget,
            ledger=ledger,
        )
        self.endpoint = endpoint
        self.limiter = AdaptiveLimiter(
            endpoint.max_concurrency, endpoint.start_concurrency, endpoint.latency_tolerance
        )
        self.errors = ErrorWindow(endpoint.error_window, endpoint.max_error_rate)
        self.backoff = Backoff(endpoint.backoff_base, endpoint.backoff_cap, seed)
        self.attempts = 0
        self.retries = 0
        self._rpm = TokenBucket(endpoint.rpm) if endpoint.rpm else None
        self._tpm = TokenBucket(endpoint.tpm) if endpoint.tpm else None
        self._clients: dict[asyncio.AbstractEventLoop, openai.AsyncOpenAI] = {}

    def price(self, usage: Usage) -> float:
        return self.endpoint.cost(usage)

    def _client(self) -> openai.AsyncOpenAI:
        # An httpx client belongs to one event loop; complete_sync() makes a new loop per call.
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            self._clients = {loop: self._new_client()}
        return self._clients[loop]

    def _new_client(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key=self.endpoint.api_key(),
            base_url=self.endpoint.base_url,
            max_retries=0,
            timeout=self.endpoint.timeout,
        )

    async def aclose(self) -> None:
        """Close the HTTP client of the running loop."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()

    async def _send(
        self,
        messages: list[dict[str, str]],
        response_format: dict[str, Any] | None,
        params: SamplingParams,
        stage: Stage,
    ) -> RawReply:
        started = time.monotonic()
        for attempt in range(1, self.endpoint.max_attempts + 1):
            self._check_error_rate()
            try:
                raw = await self._attempt(messages, response_format, params)
            except _Retry as failure:
                self.ledger.book_failure(stage, self.model, 1)
                if attempt == self.endpoint.max_attempts:
                    raise self._exhausted(failure, attempt) from failure
                self.retries += 1
                await asyncio.sleep(self.backoff.delay(attempt, failure.wait))
                continue
            return raw.model_copy(update={"attempts": attempt, "latency": time.monotonic() - started})
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    async def _attempt(
        self, messages: list[dict[str, str]], response_format: dict[str, Any] | None, params: SamplingParams
    ) -> RawReply:
        await self._throttle(messages, params)
        epoch = await self.limiter.acquire()
        self.attempts += 1
        started = time.monotonic()
        try:
            # client.post (the SDK's documented door for raw endpoints) skips the SDK's recursive
            # transform of typed params, which cost more CPU than the rest of a call together
            completion = await self._client().post(
                "/chat/completions",
                cast_to=ChatCompletion,
                body=self._request(messages, response_format, params),
            )
            raw = _raw_reply(completion, messages, self.model)
            self.limiter.on_success(epoch, time.monotonic() - started, raw.usage.completion_tokens)
            self.errors.record(True)
            return raw
        except openai.APIStatusError as exc:
            raise self._status_error(exc, epoch, response_format) from exc
        except openai.APITimeoutError as exc:
            self.limiter.cut(epoch, "timeout")
            self.errors.record(False, f"no reply within {self.endpoint.timeout:g} s")
            raise _Retry(f"no reply within {self.endpoint.timeout:g} s", unreachable=True) from exc
        except openai.APIConnectionError as exc:
            self.errors.record(False, f"connection failed ({exc.__cause__ or exc})")
            raise _Retry(f"connection failed ({exc.__cause__ or exc})", unreachable=True) from exc
        finally:
            self.limiter.release()

    def _request(
        self, messages: list[dict[str, str]], response_format: dict[str, Any] | None, params: SamplingParams
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "max_tokens": params.max_tokens,
        }
        if params.seed is not None:
            request["seed"] = params.seed
        if params.stop:
            request["stop"] = list(params.stop)
        if response_format is not None:
            request["response_format"] = response_format
        return request

    async def _throttle(self, messages: list[dict[str, str]], params: SamplingParams) -> None:
        if self._rpm is not None:
            await self._rpm.take(1)
        if self._tpm is not None:
            prompt = sum(estimate_tokens(m.get("content", "")) for m in messages)
            await self._tpm.take(prompt + params.max_tokens)

    def _status_error(
        self, exc: openai.APIStatusError, epoch: int, response_format: dict[str, Any] | None
    ) -> Exception:
        status, detail = exc.status_code, _detail(exc)
        if status in (401, 403):
            return LLMAuthError(
                f"{self.base_url} refused the API key (HTTP {status}: {detail}); "
                "set OPENAI_API_KEY to a key this endpoint accepts"
            )
        if status == 404:
            return UnknownModelError(
                f'model "{self.model}" is not served at {self.base_url} (HTTP 404: {detail}). '
                "Check --model and --base-url"
            )
        if response_format is not None and _refuses_format(status, exc):
            return FormatRefused(status, detail)
        if status in OVERLOAD_STATUSES:
            self.limiter.cut(epoch, f"http {status}")
        if is_retryable(status):
            if status != 429:  # a 429 is the server pacing us, not failing
                self.errors.record(False, f"HTTP {status}: {detail}")
            return _Retry(f"HTTP {status}: {detail}", wait=retry_after(exc.response.headers))
        return LLMRequestError(f"{self.base_url} refused the request (HTTP {status}: {detail})")

    def _check_error_rate(self) -> None:
        if self.errors.too_high():
            raise HighErrorRateError(
                f"{self.base_url}: {self.errors.failed} of the last {self.errors.size} attempts failed "
                f"(last: {self.errors.last_error}); stopping early. Check the server, or lower "
                "max_concurrency"
            )

    def _exhausted(self, failure: _Retry, attempts: int) -> Exception:
        if failure.unreachable:
            return EndpointUnreachableError(
                f"cannot reach {self.base_url}: {failure.what} on all {attempts} attempts; "
                "is the server running, and is --base-url right?"
            )
        return LLMRequestError(f"{self.base_url}: {failure.what} on all {attempts} attempts")

    async def served_models(self) -> list[str]:
        """The model ids the endpoint lists under ``/models`` (for error messages and checks)."""
        try:
            page = await self._client().models.list()
        except openai.OpenAIError as exc:
            raise LLMRequestError(f"{self.base_url}: cannot list models ({exc})") from exc
        return [model.id for model in page.data]

    async def check_model(self) -> None:
        """Raise ``UnknownModelError`` naming the served models when ``endpoint.model`` is not one."""
        served = await self.served_models()
        if self.model not in served:
            raise UnknownModelError(
                f'model "{self.model}" is not served at {self.base_url}. Models served: {choices(served)}'
            )


def _refuses_format(status: int, exc: openai.APIStatusError) -> bool:
    """A 400/422, or a 5xx that blames ``response_format`` (llama-cpp-python answers an unknown
    ``response_format.type`` with 500 and a validation message)."""
    return status in (400, 422) or (status >= 500 and "response_format" in str(exc.body or exc.message))


def _detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)[:200]
        if "detail" in body:
            return str(body["detail"])[:200]
    return str(exc.message)[:200]


def _raw_reply(completion: Any, messages: list[dict[str, str]], model: str) -> RawReply:
    if not completion.choices:
        raise LLMRequestError(f"model {model}: the reply has no choices")
    choice = completion.choices[0]
    text = choice.message.content or ""
    usage = completion.usage
    if usage is None or usage.prompt_tokens is None:
        counted = Usage(
            prompt_tokens=sum(estimate_tokens(m.get("content", "")) for m in messages),
            completion_tokens=estimate_tokens(text) if text else 0,
            estimated=True,
        )
    else:
        counted = Usage(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens or 0)
    return RawReply(
        text=text,
        finish_reason=choice.finish_reason or "stop",
        usage=counted,
        model=completion.model or model,
    )
