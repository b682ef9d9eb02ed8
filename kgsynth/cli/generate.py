"""``kgsynth generate``: the graph -> a JSONL file of grounded samples and its dataset card.

The file is written to a temporary name beside the output and renamed only once all ``--n``
samples are made, so a failed run (a ``GenerationError`` saying why the graph could not give
what was asked) leaves no file, never a short one. A run killed outright cannot delete its
temporary file, so each run first deletes the ``.<name>.<pid>.tmp`` files of its output and
card whose process has ended (issue 11).
"""

from __future__ import annotations

import glob
import logging
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kgsynth.cli.app import StoreOption, app, open_store_from_cli, progress, state, stderr, summary
from kgsynth.errors import ConfigError
from kgsynth.export import FORMATS, CoverageReport, dataset_card, write_samples
from kgsynth.model import Sample
from kgsynth.pipeline.llm_generate import LLMSpec
from kgsynth.pipeline.synthesize import SynthesisResult, SynthesisSpec, synthesize

logger = logging.getLogger(__name__)


def parse_hops(text: str) -> tuple[int, int]:
    """``"2"`` -> (2, 2); ``"1-3"`` or ``"1..3"`` -> (1, 3).

    Raises:
        ConfigError: naming --hops, for anything else.
    """
    low, sep, high = text.replace("..", "-").partition("-")
    try:
        return (int(low), int(high)) if sep else (int(low), int(low))
    except ValueError:
        raise ConfigError(f'--hops "{text}" is not a hop count or range; give e.g. 2 or 1-3.') from None


def card_path(output: Path) -> Path:
    """Where the dataset card of ``output`` goes: ``out.jsonl`` -> ``out.card.md``."""
    return output.with_name(output.name.removesuffix(output.suffix) + ".card.md")


@app.command("generate")
def generate_cli(
    output: Annotated[Path, typer.Option("--output", "-o", help="The JSONL file to write.")],
    n: Annotated[
        int, typer.Option("--n", min=1, help="Exactly this many samples (or an error saying why not).")
    ],
    store: StoreOption = None,
    hops: Annotated[
        str, typer.Option("--hops", help="Hops per path: a count (2) or a range (1-3), 1 to 4.")
    ] = "1-3",
    types: Annotated[
        str,
        typer.Option(
            "--types",
            help="Question types, comma-separated: factoid, multihop, yesno, mcq, count, comparison, "
            "explanation.",
        ),
    ] = "factoid,multihop,yesno,mcq",
    format: Annotated[str, typer.Option("--format", "-f", help="raw, alpaca, sharegpt or openai.")] = "raw",
    seed: Annotated[
        int, typer.Option("--seed", help="Same seed, same graph: the same file, byte for byte.")
    ] = 0,
    lang: Annotated[str, typer.Option("--lang", help="Template language: en or zh.")] = "en",
    pack: Annotated[
        str, typer.Option("--pack", help="Template pack: auto, generic, medical, legal, or a folder.")
    ] = "auto",
    strategy: Annotated[
        str, typer.Option("--strategy", help="Walks: random, or inverse_degree (avoid hubs).")
    ] = "random",
    relation: Annotated[
        list[str] | None, typer.Option("--relation", help="Use only these relations (repeatable).")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Never use these relations (repeatable).")
    ] = None,
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence",
            help="Skip facts below this confidence (co-occurrence guesses have 0.3; 0 uses every fact).",
        ),
    ] = 0.5,
    include_negated: Annotated[
        bool, typer.Option("--include-negated", help="Also use negated facts.")
    ] = False,
    include_hedged: Annotated[bool, typer.Option("--include-hedged", help="Also use hedged facts.")] = False,
    per_relation_cap: Annotated[
        int | None, typer.Option("--per-relation-cap", help="At most this many samples per relation type.")
    ] = None,
    per_entity_cap: Annotated[
        int | None, typer.Option("--per-entity-cap", help="At most this many samples per entity.")
    ] = None,
    llm: Annotated[
        str | None,
        typer.Option(
            "--llm",
            help="LLM mode: an endpoint name of [llm.endpoints], a base URL, or 'default' (also what a "
            "bare --llm means: [llm] generator, else $KGSYNTH_LLM_BASE_URL and $KGSYNTH_LLM_MODEL).",
        ),
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="LLM mode: the model to ask for.")] = None,
    judge: Annotated[
        list[str] | None,
        typer.Option("--judge", help="LLM mode: a judge endpoint (name or URL), another model (repeatable)."),
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option("--min-score", help="LLM mode: drop samples a judge scores below this (1-5)."),
    ] = None,
    pairwise: Annotated[
        bool,
        typer.Option(
            "--pairwise",
            help="LLM mode: each judge also compares the sample with its template sample, in both "
            "orders; drop it when a judge prefers the template both times.",
        ),
    ] = False,
    retries: Annotated[
        int,
        typer.Option("--retries", min=0, help="LLM mode: regenerations with the gate's feedback per item."),
    ] = 1,
    budget: Annotated[
        float | None,
        typer.Option("--budget", help="LLM mode: stop scheduling new work past this many dollars."),
    ] = None,
    budget_tokens: Annotated[
        int | None,
        typer.Option(
            "--budget-tokens",
            min=1,
            help="LLM mode: stop scheduling new work past this many tokens (prompt + completion; "
            "for endpoints priced at 0, such as a local server).",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="LLM mode: continue the run in <out>.journal.jsonl.")
    ] = False,
    few_shot: Annotated[
        Path | None,
        typer.Option("--few-shot", help='LLM mode: JSONL of {"question", "answer", "type"} examples.'),
    ] = None,
    shots: Annotated[
        int,
        typer.Option(
            "--shots", min=0, help="LLM mode: few-shot examples per prompt (from --few-shot or templates)."
        ),
    ] = 0,
    cot: Annotated[
        bool, typer.Option("--cot/--no-cot", help="LLM mode: reasoning steps citing fact ids.")
    ] = True,
    persona: Annotated[str, typer.Option("--persona", help="LLM mode: who the questions sound like.")] = "",
    prompt: Annotated[
        str, typer.Option("--prompt", help="LLM mode: prompt template name, e.g. qa.v1.")
    ] = "qa.v1",
    prompts_dir: Annotated[
        Path | None,
        typer.Option("--prompts", help="LLM mode: a folder of your own <lang>/<name>.j2 prompts."),
    ] = None,
    max_items: Annotated[
        int | None,
        typer.Option("--max-items", min=1, help="LLM mode: paths to try at most (default 3 x --n)."),
    ] = None,
    temperature: Annotated[
        float, typer.Option("--temperature", help="LLM mode: sampling temperature.")
    ] = 0.0,
    max_tokens: Annotated[int, typer.Option("--max-tokens", help="LLM mode: reply length limit.")] = 384,
    cache: Annotated[
        Path | None,
        typer.Option("--cache", help="LLM mode: reply cache (default: .kgsynth-llm-cache.db beside -o)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="LLM mode: print the prompts and a cost estimate; call nothing.")
    ] = False,
) -> None:
    """Generate grounded QA samples from the graph: JSONL plus a dataset card beside it.

    Every sample carries its path as triples with evidence and the checks that re-verify it.
    """
    if format not in FORMATS:
        raise ConfigError(f'--format "{format}" is not one of: {", ".join(FORMATS)}.')
    spec = SynthesisSpec.of(
        n=n,
        hops=parse_hops(hops),
        types=tuple(t.strip() for t in types.split(",") if t.strip()),
        seed=seed,
        language=lang,
        pack=pack,
        strategy=strategy,
        relations=tuple(relation or ()),
        exclude=tuple(exclude or ()),
        min_confidence=min_confidence,
        include_negated=include_negated,
        include_hedged=include_hedged,
        per_relation_cap=per_relation_cap,
        per_entity_cap=per_entity_cap,
    )
    if llm is not None:
        from kgsynth.cli.generate_llm import LLMOptions, generate_llm  # imports this module

        options = LLMOptions(
            llm, model, tuple(judge or ()), budget, budget_tokens, resume, dry_run, cache,
            LLMSpec.of(
                max_items=max_items, retries=retries, cot=cot, persona=persona, prompt=prompt,
                prompts_dir=str(prompts_dir) if prompts_dir else None, shots=shots,
                few_shot=str(few_shot) if few_shot else None, temperature=temperature,
                max_tokens=max_tokens, min_score=min_score, pairwise=pairwise,
            ),
        )  # fmt: skip
        generate_llm(output, store, spec, format, options)
        return
    card = card_path(output)
    for path in (output, card):
        remove_stale_staging(path)
    with open_store_from_cli(store, must_exist=True) as graph:
        result = synthesize(graph, spec)
        with staged(output) as samples_file, staged(card) as card_file:
            written = _write_samples(result, samples_file, format)
            card_file.write_text(
                dataset_card(
                    result.report.coverage or CoverageReport(),
                    {"format": format, **spec.model_dump(mode="json")},
                    source=graph.url,
                    data_file=output.name,
                    drops=dict(result.report.drops),
                ),
                encoding="utf-8",
            )
    _print_summary(result, written, output, card)


@contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path``, renamed to ``path`` if the block succeeds, deleted if not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def remove_stale_staging(path: Path) -> list[Path]:
    """Delete the ``.<name>.<pid>.tmp`` files ``staged`` left beside ``path`` in runs that died.

    Only names of exactly that form are touched, and only when no process has that pid now.
    """
    prefix, suffix = f".{path.name}.", ".tmp"
    removed = []
    for candidate in path.parent.glob(f"{glob.escape(prefix)}*{suffix}"):
        pid = candidate.name[len(prefix) : -len(suffix)]
        if pid.isdigit() and not _running(int(pid)):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
            logger.debug("removed %s, left by process %s, which has ended", candidate, pid)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by someone else
        return True
    return True


def _write_samples(result: SynthesisResult, path: Path, format: str) -> int:
    with path.open("w", encoding="utf-8") as handle, progress("generate", total=result.spec.n) as bar:
        task = bar.task_ids[0]

        def tracked() -> Iterator[Sample]:
            for made, sample in enumerate(result, start=1):
                if made % 50 == 0 or made == result.spec.n:
                    bar.update(task, completed=made, detail=f"{result.report.attempts} attempts")
                yield sample

        return write_samples(tracked(), handle, format)


def _print_summary(result: SynthesisResult, written: int, output: Path, card: Path) -> None:
    report = result.report
    summary(f"wrote {written} samples to {output}, dataset card {card}")
    if state().quiet:
        return
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("by", "value", "samples"):
        table.add_column(column, justify="right" if column == "samples" else "left")
    for title, counter in (
        ("type", report.by_type),
        ("hops", report.by_hops),
        ("relation", report.by_relation),
    ):
        for value, count in _top(counter):
            table.add_row(title, str(value), str(count))
    stderr.print(table)
    stderr.print(report.coverage_text())
    if report.drops:
        stderr.print(f"dropped on the way ({sum(report.drops.values())}): {report.drop_summary()}")


def _top(counter: Counter, limit: int = 8) -> list[tuple[object, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[:limit]
