"""``kgsynth import`` and ``kgsynth export``: knowledge graph files into and out of the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kgsynth.cli.app import (
    OntologyOption,
    StoreOption,
    app,
    detail,
    load_schema_from_cli,
    new_store_removed_on_error,
    open_store_from_cli,
    progress,
    summary,
)
from kgsynth.errors import ConfigError
from kgsynth.rdf import ExportReport, export_graph, import_rdf
from kgsynth.store import GraphStore


@app.command("import")
def import_cli(
    file: Annotated[
        Path, typer.Argument(help="A .ttl, .nt, .owl, .rdf, .n3, .jsonld file, or a kgsynth .jsonl dump.")
    ],
    store: StoreOption = None,
    ontology: OntologyOption = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="Syntax: turtle, ntriples, xml, n3, json-ld, jsonl (default: guessed)."
        ),
    ] = None,
    derive_types: Annotated[
        bool,
        typer.Option(
            "--derive-types", help="Ignore any configured ontology: derive types from the file's IRIs."
        ),
    ] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Entities or relations per write.")
    ] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the import report as JSON.")] = False,
) -> None:
    """Load an existing knowledge graph (RDF, or a kgsynth JSONL dump) into the store.

    IRIs become entity ids; rdf:type gives the type, rdfs:label or skos:prefLabel the name,
    skos:altLabel the aliases, and triples between resources the relations. With an ontology,
    every class and predicate must be in it (nothing is written otherwise); without one, types
    are derived from the file. Other literal values are counted and skipped. Removing the
    printed document id with `kgsynth remove` undoes the import.
    """
    if derive_types and ontology is not None:
        raise ConfigError("--derive-types and --ontology exclude each other: pass one of them.")
    schema = None if derive_types else load_schema_from_cli(ontology)
    with (
        new_store_removed_on_error(store),
        open_store_from_cli(store) as graph,
        progress(f"import {file.name}") as bar,
    ):
        task = bar.task_ids[0]

        def show(entities: int, relations: int) -> None:
            bar.update(task, detail=f"{entities} entities, {relations} relations")

        report = import_rdf(graph, file, format=format, schema=schema, batch_size=batch_size, progress=show)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    summary(report.summary())
    if report.document_id:
        detail(f"document {report.document_id} (kgsynth remove {report.document_id} undoes this import)")


@app.command("export")
def export_cli(
    format: Annotated[str, typer.Option("--format", "-f", help="turtle, ntriples or jsonl.")],
    store: StoreOption = None,
    output: Annotated[str, typer.Option("--output", "-o", help='File to write, or "-" for stdout.')] = "-",
) -> None:
    """Write the whole graph as Turtle, N-Triples or JSONL (stdout by default).

    N-Triples and JSONL stream page by page; Turtle is built in memory (use ntriples for big
    graphs). RDF cannot state negated relations or evidence: they are left out and counted;
    JSONL keeps everything and `kgsynth import` reads it back.
    """
    with open_store_from_cli(store, must_exist=True) as graph:
        if output == "-":
            report = export_graph(graph, sys.stdout, format=format)  # type: ignore[arg-type]
        else:
            report = _export_to_file(graph, Path(output), format)
    summary(report.summary())


def _export_to_file(graph: GraphStore, path: Path, format: str) -> ExportReport:
    """Export into ``path`` through a temporary file, so a failed export leaves no half-written file."""
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            report = export_graph(graph, out, format=format)  # type: ignore[arg-type]
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ConfigError(f'--output "{path}": cannot be written ({exc.strerror or exc}).') from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return report
