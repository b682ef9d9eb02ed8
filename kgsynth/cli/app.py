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
from pathlib import Path
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

from kgsynth.cli._help import one_line_usage_errors, plain_metavars
from kgsynth.config import Config
from kgsynth.errors import KgsynthError, OntologyError, OntologySyntaxError, choices
from kgsynth.model import Schema
from kgsynth.store import GraphStore, is_neo4j_url, open_store

#: Diagnostics, progress and summaries: never stdout, which carries data only.
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class KgsynthGroup(TyperGroup):
    """Turns expected failures into one line and exit code 1 (usage errors: exit code 2); keeps
    tracebacks for bugs. Help shows plain metavars (``_help.py``)."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        plain_metavars(self)  # before parsing: --help is answered while the arguments are parsed
        with one_line_usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with one_line_usage_errors():
            try:
                return super().invoke(ctx)
            except KgsynthError as exc:
                typer.echo(f"Error: {exc}", err=True)
                raise typer.Exit(1) from exc

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            plain_metavars(command)
        return command

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
    rich_markup_mode=None,  # plain help: "[store] url" in a help text is text, not markup
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _global_options(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option("--config", "-c", help="Project config file (default: ./kgsynth.toml if present)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars or tables; the one-line summary stays.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging on stderr.")] = False,
) -> None:
    """Knowledge-graph-grounded synthesis of LLM training and evaluation data."""
    global _state
    _state = CliState(config_path=config, quiet=quiet, verbose=verbose)
    ctx.obj = _state
    # Library INFO lines repeat what the commands print as their summary, so the CLI shows WARNING and
    # up; -q hides progress, never a warning (nothing is dropped silently).
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PlainFormatter())
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler], force=True)
    # The Neo4j driver logs a lost connection as an ERROR ("[#C0DE] _: <CONNECTION> error: ...")
    # that would print as a second, cryptic "Error:" line: the store already turns every driver
    # failure into one line naming the setting. -v shows the driver's lines again.
    logging.getLogger("neo4j").setLevel(logging.DEBUG if verbose else logging.CRITICAL)


class _PlainFormatter(logging.Formatter):
    """``Warning: ...`` and ``Error: ...`` as a person reads them; debug lines keep the logger's name."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        if record.levelno >= logging.ERROR:
            return f"Error: {record.getMessage()}"
        if record.levelno >= logging.WARNING:
            return f"Warning: {record.getMessage()}"
        return f"{record.levelname.lower()} {record.name}: {record.getMessage()}"


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
    settings = state().config.store
    return open_store(
        store_url_from_cli(store),
        user=settings.user,
        database=settings.database,
        timeout=settings.timeout,
        create=not must_exist,
    )


@contextmanager
def new_store_removed_on_error(store: str | None) -> Iterator[None]:
    """Remove the SQLite store the command creates if the command then fails with an error.

    A failed command must not leave a file the user did not have: an import that refuses its
    input would otherwise leave an empty store behind. Interrupts (Ctrl-C) leave it alone.
    """
    url = store_url_from_cli(store)
    path = None if is_neo4j_url(url) or url == ":memory:" else Path(url)
    created = path is not None and not path.exists()
    try:
        yield
    except Exception:
        if created and path is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise


def store_url_from_cli(store: str | None) -> str:
    """The store URL ``--store`` names, else the config's (``neo4j`` expanded from the environment)."""
    config = state().config
    if store is not None:
        config = config.model_copy(update={"store": config.store.model_copy(update={"url": store})})
    return config.resolved_store_url()


def load_schema_from_cli(ontology: str | None) -> Schema | None:
    """Load the ontology named by ``--ontology``, else by the config; None when neither names one.

    Raises:
        OntologyError: it cannot be loaded (the message names no ``--format``: these commands
            have none for the ontology), or it declares no classes, so no entity could be typed.
    """
    source = ontology if ontology is not None else state().config.ontology.source
    if source is None:
        return None
    from kgsynth.ontology import load_ontology, shipped_ontologies

    try:
        schema = load_ontology(source)
    except OntologySyntaxError as exc:
        raise OntologyError(exc.problem) from exc
    if not schema.entity_types:
        raise OntologyError(
            f"ontology {source} declares no classes (owl:Class or rdfs:Class), only relations "
            f"({choices(r.name for r in schema.relation_types)}), so no entity could be typed. "
            f"Declare its classes, or use a shipped ontology ({choices(shipped_ontologies())})."
        )
    return schema


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
    """The one summary line of a command, for a person, on stderr (shown with ``-q`` too)."""
    stderr.print(message, markup=False)


def detail(message: str) -> None:
    """A line that breaks the summary down, on stderr (hidden by ``-q``)."""
    if not state().quiet:
        stderr.print(message, markup=False)
