"""``kgsynth ontology check FILE``: load an ontology and report its size, depth and problems."""

from __future__ import annotations

from typing import Annotated

import typer

from kgsynth.cli.app import app
from kgsynth.model import Schema
from kgsynth.ontology import check_ontology, hierarchy_depth, load_ontology

ontology_app = typer.Typer(
    help="Inspect ontologies (OWL, RDFS, Turtle).", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(ontology_app, name="ontology")


@ontology_app.command()
def check(
    source: Annotated[str, typer.Argument(help='An ontology file, or a shipped name ("medical", "legal").')],
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="RDF syntax: turtle, xml, nt, n3, json-ld (default: guessed)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with code 1 if any problem is found.")
    ] = False,
) -> None:
    """Load an ontology and print its counts, hierarchy depth and problems (exit 1 if it cannot load)."""
    schema = load_ontology(source, format=format)
    problems = check_ontology(schema)
    typer.echo(format_check_report(schema, problems))
    if strict and problems:
        raise typer.Exit(1)


def format_check_report(schema: Schema, problems: list[str]) -> str:
    """The report as plain text: counts, depth, then one line per problem."""
    lines = [
        f"ontology         {schema.name}" + (f"  <{schema.iri}>" if schema.iri else ""),
        f"entity types     {len(schema.entity_types)}",
        f"relations        {len(schema.relation_types)}",
        f"hierarchy depth  {hierarchy_depth(schema)}",
        f"problems         {len(problems)}",
    ]
    lines.extend(f"  - {problem}" for problem in problems)
    return "\n".join(lines)
