"""``kgsynth check``: statements, QA pairs or our own samples checked against the graph.

Exit codes: 0 every line was checked (and the ``--fail-on`` condition, if given, was not
hit); 1 an error stopped the run (the message says which); 2 a usage error; 3 some input
lines were skipped (each reported with its line number; the rest was checked); 4 the
``--fail-on`` condition was hit; 5 both 3 and 4.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from kgsynth.cli._llm import LLMBaseUrlOption, LLMModelOption, llm_from_cli
from kgsynth.cli.app import (
    StoreOption,
    app,
    load_schema_from_cli,
    open_store_from_cli,
    progress,
    state,
    stderr,
    summary,
)

if TYPE_CHECKING:
    from kgsynth.verify import CheckSummary

# kgsynth.verify imports spaCy, so it is imported inside the command, and these mirror its
# FailOn, Coverage and DEFAULT_MAX_CHARS (tests/verify/test_cli_check.py checks they agree).
FailOn = Literal["contradicted", "not_fully_supported", "any"]
Coverage = Literal["all", "mentions", "unknown", "none"]
DEFAULT_MAX_CHARS = 100_000

_STATUSES = ("supported", "contradicted", "not_fully_supported", "not_in_graph", "unlinkable")


@app.command("check")
def check_cli(
    source: Annotated[
        str, typer.Argument(help='JSONL of {"text"}, {"question", "answer"} or samples; "-" = stdin.')
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help='Where to write results (JSONL); "-" = stdout.')
    ] = "-",
    store: StoreOption = None,
    ontology: Annotated[
        str | None,
        typer.Option(
            "--ontology", help="Ontology for reading claims (default: the schema stored in the graph)."
        ),
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write an HTML report here.")] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Exit with code 4 when a record is contradicted / not fully supported / "
            "anything short of supported or a line was skipped (any).",
        ),
    ] = None,
    model: Annotated[str, typer.Option("--model", help='spaCy model: "auto", "blank", or a name.')] = "auto",
    implicit: Annotated[
        bool,
        typer.Option(
            "--implicit/--strict",
            help="Read a claim when two related entities share a sentence that names no other relation "
            "(default); --strict reads only relations the sentence names.",
        ),
    ] = True,
    coverage: Annotated[
        Coverage,
        typer.Option(
            "--coverage",
            help="What outside every claim keeps a text from support: all (entities and relation words), "
            "mentions (entities only), unknown (only entities the graph lacks), none.",
        ),
    ] = "all",
    max_chars: Annotated[
        int, typer.Option("--max-chars", min=1, help="Skip input lines longer than this.")
    ] = DEFAULT_MAX_CHARS,
    claims: Annotated[
        Literal["rules", "llm", "both"],
        typer.Option(
            "--claims",
            help="Who reads claims from texts: rules, llm (an LLM endpoint proposes triples; the graph "
            "decides each), or both (the LLM reads again what the rules leave not fully supported).",
        ),
    ] = "rules",
    llm_base_url: LLMBaseUrlOption = None,
    llm_model: LLMModelOption = None,
    closed_world: Annotated[
        bool,
        typer.Option(
            "--closed-world",
            help='Read a fact the graph lacks as false: a "no" to a yes/no, count or comparison question '
            "is then supported by absence (default: open world, only a stated denial supports it).",
        ),
    ] = False,
) -> None:
    """Check statements, QA pairs or generated samples against the graph: supported, contradicted, unknown.

    Writes one JSON line per input line (its id, verdict and claims with evidence). Exit code:
    0 all checked; 3 lines skipped; 4 the --fail-on condition hit; 5 both; 1 on an error.
    """
    from kgsynth.verify import Checker, check_file  # spaCy loads only when checking

    schema = load_schema_from_cli(ontology) if ontology is not None else None
    llm = llm_from_cli(llm_base_url, llm_model, needed_by=f"--claims {claims}") if claims != "rules" else None
    with open_store_from_cli(store, must_exist=True) as graph:
        checker_schema = (
            schema if schema is not None else Checker(graph).schema
        )  # refuses a store without one
        with progress("check") as bar:
            task = bar.task_ids[0]

            def show(running: CheckSummary) -> None:
                bar.update(
                    task,
                    completed=running.checked + len(running.skipped),
                    detail=(
                        f"{running.records['supported']} supported, "
                        f"{running.records['contradicted']} contradicted"
                    ),
                )

            checked = check_file(
                source,
                output,
                graph,
                checker_schema,
                html=html,
                max_chars=max_chars,
                implicit=implicit,
                coverage=coverage,
                model=model,
                on_item=show,
                closed_world=closed_world,
                claims=claims,
                llm=llm,
            )
    _print_summary(checked)
    code = checked.exit_code(fail_on)
    if code:
        raise typer.Exit(code)


def _print_summary(counts: CheckSummary) -> None:
    by_status = ", ".join(f"{counts.records[s]} {s}" for s in _STATUSES if counts.records[s]) or "none"
    summary(f"check: {counts.checked} records ({by_status}), {len(counts.skipped)} lines skipped")
    if counts.llm:
        summary(counts.llm)
    if state().quiet:
        return
    table = Table(title="kgsynth check", show_header=True, header_style="bold")
    table.add_column("verdict")
    table.add_column("records", justify="right")
    table.add_column("claims", justify="right")
    for status in _STATUSES:
        records, claims = counts.records.get(status, 0), counts.claims.get(status, 0)
        if records or claims:
            table.add_row(
                status, str(records) if status in counts.records else "", str(claims) if claims else ""
            )
    table.add_row("skipped lines", str(len(counts.skipped)), "")
    stderr.print(table)
