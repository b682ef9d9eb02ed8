"""``kgsynth build`` and ``kgsynth remove``: documents into the graph, and a document out of it.

Exit codes of ``build``: 0 when the documents that could be read were built, even if some
inputs were skipped (each skipped file or line is logged as a warning and counted in the
summary on stderr); 1 when nothing is built because no input yields a document, when the
ontology or a path is wrong (refused before anything is written), or, with ``--strict``, at
the first skipped input or dropped fact (documents written before it are complete and stay;
a rerun resumes).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

import typer

from kgsynth.cli._llm import LLMBaseUrlOption, LLMModelOption, llm_from_cli
from kgsynth.cli.app import (
    OntologyOption,
    StoreOption,
    app,
    detail,
    load_schema_from_cli,
    open_store_from_cli,
    progress,
    stderr,
    summary,
)
from kgsynth.errors import ConfigError, InputError
from kgsynth.ingest import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_BYTES,
    BuildProgress,
    BuildReport,
    ReadOptions,
    Shard,
    SkippedInput,
    build,
    check_paths,
    iter_files,
    read_documents,
    remove,
)
from kgsynth.ingest.build import strict_refusal

logger = logging.getLogger(__name__)

DocsArgument = Annotated[
    list[Path], typer.Argument(help="Files or folders of .txt, .md, .html, .jsonl, .pdf or PubTator.")
]
ShardOption = Annotated[
    str | None, typer.Option("--shard", help="Build only shard i of N (i/N, from 0), for parallel machines.")
]
ModelOption = Annotated[
    str, typer.Option("--model", help='spaCy model: "auto" (trained if installed), "blank", or a name.')
]
PatternsOption = Annotated[
    Path | None, typer.Option("--patterns", help="Relation patterns file (default: the ontology's own).")
]
MaxMbOption = Annotated[
    float, typer.Option("--max-mb", min=0.001, help="Skip files (and JSONL lines) larger than this.")
]
ExtractorOption = Annotated[
    Literal["rules", "llm", "both"],
    typer.Option(
        "--extractor",
        help="Who reads the documents: rules (the spaCy pipeline), llm (an LLM endpoint: every relation "
        "must quote the chunk and fit the ontology), or both (agreement raises confidence).",
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Fail at the first unreadable input or fact outside the ontology.")
]


@app.command("build")
def build_cli(
    docs: DocsArgument,
    ontology: OntologyOption = None,
    store: StoreOption = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Extraction processes.")] = 1,
    shard: ShardOption = None,
    model: ModelOption = "auto",
    patterns: PatternsOption = None,
    text_field: Annotated[str, typer.Option("--text-field", help="JSONL field holding the text.")] = "text",
    id_field: Annotated[str, typer.Option("--id-field", help="JSONL field holding a document id.")] = "id",
    max_mb: MaxMbOption = DEFAULT_MAX_BYTES / 1e6,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Texts per spaCy batch.")] = (
        DEFAULT_BATCH_SIZE
    ),
    strict: StrictOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the build report as JSON.")] = False,
    extractor: ExtractorOption = "rules",
    llm_base_url: LLMBaseUrlOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Read documents into the graph: entities and relations with their source spans.

    Documents already stored are skipped, so a rerun resumes an interrupted build.

    A file whose text changed replaces its old facts.

    Unreadable inputs are skipped with a warning and counted: exit code 0 if anything was built.

    Exit code 1 if nothing could be read, or with --strict at the first unreadable input or dropped fact.
    """
    from kgsynth.nlp import build_pipeline  # the spaCy import is slow: only when building

    paths = check_paths(docs)
    if next(iter_files(paths), None) is None:  # before the store is opened: nothing is created
        holds = "it holds" if len(paths) == 1 else "they hold"
        raise InputError(
            f"no documents could be read from {_joined(docs)}: {holds} no files (hidden files are left out); "
            "nothing was built."
        )
    chosen_shard = Shard.parse(shard) if shard is not None else None
    schema = load_schema_from_cli(ontology)
    if schema is None:
        raise ConfigError(
            "no ontology given: pass --ontology medical, --ontology legal or --ontology FILE, "
            "or set [ontology] source in kgsynth.toml."
        )
    options = ReadOptions(text_field=text_field, id_field=id_field, max_bytes=int(max_mb * 1e6))
    unreadable = _all_unreadable(paths, options, strict=strict)
    if unreadable is not None:  # before the store is opened: a new store is not created empty
        why = _why_none(unreadable, len(unreadable))
        raise InputError(f"no documents could be read from {_joined(docs)}: {why}; nothing was built.")
    llm = None
    if extractor != "rules":  # the endpoint is checked before the store is opened
        from kgsynth.ingest.llm_extract import LLMExtractor

        backend = llm_from_cli(llm_base_url, llm_model, needed_by=f"--extractor {extractor}")
        llm = LLMExtractor(backend, schema, strict=strict)
    pipeline = build_pipeline(schema, patterns=patterns, model=model) if extractor != "llm" else None
    with open_store_from_cli(store) as graph, progress("build") as bar:
        task = bar.task_ids[0]

        def show(p: BuildProgress) -> None:
            bar.update(
                task,
                completed=p.documents,
                detail=(
                    f"{p.built} built, {p.entities} entities, {p.relations} relations, "
                    f"{p.docs_per_s:.1f} docs/s"
                ),
            )

        report = build(
            paths,
            graph,
            schema,
            pipeline=pipeline,
            workers=workers,
            batch_size=batch_size,
            shard=chosen_shard,
            progress=show,
            read_options=options,
            strict=strict,
            extractor=extractor,
            llm=llm,
        )
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    _print_summary(report)
    if report.documents_read == 0:
        why = _why_none(report.skipped, report.skipped_count)
        raise InputError(f"no documents could be read from {_joined(docs)}: {why}; nothing was built.")


