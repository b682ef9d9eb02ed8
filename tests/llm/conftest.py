"""Fixtures of the LLM tests: the real llama.cpp servers (see ``tests/llm_server.py``)."""

from __future__ import annotations

from tests.llm_server import gemma3_server, smollm2_server

__all__ = ["gemma3_server", "smollm2_server"]
