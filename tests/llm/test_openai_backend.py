"""OpenAIBackend against the scripted fake server: retries, limits, errors, modes, cost and cache."""

from __future__ import annotations

import asyncio
import time
from typing import Literal

import pytest
from pydantic import BaseModel

from kgsynth.errors import (
    BudgetExceededError,
    EndpointUnreachableError,
    HighErrorRateError,
    LLMAuthError,
    LLMRequestError,
    UnknownModelError,
)
from kgsynth.llm import Budget, Endpoint, OpenAIBackend, ReplyCache, SamplingParams, complete_sync
from tests.llm.fake_server import Answer as Scripted
from tests.llm.fake_server import FakeOpenAIServer, error, fenced, json_reply, reply
from tests.ports import free_port

Q = [{"role": "user", "content": "Which drug treats headache?"}]


class Answer(BaseModel):
    answer: Literal["aspirin", "ibuprofen"]


GOOD = {"answer": "aspirin"}


@pytest.fixture
def server():
    with FakeOpenAIServer() as running:
        yield running


def backend(server: FakeOpenAIServer, **settings) -> OpenAIBackend:
    cache = settings.pop("cache", None)
    fields = {"base_url": server.base_url, "model": "fake-model", "backoff_base": 0.01, "timeout": 5.0}
    return OpenAIBackend(Endpoint(**(fields | settings)), cache=cache)


def test_valid_json_is_parsed_with_reported_usage(server):
    server.script(json_reply(GOOD))
    result = complete_sync(backend(server), Q, schema=Answer)
    assert (result.parsed, result.attempts, result.usage.estimated) == (Answer(answer="aspirin"), 1, False)
    assert result.usage.completion_tokens == len('{"answer": "aspirin"}') // 4 + 1


def test_sampling_parameters_are_sent(server):
    complete_sync(backend(server), Q, params=SamplingParams(temperature=0.3, top_p=0.9, max_tokens=7, seed=5))
    sent = server.requests[0]
    assert (sent["temperature"], sent["top_p"], sent["max_tokens"], sent["seed"]) == (0.3, 0.9, 7, 5)


def test_429_waits_at_least_retry_after_then_succeeds(server):
    server.script(error(429, retry_after=0.3), json_reply(GOOD))
    llm = backend(server)
    started = time.monotonic()
    result = complete_sync(llm, Q, schema=Answer)
    assert time.monotonic() - started >= 0.3
    assert (result.attempts, llm.retries, server.count, llm.limiter.cuts["http 429"]) == (2, 1, 2, 1)


@pytest.mark.parametrize("status", [500, 502, 503, 408, 409])
def test_retryable_status_is_retried(server, status):
    server.script(error(status), error(status), json_reply(GOOD))
    llm = backend(server)
    result = complete_sync(llm, Q, schema=Answer)
    assert (result.ok, result.attempts, llm.ledger.total().failed_attempts) == (True, 3, 2)


def test_attempts_are_capped_then_the_last_status_is_reported(server):
    server.script(*[error(500)] * 10)
    llm = backend(server, max_attempts=3)
    with pytest.raises(LLMRequestError, match=r"HTTP 500: scripted 500 on all 3 attempts"):
        complete_sync(llm, Q)
    assert server.count == 3


def test_timeouts_are_retried_then_reported_as_unreachable(server):
    server.script(*[Scripted(delay=2.0)] * 2)
    llm = backend(server, timeout=0.2, max_attempts=2)
    with pytest.raises(EndpointUnreachableError, match=r"no reply within 0.2 s on all 2 attempts"):
        complete_sync(llm, Q)
    assert (server.count, llm.limiter.cuts["timeout"]) == (2, 2)  # one cut per epoch, each attempt its own


def test_slow_reply_within_the_timeout_is_fine(server):
    server.script(json_reply(GOOD, delay=0.3))
    result = complete_sync(backend(server, timeout=2.0), Q, schema=Answer)
    assert result.ok and result.latency >= 0.3