def _all_unreadable(paths: list[Path], options: ReadOptions, *, strict: bool) -> list[SkippedInput] | None:
    """Why no input holds a readable document (each also logged as skipped), or None as soon as one does.

    Read before the store is opened, so a build that can read nothing creates no empty store
    (which later commands would take for a graph). Deleting the store afterwards would not
    do: another shard's build may be writing into the same new file.

    Raises:
        InputError: with ``strict``, at an unreadable input before the first readable one.
    """
    skipped: list[SkippedInput] = []
    for item in read_documents(paths, options):
        if not isinstance(item, SkippedInput):
            return None
        if strict:
            raise strict_refusal(item)
        skipped.append(item)
    for item in skipped:
        logger.warning("skipped %s", item)
    return skipped


def _joined(paths: list[Path]) -> str:
    return ", ".join(str(p) for p in paths)


def _why_none(skipped: Sequence[SkippedInput], count: int, shown: int = 3) -> str:
    """Why no document was read: the skipped inputs (the first few, with their reasons)."""
    if not count:
        return "the files hold no records"
    listed = "; ".join(str(item) for item in skipped[:shown])
    more = f"; and {count - shown} more" if count > shown else ""
    return f"all {count} inputs were skipped ({listed}{more})"


def _print_summary(report: BuildReport) -> None:
    summary(report.summary())
    for reason, count in sorted(report.dropped.items()):
        detail(f"  dropped {count} {reason}")
    if report.llm is not None:
        for reason, count in sorted(report.llm.rejected.items()):
            detail(f"  rejected {count} LLM relations: {reason}")
    if report.skipped_count:  # each one was logged as a warning when it was met
        stderr.print(f"Warning: {report.skipped_count} inputs skipped (listed above)", markup=False)


@app.command("remove")
def remove_cli(
    document_id: Annotated[str, typer.Argument(help='Document id, e.g. "doc:3f2a9c0d1e4b5a67".')],
    store: StoreOption = None,
) -> None:
    """Delete a document and every fact only it supported; prints what was deleted as JSON."""
    with open_store_from_cli(store, must_exist=True) as graph:
        report = remove(graph, document_id)
    typer.echo(report.model_dump_json(indent=2))
    summary(
        f"removed {document_id}: {report.mentions} mentions, {report.relations} relations, "
        f"{report.entities} entities deleted"
    )
