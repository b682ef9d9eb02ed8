"""The ``kgsynth`` command group and what every command shares.

Commands live in sibling modules (one per stage) and register on ``app``. Each is thin: parse
options, call one library function, print data to stdout. Progress and summaries go to
stderr, so output can be piped. Every ``KgsynthError`` becomes one ``Error: ...`` line and exit
code 1 here, in one place; anything else keeps its traceback because it is a bug.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from typer.core import TyperGroup

from kgsynth.config import Config
from kgsynth.errors import KgsynthError
from kgsynth.model import Schema
from kgsynth.store import GraphStore, is_neo4j_url, open_store
from kgsynth.store.sqlite import SQLiteStore

#: Diagnostics, progress and summaries: never stdout, which carries data only.
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class KgsynthGroup(TyperGroup):
    """Turns expected failures into one line and exit code 1; keeps tracebacks for bugs."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KgsynthError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from exc

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(super().list_commands(ctx))


@dataclass
class CliState:
    """Options given before the command name, shared by every command."""

    config_path: str | None = None
    quiet: bool = False
    verbose: bool = False
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = Config.load(self.config_path)
        return self._config


app = typer.Typer(
    cls=KgsynthGroup,
    name="kgsynth",
    help="Knowledge-graph-grounded synthesis of LLM training and evaluation data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _global_options(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option("--config", "-c", help="Project config file (default: ./kgsynth.toml if present)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summaries.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging on stderr.")] = False,
) -> None:
    """Knowledge-graph-grounded synthesis of LLM training and evaluation data."""
    global _state
    _state = CliState(config_path=config, quiet=quiet, verbose=verbose)
    ctx.obj = _state
    # Library INFO lines repeat what the commands print as their summary, so the CLI shows WARNING and up.
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True
    )


_state = CliState()


def state() -> CliState:
    """The options of the running invocation (set by the group callback on every call)."""
    return _state


# Shared option declarations, so every command spells them the same way.
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        "-s",
        help='Graph store: a SQLite file, ":memory:", a neo4j:// or bolt:// URL, or "neo4j" for '
        "$KGSYNTH_NEO4J_URI. Default: [store] url of kgsynth.toml, else kgsynth.db.",
    ),
]
OntologyOption = Annotated[
    str | None,
    typer.Option(
        "--ontology",
        help='Ontology: a shipped name ("medical", "legal") or a file. '
        "Default: [ontology] source of kgsynth.toml.",
    ),
]


def open_store_from_cli(store: str | None, *, must_exist: bool = False) -> GraphStore:
    """Open the store named by ``--store``, else by the config, else ``kgsynth.db``.

    Commands that only read (or remove) pass ``must_exist``: a SQLite path with no store behind
    it is refused instead of created, so a mistyped path gives an error, not an empty graph.
    """
    config = state().config
    if store is not None:
        config = config.model_copy(update={"store": config.store.model_copy(update={"url": store})})
    url = config.resolved_store_url()
    if must_exist and not is_neo4j_url(url):
        return SQLiteStore(url, create=False)
    settings = config.store
    return open_store(url, user=settings.user, database=settings.database, timeout=settings.timeout)


def load_schema_from_cli(ontology: str | None) -> Schema | None:
    """Load the ontology named by ``--ontology``, else by the config; None when neither names one."""
    source = ontology if ontology is not None else state().config.ontology.source
    if source is None:
        return None
    from kgsynth.ontology import load_ontology

    return load_ontology(source)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Progress]:
    """A progress bar on stderr (hidden by ``-q``); yields the rich ``Progress`` with one task."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=stderr,
        disable=state().quiet,
        transient=False,
    )
    with bar:
        bar.add_task(description, total=total, detail="")
        yield bar


def summary(message: str) -> None:
    """One line for a person on stderr (hidden by ``-q``)."""
    if not state().quiet:
        stderr.print(message)
