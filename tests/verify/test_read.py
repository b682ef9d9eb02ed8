"""Input lines: each kind of record, and every kind of bad line reported with its number."""

from __future__ import annotations

import io
import json

import pytest

from kgsynth.errors import CheckError
from kgsynth.verify.read import CheckInput, SkippedLine, as_inputs, parse_line, read_lines, to_input


def read(data: bytes, **options) -> list[CheckInput | SkippedLine]:
    return list(read_lines(io.BytesIO(data), source="in.jsonl", **options))


@pytest.mark.parametrize(
    ("line", "kind", "record_id"),
    [
        (b'{"id": "t1", "text": "Aspirin treats headache."}', "text", "t1"),
        (b'{"id": 7, "question": "What does aspirin treat?", "answer": "headache"}', "qa", "7"),
        (b'{"question": "What does aspirin treat?", "answer": ["headache", "migraine"]}', "qa", None),
    ],
)
def test_read_recognises_the_record_kind_and_keeps_the_id(line, kind, record_id):
    [record] = read(line + b"\n")
    assert (record.kind, record.id, record.line) == (kind, record_id, 1)


def test_read_recognises_our_own_sample():
    line = (
        b'{"id": "s1", "type": "one_hop", "question": "q?", "answer": "a", "hops": 1, "made_by": "t",'
        b' "path": {"entities": [], "relations": [], "strategy": "khop", "seed": 1}}'
    )
    [record] = read(line)
    assert (record.kind, record.id, record.sample.made_by) == ("sample", "s1", "t")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            b"{not json",
            "in.jsonl, line 2: not valid JSON (Expecting property name enclosed in double quotes, column 2)",
        ),
        (b'["a list"]', "in.jsonl, line 2: expected a JSON object, got list"),
        (b'{"text": "   "}', 'in.jsonl, line 2: "text" is empty'),
        (b'{"text": 5}', 'in.jsonl, line 2: "text" must be a string, got int'),
        (
            b'{"question": "Why?"}',
            'in.jsonl, line 2: "answer" is missing or empty (a QA record needs "question" and "answer")',
        ),
        (
            b'{"title": "x"}',
            'in.jsonl, line 2: no "text", no "question" + "answer", and not a kgsynth sample '
            "(keys present: title)",
        ),
        (b'{"path": {}, "made_by": "t"}', "in.jsonl, line 2: not a valid kgsynth sample: id: Field required"),
        (b'{"text": "caf\xe9"}', "in.jsonl, line 2: not UTF-8 (byte 0xe9 at column 14)"),
        (b'{"text": "' + b"x" * 200 + b'"}', "in.jsonl, line 2: longer than 100 characters"),
    ],
)
def test_read_bad_line_is_skipped_with_its_number_and_the_rest_is_read(line, reason):
    data = b'{"text": "first"}\n' + line + b'\n{"text": "third"}\n'
    first, bad, third = read(data, max_chars=100)
    assert bad == SkippedLine(line=2, reason=reason, id=None)
    assert (first.text, first.line, third.text, third.line) == ("first", 1, "third", 3)


def test_read_enormous_line_is_drained_in_pieces():
    data = b'{"text": "' + b"x" * 1_000_000 + b'"}\n{"text": "next"}'
    skipped, after = read(data, max_chars=1_000)
    assert skipped.reason == "in.jsonl, line 1: longer than 1000 characters"
    assert (after.text, after.line) == ("next", 2)


def test_read_blank_lines_hold_no_record_but_count_as_lines():
    records = read(b'\n  \n{"text": "third"}\n')
    assert [(r.line, r.text) for r in records] == [(3, "third")]


def test_read_library_input_that_is_not_a_record_is_named():
    with pytest.raises(CheckError, match=r'record 2: no "text", no "question" \+ "answer"'):
        list(as_inputs(["fine", {"title": "x"}]))


def _chat(turns_key: str, user: str, assistant: str) -> dict:
    if turns_key == "conversations":
        return {"conversations": [{"from": "human", "value": user}, {"from": "gpt", "value": assistant}]}
    if turns_key == "messages":
        return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}
    return {"instruction": user, "input": "", "output": assistant}


@pytest.mark.parametrize("shape", ["conversations", "messages", "alpaca"])
def test_read_training_record_without_provenance_is_a_qa_pair(shape):
    record = to_input(_chat(shape, "What does aspirin treat?", "headache"))
    assert (record.kind, record.question, record.answer) == ("qa", "What does aspirin treat?", "headache")


def test_read_training_record_with_provenance_is_checked_through_its_checks():
    value = _chat("conversations", "What does aspirin treat?", "Reasoning: ...\nAnswer: headache")
    value["kgsynth"] = {
        "id": "sample:1",
        "answer": "headache",
        "checks": [{"subject": "Drug:aspirin", "predicate": "treats", "object": "Symptom:headache",
                    "negated": False, "expect": "holds"}],
    }
    record = to_input(value)
    assert (record.kind, record.id, record.answer) == ("provenance", "sample:1", "headache")
    assert [(c.subject, c.predicate, c.object) for c in record.checks] == [
        ("Drug:aspirin", "treats", "Symptom:headache")
    ]


def test_read_chat_record_without_assistant_turn_is_skipped_with_reason():
    line = json.dumps({"messages": [{"role": "user", "content": "What does aspirin treat?"}]})
    skipped = parse_line(line, 4, "in.jsonl")
    assert skipped.reason == "in.jsonl, line 4: a chat record needs a user turn and an assistant turn"