def test_no_server_is_unreachable_with_a_hint():
    endpoint = Endpoint(
        base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", max_attempts=2, backoff_base=0
    )
    with pytest.raises(EndpointUnreachableError, match=r"cannot reach http://127.0.0.1:\d+/v1: connection"):
        complete_sync(OpenAIBackend(endpoint), Q)


def test_wrong_key_is_an_auth_error_without_retry(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "wrong")
    with FakeOpenAIServer(api_key="right") as server:
        with pytest.raises(
            LLMAuthError, match=r"refused the API key \(HTTP 401: Incorrect API key provided\)"
        ):
            complete_sync(backend(server), Q)
        assert server.count == 1


def test_right_key_from_the_environment_is_sent(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "right")
    with FakeOpenAIServer(api_key="right") as server:
        assert complete_sync(backend(server), Q).text == "ok"


def test_unknown_model_is_a_404_error_naming_it(server):
    with pytest.raises(UnknownModelError, match=r'model "nope" is not served at .* \(HTTP 404'):
        complete_sync(backend(server, model="nope"), Q)
    assert server.count == 1


def test_check_model_lists_the_served_models(server):
    llm = backend(server, model="nope")
    with pytest.raises(UnknownModelError, match="Models served: fake-model"):
        asyncio.run(llm.check_model())


@pytest.mark.parametrize("refuse_status", [400, 422, 500])  # llama-cpp-python refuses json_schema with 500
def test_mode_detection_skips_what_the_server_refuses_and_remembers(tmp_path, refuse_status):
    refusing = FakeOpenAIServer(
        refuse_formats=("json_schema",), default=json_reply(GOOD), refuse_status=refuse_status
    )
    with refusing as server:
        cache = ReplyCache(tmp_path / "c.db")
        llm = backend(server, cache=cache)
        complete_sync(llm, Q, schema=Answer)
        complete_sync(llm, [{"role": "user", "content": "again"}], schema=Answer)
        kinds = [body.get("response_format", {}).get("type") for body in server.requests]
        assert kinds == ["json_schema", "json_object", "json_object"]
        assert "schema" in server.requests[1]["response_format"] and llm.mode == "json_object_schema"
        assert cache.mode(llm.endpoint_id) == "json_object_schema" and llm.ledger.total().failed_attempts == 0


def test_mode_detection_falls_back_to_a_fenced_block():
    refused = ("json_schema", "json_object_schema", "json_object")
    with FakeOpenAIServer(refuse_formats=refused, default=fenced(GOOD)) as server:
        llm = backend(server)
        result = complete_sync(llm, Q, schema=Answer)
        assert (result.parsed, llm.mode, "response_format" in server.requests[-1]) == (
            Answer(answer="aspirin"),
            "fenced",
            False,
        )
        assert "```json code block" in server.requests[-1]["messages"][0]["content"]


def test_a_fixed_mode_that_is_refused_is_an_error_naming_the_modes():
    expected = r"refused the request in structured output mode json_schema \(HTTP 400: .*fenced"
    with (
        FakeOpenAIServer(refuse_formats=("json_schema",)) as server,
        pytest.raises(LLMRequestError, match=expected),
    ):
        complete_sync(backend(server, structured_mode="json_schema"), Q, schema=Answer)


def test_json_in_a_code_fence_is_accepted(server):
    server.script(fenced(GOOD))
    assert complete_sync(backend(server), Q, schema=Answer).parsed == Answer(answer="aspirin")


def test_prose_gets_one_repair_turn_with_the_error(server):
    server.script(reply("Aspirin, I think."), json_reply(GOOD))
    llm = backend(server)
    result = complete_sync(llm, Q, schema=Answer)
    assert (result.parsed, result.repaired, server.count) == (Answer(answer="aspirin"), True, 2)
    assert "no JSON object in the reply" in server.requests[1]["messages"][-1]["content"]


