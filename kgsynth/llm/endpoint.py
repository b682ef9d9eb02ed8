"""``Endpoint``: where a model is served and how hard kgsynth may push it.

One model holds every setting of one OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp,
Ollama, ...): address and model, the per-request timeout, the concurrency ceiling, optional
request/token-per-minute limits, retry and error-rate limits, prices, and the structured
output mode. The API key is never a field that a file can set: it is read from the
``OPENAI_API_KEY`` environment variable when the client is built, and never logged.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kgsynth.llm.base import Usage

#: How structured output is asked for; ``auto`` tries them in this order and keeps the first
#: the endpoint accepts (see ``kgsynth.llm.structured``).
StructuredMode = Literal["auto", "json_schema", "json_object_schema", "json_object", "fenced"]

API_KEY_ENV = "OPENAI_API_KEY"
#: Sent when no key is set: local servers (llama.cpp, vLLM, Ollama) ignore the key, but the
#: openai package refuses to build a client without one.
NO_KEY = "no-key"


class Endpoint(BaseModel):
    """One OpenAI-compatible endpoint serving one model.

    Example:
        >>> Endpoint(base_url="http://127.0.0.1:8080/v1", model="smollm2").max_concurrency
        4
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str
    model: str = Field(min_length=1)
    timeout: float = Field(default=60.0, gt=0, description="seconds per HTTP attempt")
    max_concurrency: int = Field(default=4, ge=1, description="ceiling of the adaptive limit")
    initial_concurrency: int = Field(default=1, ge=1, description="start of the limit (slow start)")
    latency_tolerance: float = Field(
        default=2.0, gt=1.0, description="cut concurrency when latency passes baseline x this"
    )
    rpm: int | None = Field(default=None, ge=1, description="requests per minute")
    tpm: int | None = Field(default=None, ge=1, description="tokens per minute")
    max_attempts: int = Field(default=5, ge=1, description="HTTP attempts per call, first included")
    backoff_base: float = Field(default=0.5, ge=0, description="seconds before the 2nd attempt")
    backoff_cap: float = Field(default=30.0, ge=0, description="longest wait between attempts")
    error_window: int = Field(default=20, ge=1, description="recent attempts the error rate covers")
    max_error_rate: float = Field(default=0.5, gt=0, le=1, description="stop above this share")
    price_in: float = Field(default=0.0, ge=0, description="$ per 1M prompt tokens")
    price_out: float = Field(default=0.0, ge=0, description="$ per 1M completion tokens")
    structured_mode: StructuredMode = "auto"

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f'base_url "{value}" must start with http:// or https://')
        return value.rstrip("/")

    @property
    def start_concurrency(self) -> int:
        return min(self.initial_concurrency, self.max_concurrency)

    def cost(self, usage: Usage) -> float:
        """Dollars for ``usage`` at this endpoint's prices."""
        return (usage.prompt_tokens * self.price_in + usage.completion_tokens * self.price_out) / 1e6

    def api_key(self) -> str:
        """The key from ``OPENAI_API_KEY``, or a placeholder local servers accept."""
        return os.environ.get(API_KEY_ENV) or NO_KEY
