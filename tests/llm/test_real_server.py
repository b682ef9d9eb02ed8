"""OpenAIBackend against a real llama.cpp server with SmolLM2-135M (and a Gemma 3 270M smoke test).

The models are tiny: these tests assert what the client does with a real server (mode
detection, schema-constrained decoding, usage, cache), not the quality of the answers.
"""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel

from kgsynth.llm import Endpoint, OpenAIBackend, ReplyCache, SamplingParams, complete_sync
from tests.llm_server import LocalModelServer

pytestmark = pytest.mark.integration

QUESTION = [
    {"role": "system", "content": "You answer questions about drugs with one JSON object."},
    {
        "role": "user",
        "content": "Fact f1: aspirin treats headache. Which drug treats headache? Cite the fact.",
    },
]
PARAMS = SamplingParams(temperature=0.0, seed=7, max_tokens=64)


class Cited(BaseModel):
    fact: Literal["f1", "f2"]
    answer: Literal["aspirin", "ibuprofen", "paracetamol"]


def _backend(server: LocalModelServer, cache: ReplyCache | None = None) -> OpenAIBackend:
    return OpenAIBackend(Endpoint(base_url=server.base_url, model=server.model, timeout=120.0), cache=cache)


@pytest.fixture(scope="module")
def first_call(smollm2_server, tmp_path_factory):
    """One schema-constrained call through a fresh cache: (backend, reply, cache)."""
    cache = ReplyCache(tmp_path_factory.mktemp("llm") / "cache.db")
    llm = _backend(smollm2_server, cache)
    return llm, complete_sync(llm, QUESTION, schema=Cited, params=PARAMS), cache


def test_real_server_detects_json_object_with_schema(first_call):
    llm, _reply, cache = first_call
    assert llm.mode == "json_object_schema"
    assert cache.mode(llm.endpoint_id) == "json_object_schema"


def test_real_server_returns_a_schema_valid_object(first_call):
    _llm, reply, _cache = first_call
    assert reply.ok and isinstance(reply.parsed, Cited) and reply.finish_reason == "stop"


def test_real_server_reports_usage(first_call):
    llm, reply, _cache = first_call
    assert reply.usage.prompt_tokens > 20 and reply.usage.completion_tokens > 0 and not reply.usage.estimated
    assert llm.ledger.total().prompt_tokens >= reply.usage.prompt_tokens


def test_real_server_second_identical_call_is_a_cache_hit_with_no_request(first_call, smollm2_server):
    _llm, reply, cache = first_call
    again = _backend(smollm2_server, cache)
    second = complete_sync(again, QUESTION, schema=Cited, params=PARAMS)
    assert (second.cached, second.parsed, again.attempts, again.requests) == (True, reply.parsed, 0, 0)


def test_real_server_same_seed_gives_the_same_text(smollm2_server):
    llm = _backend(smollm2_server)
    question = [{"role": "user", "content": "Name one colour."}]
    params = SamplingParams(temperature=0.0, seed=3, max_tokens=12)
    first, second = (complete_sync(llm, question, params=params) for _ in range(2))
    assert first.text == second.text and first.text.strip()


def test_real_server_reply_cut_at_max_tokens_is_a_length_failure(smollm2_server):
    llm = _backend(smollm2_server)
    story = [{"role": "user", "content": "Write a long story about a dragon."}]
    reply = complete_sync(llm, story, params=SamplingParams(max_tokens=5))
    assert (reply.finish_reason, reply.failure, reply.usage.completion_tokens) == ("length", "length", 5)


def test_gemma3_server_answers_a_schema_call(gemma3_server):
    llm = _backend(gemma3_server)
    reply = complete_sync(llm, QUESTION, schema=Cited, params=PARAMS)
    assert reply.ok and isinstance(reply.parsed, Cited) and reply.model
