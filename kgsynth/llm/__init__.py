"""Language models behind one protocol: an OpenAI-compatible backend, a scripted fake, a cache.

``LLM.complete(messages, schema=..., params=...)`` returns a ``Reply``; ``OpenAIBackend`` talks
to any OpenAI-compatible server, ``FakeLLM`` answers from a script (tests, ``--dry-run``),
``ReplyCache`` keeps accepted replies on disk, ``Budget`` and ``Ledger`` account for cost.
The openai package is imported only when ``OpenAIBackend`` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kgsynth.llm.base import LLM, Message, RawReply, Reply, SamplingParams, Usage, complete_sync
from kgsynth.llm.cache import CACHE_VERSION, ReplyCache, cache_key
from kgsynth.llm.client import ChatClient
from kgsynth.llm.cost import Budget, Ledger, StageCost
from kgsynth.llm.endpoint import Endpoint
from kgsynth.llm.fake import FakeCall, FakeLLM, FakeReply
from kgsynth.llm.structured import MODE_ORDER, Drops

if TYPE_CHECKING:  # pragma: no cover
    from kgsynth.llm.openai import OpenAIBackend

__all__ = [
    "CACHE_VERSION",
    "LLM",
    "MODE_ORDER",
    "Budget",
    "ChatClient",
    "Drops",
    "Endpoint",
    "FakeCall",
    "FakeLLM",
    "FakeReply",
    "Ledger",
    "Message",
    "OpenAIBackend",
    "RawReply",
    "Reply",
    "ReplyCache",
    "SamplingParams",
    "StageCost",
    "Usage",
    "cache_key",
    "complete_sync",
]


def __getattr__(name: str) -> Any:
    if name == "OpenAIBackend":  # the openai package is an optional extra
        try:
            from kgsynth.llm.openai import OpenAIBackend
        except ModuleNotFoundError as exc:
            from kgsynth.errors import MissingDependencyError

            raise MissingDependencyError(
                'the OpenAI-compatible backend needs the openai package: pip install "kgsynth[openai]"'
            ) from exc
        return OpenAIBackend
    raise AttributeError(f"module 'kgsynth.llm' has no attribute {name!r}")
