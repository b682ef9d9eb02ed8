"""``kgsynth serve``: the web platform, with its worker process.

The service is a sibling layer of the CLI (neither imports the other), so this command
resolves the store from the config and runs ``python -m kgsynth.service`` with plain
arguments (the config file's path too: the service resolves the LLM endpoint from its
``[llm]`` section), passing its exit code on. It listens on 127.0.0.1 unless told otherwise and
refuses any other address unless ``KGSYNTH_API_TOKEN`` is set.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from kgsynth.cli.app import StoreOption, app, state
from kgsynth.errors import ConfigError, MissingDependencyError

#: Modules the service needs beyond a plain install (the ``service`` extra).
SERVICE_MODULES = ("fastapi", "uvicorn", "jinja2", "multipart")


@app.command("serve")
def serve_cli(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (beyond loopback: set KGSYNTH_API_TOKEN).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    store: StoreOption = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Tasks, uploads and datasets (default: <store>.service/ beside it)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Worker processes (0: none here).")] = 1,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", min=0.001, help="Largest upload.")
    ] = 200.0,
    allowed_host: Annotated[
        list[str] | None, typer.Option("--allowed-host", help="Another Host header to accept (repeatable).")
    ] = None,
    llm: Annotated[
        str | None,
        typer.Option(
            "--llm",
            help="LLM endpoint offered to extraction and synthesis tasks: a name of [llm.endpoints] or a URL "
            "(default: [llm] generator, else $KGSYNTH_LLM_BASE_URL; none: no LLM options). "
            "The key comes only from OPENAI_API_KEY.",
        ),
    ] = None,
    llm_model: Annotated[
        str | None, typer.Option("--llm-model", help="Model the LLM endpoint serves.")
    ] = None,
) -> None:
    """Serve the web platform: upload, extract, synthesise, review, save and blend datasets.

    Pages at http://HOST:PORT/, the JSON API under /api/v1 (OpenAPI at /openapi.json).
    """
    missing = [name for name in SERVICE_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingDependencyError(
            f"kgsynth serve needs the web extras ({', '.join(missing)} missing): "
            'pip install "kgsynth[service]"'
        )
    url = store if store is not None else state().config.resolved_store_url()
    if "://" in url and data_dir is None:
        raise ConfigError(f'--store "{url}" is not a file: give --data-dir for the service\'s own files.')
    argv = ["--store", url, "--host", host, "--port", str(port), "--workers", str(workers)]
    argv += ["--max-upload-mb", str(max_upload_mb)]
    argv += ["--data-dir", str(data_dir)] if data_dir is not None else []
    argv += [arg for name in allowed_host or () for arg in ("--allowed-host", name)]
    argv += ["--config", state().config.path] if state().config.path else []
    argv += ["--llm", llm] if llm else []
    argv += ["--llm-model", llm_model] if llm_model else []
    argv += ["--quiet"] if state().quiet else []
    code = subprocess.call([sys.executable, "-m", "kgsynth.service", *argv])
    if code:
        raise typer.Exit(code)