def test_truncated_json_is_a_length_failure_not_repaired(server):
    server.script(reply('{"answer": "asp', finish_reason="length"), json_reply(GOOD))
    llm = backend(server)
    result = complete_sync(llm, Q, schema=Answer)
    assert (result.failure, server.count, llm.drops.by_reason["length"]) == ("length", 1, 1)


def test_missing_usage_is_estimated_and_marked(server):
    server.script(json_reply(GOOD, usage=False))
    llm = backend(server)
    result = complete_sync(llm, Q, schema=Answer)
    assert result.usage.estimated and result.usage.prompt_tokens > 0 and llm.ledger.total().estimated


def test_cost_follows_the_endpoint_prices(server):
    server.script(json_reply(GOOD))
    llm = backend(server, price_in=1_000_000.0, price_out=2_000_000.0)
    result = complete_sync(llm, Q, schema=Answer, stage="judge")
    expected = result.usage.prompt_tokens * 1.0 + result.usage.completion_tokens * 2.0
    assert llm.ledger.total("judge").cost == pytest.approx(expected)


def test_budget_stops_new_requests_once_spent(server):
    llm = backend(server, price_in=1_000_000.0)  # $1 a prompt token
    llm.budget = Budget(max_cost=3.0)
    sent = 0
    with pytest.raises(BudgetExceededError, match="budget reached"):
        for _ in range(10):
            complete_sync(llm, Q)
            sent += 1
    assert server.count == sent and llm.budget.cost >= 3.0 and sent < 10


def test_cache_hit_makes_no_request(server, tmp_path):
    server.script(json_reply(GOOD))
    cache = ReplyCache(tmp_path / "c.db")
    first = complete_sync(backend(server, cache=cache), Q, schema=Answer)
    second = complete_sync(backend(server, cache=cache), Q, schema=Answer)
    assert (first.cached, second.cached, second.parsed, server.count) == (False, True, first.parsed, 1)
    assert (cache.hits, cache.misses) == (1, 1)


def test_high_error_rate_stops_early(server):
    server.script(*[error(500)] * 50)
    llm = backend(server, error_window=4, max_error_rate=0.75, max_attempts=10)
    with pytest.raises(HighErrorRateError, match=r"4 of the last 4 attempts failed \(last: HTTP 500"):
        complete_sync(llm, Q)
    assert server.count == 4  # not the 10 attempts the call was allowed


def test_503_burst_cuts_concurrency(server):
    server.script(*[error(503, delay=0.05)] * 8)
    llm = backend(server, max_concurrency=8, initial_concurrency=8)

    async def run():
        return await asyncio.gather(*(llm.complete([{"role": "user", "content": str(i)}]) for i in range(8)))

    results = asyncio.run(run())
    assert all(r.text == "ok" for r in results)
    assert llm.limiter.limit < 8 and llm.limiter.cuts["http 503"] >= 1


def _queue_depth(tolerance: float) -> tuple[float, int]:
    """Mean requests queued at a one-at-a-time server over 30 calls, and the latency cuts made."""
    with FakeOpenAIServer(serial=True, default=Scripted(text="ok", delay=0.05)) as server:
        llm = backend(server, max_concurrency=8, latency_tolerance=tolerance)

        async def run():
            await asyncio.gather(*(llm.complete([{"role": "user", "content": str(i)}]) for i in range(30)))

        asyncio.run(run())
        return sum(server.depths) / len(server.depths), llm.limiter.cuts["latency"]


def test_a_server_that_queues_instead_of_refusing_is_not_flooded():
    watched, cuts = _queue_depth(tolerance=2.0)
    blind, blind_cuts = _queue_depth(tolerance=1e9)  # the same limiter, deaf to latency
    assert cuts >= 1 and blind_cuts == 0
    assert watched < 0.75 * blind, (watched, blind)
