"""Endpoint settings: address check, key from the environment only, prices."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kgsynth.llm import Endpoint, Usage
from kgsynth.llm.endpoint import NO_KEY


def test_endpoint_refuses_a_base_url_without_scheme():
    with pytest.raises(ValidationError, match=r'base_url "localhost:8080/v1" must start with http'):
        Endpoint(base_url="localhost:8080/v1", model="m")


def test_endpoint_refuses_an_api_key_field():
    with pytest.raises(ValidationError, match="api_key"):
        Endpoint(base_url="http://x/v1", model="m", api_key="sk-in-a-file")


def test_endpoint_key_comes_from_the_environment(monkeypatch):
    endpoint = Endpoint(base_url="http://x/v1/", model="m")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    without = endpoint.api_key()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert (without, endpoint.api_key(), endpoint.base_url) == (NO_KEY, "sk-env", "http://x/v1")


def test_endpoint_cost_is_per_million_tokens():
    endpoint = Endpoint(base_url="http://x/v1", model="m", price_in=2.5, price_out=10.0)
    assert endpoint.cost(Usage(prompt_tokens=1_000, completion_tokens=500)) == pytest.approx(0.0075)


def test_endpoint_starts_slow_but_never_above_its_ceiling():
    assert (
        Endpoint(
            base_url="http://x/v1", model="m", max_concurrency=2, initial_concurrency=8
        ).start_concurrency
        == 2
    )
