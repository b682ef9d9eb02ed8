"""ReplyCache: what goes into the key, what may be stored, and reading while another process writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from typing import Literal

import pytest
from pydantic import BaseModel

from kgsynth.errors import ConfigError
from kgsynth.llm import RawReply, ReplyCache, SamplingParams, Usage, cache_key

MESSAGES = [{"role": "system", "content": "You write questions."}, {"role": "user", "content": "Path: f1"}]


class Answer(BaseModel):
    answer: Literal["a", "b"]


def _key(**change):
    args = {
        "base_url": "http://127.0.0.1:8080/v1",
        "model": "m",
        "messages": MESSAGES,
        "schema": Answer,
        "params": SamplingParams(),
    } | change
    return cache_key(**args)


@pytest.mark.parametrize(
    "change",
    [
        {"base_url": "http://127.0.0.1:8081/v1"},
        {"model": "m2"},
        {"messages": [*MESSAGES[:1], {"role": "user", "content": "Path: f2"}]},
        {"schema": None},
        {"schema": {"type": "object"}},
        {"params": SamplingParams(temperature=0.7)},
        {"params": SamplingParams(top_p=0.9)},
        {"params": SamplingParams(max_tokens=100)},
        {"params": SamplingParams(seed=1)},
        {"params": SamplingParams(stop=("\n",))},
    ],
    ids=lambda change: next(iter(change)) + ":" + str(next(iter(change.values())))[:30],
)
def test_cache_key_changes_with(change):
    assert _key(**change) != _key()


def test_cache_key_ignores_a_trailing_slash_and_is_sha256():
    key = _key()
    assert key == _key(base_url="http://127.0.0.1:8080/v1/") and len(key) == 64


def test_cache_key_depends_on_the_cache_version(monkeypatch):
    before = _key()
    monkeypatch.setattr("kgsynth.llm.cache.CACHE_VERSION", 999)
    assert _key() != before


def _raw(text="ok", finish="stop"):
    return RawReply(
        text=text, finish_reason=finish, usage=Usage(prompt_tokens=3, completion_tokens=1), model="m"
    )


def test_cache_round_trip_and_counts(tmp_path):
    cache = ReplyCache(tmp_path / "c.db")
    assert cache.get("k") is None
    cache.put("k", _raw("hello"))
    got = cache.get("k")
    assert (got.text, got.usage.prompt_tokens, got.attempts, cache.hits, cache.misses) == (
        "hello",
        3,
        0,
        1,
        1,
    )


def test_cache_refuses_a_truncated_reply(tmp_path):
    with pytest.raises(ValueError, match="truncated reply must never be cached"):
        ReplyCache(tmp_path / "c.db").put("k", _raw(finish="length"))


def test_cache_remembers_the_detected_mode(tmp_path):
    ReplyCache(tmp_path / "c.db").set_mode("http://x/v1#m", "json_object_schema")
    assert ReplyCache(tmp_path / "c.db").mode("http://x/v1#m") == "json_object_schema"


def test_cache_runs_in_wal_mode(tmp_path):
    ReplyCache(tmp_path / "c.db")
    assert sqlite3.connect(tmp_path / "c.db").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_cache_is_readable_by_another_process_while_open(tmp_path):
    cache = ReplyCache(tmp_path / "c.db")
    cache.put("k", _raw("shared"))
    code = "import sys; from kgsynth.llm import ReplyCache; print(ReplyCache(sys.argv[1]).get('k').text)"
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "c.db")], capture_output=True, text=True, check=True
    )
    cache.put("k2", _raw("still writable"))
    assert (out.stdout.strip(), cache.get("k2").text) == ("shared", "still writable")


def test_cache_that_is_not_sqlite_is_a_config_error(tmp_path):
    path = tmp_path / "c.db"
    path.write_text("not a database " * 100)
    with pytest.raises(ConfigError, match=r"LLM cache .*c\.db: cannot open it as SQLite"):
        ReplyCache(path)
