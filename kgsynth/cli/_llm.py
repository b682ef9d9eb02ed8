"""The LLM endpoint options ``build`` and ``check`` share, and the client they make.

``--llm-base-url`` and ``--llm-model`` (else ``KGSYNTH_LLM_BASE_URL`` and ``KGSYNTH_LLM_MODEL``)
name an OpenAI-compatible endpoint; the key comes only from ``OPENAI_API_KEY``. Before anything
is written the endpoint is asked which models it serves, so an unreachable server, a refused
key or a model it does not serve ends the command with one line and exit code 1, and no store
is created or touched.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from kgsynth.errors import ConfigError

if TYPE_CHECKING:
    from kgsynth.llm import OpenAIBackend

BASE_URL_ENV = "KGSYNTH_LLM_BASE_URL"
MODEL_ENV = "KGSYNTH_LLM_MODEL"

LLMBaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--llm-base-url",
        help="OpenAI-compatible endpoint for the LLM, e.g. http://127.0.0.1:8080/v1 "
        f"(default: ${BASE_URL_ENV}).",
    ),
]
LLMModelOption = Annotated[
    str | None, typer.Option("--llm-model", help=f"Model the endpoint serves (default: ${MODEL_ENV}).")
]


def llm_from_cli(base_url: str | None, model: str | None, *, needed_by: str) -> OpenAIBackend:
    """The client for the endpoint the options (else the environment) name, checked to answer.

    Raises:
        ConfigError: no endpoint named, or a base URL that is not http(s) (the option or the
            variable it came from is named).
        LLMError: the endpoint cannot be reached, refuses the key, or does not serve the model.
    """
    url_source = "--llm-base-url" if base_url else f"environment variable {BASE_URL_ENV}"
    base_url = base_url or os.environ.get(BASE_URL_ENV)
    model = model or os.environ.get(MODEL_ENV)
    if not base_url or not model:
        raise ConfigError(
            f"{needed_by} needs an LLM endpoint: pass --llm-base-url and --llm-model "
            f"(or set {BASE_URL_ENV} and {MODEL_ENV})."
        )
    from kgsynth.llm import Endpoint, OpenAIBackend  # OpenAIBackend: the openai extra, checked here

    try:
        endpoint = Endpoint(base_url=base_url, model=model)
    except ValidationError as exc:
        raise ConfigError(f"{url_source}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}.") from exc
    backend = OpenAIBackend(endpoint)
    asyncio.run(_check(backend))
    return backend


async def _check(backend: OpenAIBackend) -> None:
    try:
        await backend.check_model()
    finally:
        await backend.aclose()
