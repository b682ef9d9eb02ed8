"""An on-disk SQLite cache of accepted replies, so a re-run makes no request it made before.

The key is the sha256 of the base URL, the model, the messages as rendered (before any
structured-output instruction is added), the response schema, every sampling parameter and
``CACHE_VERSION``: editing a template changes exactly the keys of the prompts it changes.
Only usable replies are stored: errors, truncated (``finish_reason=length``) and unparseable
replies never are. The stored text is parsed again on every hit, which needs no call. The
structured-output mode detected for each endpoint is stored too, so a cached re-run does not
probe the endpoint. The database runs in WAL mode, so other processes can read it meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from kgsynth.errors import ConfigError
from kgsynth.llm.base import Message, RawReply, SamplingParams, Schema, Usage
from kgsynth.llm.structured import schema_dict

#: Bump to invalidate every cached reply (for example when the key's recipe changes).
CACHE_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY, text TEXT NOT NULL, finish_reason TEXT NOT NULL, model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, estimated INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS modes (endpoint TEXT PRIMARY KEY, mode TEXT NOT NULL);
"""


def cache_key(
    base_url: str, model: str, messages: Sequence[Message], schema: Schema, params: SamplingParams
) -> str:
    """sha256 of everything that decides a reply."""
    payload = {
        "version": CACHE_VERSION,
        "base_url": base_url.rstrip("/"),
        "model": model,
        "messages": [dict(message) for message in messages],
        "schema": schema_dict(schema),
        "params": params.model_dump(mode="json"),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class ReplyCache:
    """Accepted replies by ``cache_key``; counts its hits and misses."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL-safe; no fsync per stored reply
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise ConfigError(f"LLM cache {self.path}: cannot open it as SQLite ({exc})") from exc

    def get(self, key: str) -> RawReply | None:
        with self._lock:
            row = self._db.execute(
                "SELECT text, finish_reason, model, prompt_tokens, completion_tokens, estimated "
                "FROM replies WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        usage = Usage(prompt_tokens=row[3], completion_tokens=row[4], estimated=bool(row[5]))
        return RawReply(text=row[0], finish_reason=row[1], model=row[2], usage=usage, attempts=0)

    def put(self, key: str, reply: RawReply) -> None:
        """Store an accepted reply (the caller has checked it is usable)."""
        if reply.finish_reason == "length":
            raise ValueError("a truncated reply must never be cached")
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    reply.text,
                    reply.finish_reason,
                    reply.model,
                    reply.usage.prompt_tokens,
                    reply.usage.completion_tokens,
                    int(reply.usage.estimated),
                ),
            )

    def forget(self, key: str) -> None:
        """Drop an entry whose text no longer parses (for example after a validator changed)."""
        with self._lock:
            self._db.execute("DELETE FROM replies WHERE key = ?", (key,))

    def mode(self, endpoint: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT mode FROM modes WHERE endpoint = ?", (endpoint,)).fetchone()
        return row[0] if row else None

    def set_mode(self, endpoint: str, mode: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO modes VALUES (?, ?)", (endpoint, mode))

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM replies").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
