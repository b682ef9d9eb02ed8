"""Project-level commands: ``init`` (write kgsynth.toml), ``stats`` (what the graph holds), ``config``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kgsynth.cli.app import OntologyOption, StoreOption, app, open_store_from_cli, state, summary
from kgsynth.config import DEFAULT_CONFIG_FILE, render_config
from kgsynth.errors import ConfigError
from kgsynth.model import GraphStats

config_app = typer.Typer(help="Show the resolved configuration.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(config_app, name="config")


@app.command()
def init(
    store: StoreOption = None,
    ontology: OntologyOption = None,
    path: Annotated[Path, typer.Option("--path", help="Where to write the config.")] = Path(
        DEFAULT_CONFIG_FILE
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing config file.")] = False,
) -> None:
    """Write a project config (kgsynth.toml) naming the store and the ontology."""
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists. Pass --force to overwrite it.")
    if ontology is not None:
        from kgsynth.ontology import resolve_source

        resolve_source(ontology)  # a missing file or unknown shipped name is refused, not written
    lines = [
        "# kgsynth project configuration; every key can be overridden by KGSYNTH_<SECTION>__<KEY>.",
        "[store]",
        f'url = "{store or "kgsynth.db"}"    # SQLite file, neo4j://host:7687, or "neo4j"',
        "",
        "[ontology]",
        f'source = "{ontology or "medical"}"    # "medical", "legal", or a path to an OWL/RDFS/Turtle file',
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    summary(f"wrote {path}")


@app.command()
def stats(
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    top: Annotated[int, typer.Option("--top", help="How many relations and types to list.")] = 10,
) -> None:
    """Count what the graph holds: by entity type, top relations, orphan entities."""
    with open_store_from_cli(store, must_exist=True) as graph:
        counts = graph.stats()
        url = graph.url
    if as_json:
        typer.echo(counts.model_dump_json(indent=2))
        return
    typer.echo(format_stats(counts, url, top))


def format_stats(counts: GraphStats, url: str, top: int = 10) -> str:
    """The stats as aligned plain text, for people (``--json`` is for programs)."""
    lines = [
        f"store      {url}",
        f"documents  {counts.documents}",
        f"chunks     {counts.chunks}",
        f"mentions   {counts.mentions}",
        f"entities   {counts.entities}  ({counts.orphan_entities} with no relation)",
        f"relations  {counts.relations}  ({counts.evidence} pieces of evidence)",
    ]
    for title, table in (
        ("entity types", counts.entities_by_type),
        ("relations", counts.relations_by_predicate),
    ):
        if not table:
            continue
        ranked = sorted(table.items(), key=lambda item: (-item[1], item[0]))
        lines.append(f"top {title}:")
        width = max(len(name) for name, _ in ranked[:top])
        lines.extend(f"  {name.ljust(width)}  {count}" for name, count in ranked[:top])
        if len(ranked) > top:
            lines.append(f"  ... {len(ranked) - top} more")
    return "\n".join(lines)


@config_app.command("show")
def config_show(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Print the resolved configuration (file + environment), secrets masked."""
    config = state().config
    if as_json:
        typer.echo(json.dumps(config.model_dump(exclude={"path"}), indent=2))
    else:
        typer.echo(render_config(config))
