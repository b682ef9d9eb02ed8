"""Reading replies into validated objects, and how each structured-output mode asks for JSON."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from kgsynth.errors import ConfigError
from kgsynth.llm.structured import Drops, instruct, parse, repair_turn, response_format


class Answer(BaseModel):
    answer: Literal["aspirin", "ibuprofen"]
    steps: list[str] = Field(max_length=3)


GOOD = {"answer": "aspirin", "steps": ["f1"]}
DICT_SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "enum": ["aspirin", "ibuprofen"]},
        "steps": {"type": "array", "items": {"type": "string", "enum": ["f1", "f2"]}, "maxItems": 2},
    },
    "required": ["answer", "steps"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(GOOD),
        f"  {json.dumps(GOOD)}\n",
        f"Sure!\n```json\n{json.dumps(GOOD)}\n```\nHope that helps.",
        f"```\n{json.dumps(GOOD)}\n```",
        f"The object is {json.dumps(GOOD)} as asked.",
    ],
)
def test_parse_finds_the_json_object_in(text):
    assert parse(text, "stop", Answer).value == Answer(answer="aspirin", steps=["f1"])


@pytest.mark.parametrize(
    ("text", "finish", "reason"),
    [
        (json.dumps(GOOD)[:-4], "length", "length"),
        (json.dumps(GOOD), "length", "length"),  # even a complete object, if the server says it was cut
        ("", "stop", "empty"),
        ("I cannot answer that.", "stop", "no_json"),
        ('{"answer": "aspirin", "steps": [}', "stop", "invalid_json"),
        ('{"answer": "tylenol", "steps": []}', "stop", "schema"),
        ('{"answer": "aspirin", "steps": ["a", "b", "c", "d"]}', "stop", "schema"),
    ],
)
def test_parse_names_the_failure(text, finish, reason):
    parsed = parse(text, finish, Answer)
    assert (parsed.value, parsed.failure) == (None, reason)
    assert parsed.detail


def test_parse_schema_failure_names_the_field():
    parsed = parse('{"answer": "tylenol", "steps": []}', "stop", Answer)
    assert parsed.detail is not None and parsed.detail.startswith("answer: Input should be 'aspirin'")


def test_parse_without_schema_accepts_text_but_not_a_cut_reply():
    assert (parse("free text", "stop", None).failure, parse("free te", "length", None).failure) == (
        None,
        "length",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (GOOD | {"steps": ["f1", "f2"]}, []),
        ({"answer": "aspirin"}, ["$: missing 'steps'"]),
        (GOOD | {"extra": 1}, ["$: unexpected 'extra'"]),
        (GOOD | {"steps": ["f3"]}, ["$.steps[0]: 'f3' is not one of ['f1', 'f2']"]),
        (GOOD | {"steps": ["f1", "f1", "f2"]}, ["$.steps: more items than 2"]),
        (GOOD | {"answer": 3}, ["$.answer: expected string, got int"]),
        ([GOOD], ["$: expected object, got list"]),
    ],
)
def test_parse_checks_a_dict_schema(value, expected):
    parsed = parse(json.dumps(value), "stop", DICT_SCHEMA)
    assert (parsed.detail.split("; ") if parsed.detail else []) == expected


def test_dict_schema_with_unchecked_keyword_is_refused():
    with pytest.raises(ConfigError, match=r"response schema uses pattern, which kgsynth cannot check"):
        response_format("json_schema", {"type": "string", "pattern": "^a"})


@pytest.mark.parametrize(
    ("mode", "expected_type", "has_schema"),
    [
        ("json_schema", "json_schema", False),
        ("json_object_schema", "json_object", True),
        ("json_object", "json_object", False),
    ],
)
def test_response_format_per_mode(mode, expected_type, has_schema):
    fmt = response_format(mode, Answer)
    assert fmt is not None and fmt["type"] == expected_type and ("schema" in fmt) == has_schema


def test_response_format_json_schema_carries_the_model_schema():
    fmt = response_format("json_schema", Answer)
    assert fmt is not None and fmt["json_schema"] == {"name": "Answer", "schema": Answer.model_json_schema()}


def test_response_format_fenced_sends_none():
    assert response_format("fenced", Answer) is None


@pytest.mark.parametrize(
    ("mode", "adds_schema"), [("json_schema", False), ("json_object", True), ("fenced", True)]
)
def test_instruct_puts_the_schema_in_the_prompt_only_when_the_server_does_not_get_it(mode, adds_schema):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Q"}]
    sent = instruct(messages, mode, Answer)
    assert ('"aspirin"' in sent[0]["content"]) == adds_schema
    assert sent[0]["content"].startswith("Be brief.") and sent[1] == messages[1]
    assert messages[0]["content"] == "Be brief."  # the caller's list is untouched


def test_instruct_fenced_asks_for_a_code_block_in_a_new_system_message():
    sent = instruct([{"role": "user", "content": "Q"}], "fenced", Answer)
    assert sent[0]["role"] == "system" and "```json code block" in sent[0]["content"]


def test_repair_turn_feeds_back_the_reply_and_the_error():
    turn = repair_turn([{"role": "user", "content": "Q"}], "bad", "answer: not allowed")
    assert [m["role"] for m in turn] == ["user", "assistant", "user"]
    assert turn[1]["content"] == "bad" and "answer: not allowed" in turn[2]["content"]


def test_drops_counts_by_reason_and_model():
    drops = Drops()
    drops.add("schema", "m1", "answer: x")
    drops.add("schema", "m2", "answer: y")
    drops.add("length", "m1", "cut")
    assert (str(drops), drops.by_model["m1"], drops.last_detail["schema"]) == (
        "3 dropped (1 length, 2 schema)",
        2,
        "answer: y",
    )
