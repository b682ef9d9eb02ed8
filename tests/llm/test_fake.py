"""FakeLLM: the scripted model runs the real client path (repair, drops, ledger, budget, cache)."""

from __future__ import annotations

import contextlib
from typing import Literal

import pytest
from pydantic import BaseModel

from kgsynth.errors import BudgetExceededError, LLMError, LLMRequestError, MalformedOutputError
from kgsynth.llm import (
    LLM,
    Budget,
    FakeLLM,
    FakeReply,
    ReplyCache,
    SamplingParams,
    Usage,
    complete_sync,
)

Q = [{"role": "user", "content": "Which drug treats headache?"}]


class Answer(BaseModel):
    answer: Literal["aspirin", "ibuprofen"]


def test_fake_llm_is_an_llm():
    assert isinstance(FakeLLM(), LLM)


def test_fake_llm_answers_in_script_order_and_records_calls():
    llm = FakeLLM(replies=["one", "two"])
    texts = [complete_sync(llm, Q).text, complete_sync(llm, Q, params=SamplingParams(seed=3)).text]
    assert texts == ["one", "two"]
    assert [call.params.seed for call in llm.calls] == [0, 3]


def test_fake_llm_parses_a_schema_reply():
    reply = complete_sync(FakeLLM(replies=[Answer(answer="ibuprofen")]), Q, schema=Answer)
    assert (reply.parsed, reply.ok, reply.repaired) == (Answer(answer="ibuprofen"), True, False)


def test_fake_llm_calls_a_scripted_function_with_the_messages():
    llm = FakeLLM(
        replies=[lambda messages: {"answer": "aspirin" if "headache" in messages[-1]["content"] else "x"}]
    )
    assert complete_sync(llm, Q, schema=Answer).parsed == Answer(answer="aspirin")


def test_repair_turn_fixes_an_invalid_reply_with_one_more_call():
    llm = FakeLLM(replies=[{"answer": "tylenol"}, {"answer": "aspirin"}])
    reply = complete_sync(llm, Q, schema=Answer)
    assert (reply.parsed, reply.repaired, reply.attempts, len(llm.calls)) == (
        Answer(answer="aspirin"),
        True,
        2,
        2,
    )
    assert "answer: Input should be 'aspirin' or 'ibuprofen'" in llm.calls[1].messages[-1]["content"]
    assert llm.drops.total == 0 and llm.repairs == 1


def test_repair_turn_happens_once_then_the_reply_is_dropped_with_its_reason():
    llm = FakeLLM(replies=["no idea", "still no idea", "unused"])
    reply = complete_sync(llm, Q, schema=Answer)
    assert (reply.ok, reply.failure, len(llm.calls), llm.drops.by_reason["no_json"]) == (
        False,
        "no_json",
        2,
        1,
    )


def test_truncated_reply_is_a_failure_and_never_repaired():
    llm = FakeLLM(replies=[FakeReply('{"answer": "aspi', finish_reason="length"), {"answer": "aspirin"}])
    reply = complete_sync(llm, Q, schema=Answer)
    assert (reply.failure, reply.parsed, len(llm.calls)) == ("length", None, 1)
    assert str(llm.drops) == "1 dropped (1 length)"


def test_truncated_complete_json_is_still_not_accepted():
    llm = FakeLLM(replies=[FakeReply('{"answer": "aspirin"}', finish_reason="length")])
    assert complete_sync(llm, Q, schema=Answer).failure == "length"


def test_require_raises_with_the_reason():
    reply = complete_sync(FakeLLM(replies=["prose", "prose"]), Q, schema=Answer)
    with pytest.raises(MalformedOutputError, match=r"model fake: reply not usable \(no_json\)") as caught:
        reply.require()
    assert caught.value.reason == "no_json"


def test_scripted_exception_is_raised():
    with pytest.raises(LLMRequestError, match="boom"):
        complete_sync(FakeLLM(replies=[LLMRequestError("boom")]), Q)


def test_fake_llm_that_runs_out_says_so():
    llm = FakeLLM(replies=["only"])
    complete_sync(llm, Q)
    with pytest.raises(LLMError, match="FakeLLM fake: the script ran out after 1 replies"):
        complete_sync(llm, Q)


def test_usage_is_estimated_unless_scripted():
    usage = Usage(prompt_tokens=11, completion_tokens=2)
    llm = FakeLLM(replies=["abcdefgh", FakeReply("x", usage=usage)])
    estimated, reported = complete_sync(llm, Q).usage, complete_sync(llm, Q).usage
    assert (estimated.completion_tokens, estimated.estimated, reported) == (2, True, usage)


def test_usage_counts_the_failed_reply_and_the_repair_turn():
    first = Usage(prompt_tokens=10, completion_tokens=5)
    second = Usage(prompt_tokens=20, completion_tokens=3)
    llm = FakeLLM(replies=[FakeReply("prose", usage=first), FakeReply('{"answer": "aspirin"}', usage=second)])
    reply = complete_sync(llm, Q, schema=Answer, stage="judge")
    assert reply.usage == Usage(prompt_tokens=30, completion_tokens=8)
    assert llm.ledger.total("judge").prompt_tokens == 30 and llm.ledger.total("generate").calls == 0


def test_budget_of_zero_sends_nothing():
    llm = FakeLLM(replies=["x"], budget=Budget(max_cost=0.0))
    with pytest.raises(BudgetExceededError, match=r"budget reached: \$0.0000 spent of \$0.0000"):
        complete_sync(llm, Q)
    assert llm.calls == []


def test_token_budget_stops_new_calls_once_spent():
    usage = Usage(prompt_tokens=60, completion_tokens=40)
    llm = FakeLLM(replies=[FakeReply("a", usage=usage)] * 3, budget=Budget(max_tokens=150))
    complete_sync(llm, Q)
    complete_sync(llm, Q)
    with pytest.raises(BudgetExceededError, match="token budget reached: 200 tokens used of 150"):
        complete_sync(llm, Q)
    assert len(llm.calls) == 2


def test_cached_rerun_makes_no_call(tmp_path):
    cache = ReplyCache(tmp_path / "llm.db")
    complete_sync(FakeLLM(replies=[{"answer": "aspirin"}], cache=cache), Q, schema=Answer)
    again = FakeLLM(replies=[], cache=cache)
    reply = complete_sync(again, Q, schema=Answer)
    assert (reply.parsed, reply.cached, reply.attempts, again.calls) == (
        Answer(answer="aspirin"),
        True,
        0,
        [],
    )
    assert again.ledger.total().cache_hits == 1 and again.ledger.total().prompt_tokens == 0


def test_repaired_reply_is_cached_as_its_accepted_text(tmp_path):
    cache = ReplyCache(tmp_path / "llm.db")
    complete_sync(FakeLLM(replies=["prose", {"answer": "ibuprofen"}], cache=cache), Q, schema=Answer)
    assert complete_sync(FakeLLM(cache=cache), Q, schema=Answer).parsed == Answer(answer="ibuprofen")


@pytest.mark.parametrize(
    "script",
    [
        [FakeReply('{"answer": "aspirin"}', finish_reason="length")],
        ["prose", "prose"],
        [LLMRequestError("down")],
    ],
    ids=["truncated", "unparseable", "error"],
)
def test_unusable_replies_are_never_cached(tmp_path, script):
    cache = ReplyCache(tmp_path / "llm.db")
    with contextlib.suppress(LLMRequestError):
        complete_sync(FakeLLM(replies=script, cache=cache), Q, schema=Answer)
    assert len(cache) == 0
