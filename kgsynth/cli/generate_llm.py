"""``kgsynth generate --llm``: template samples reworded by an LLM behind the grounding gate.

The command part of ``kgsynth.pipeline.llm_generate``: resolve the endpoints (``--llm``,
``--judge``, ``[llm]`` of kgsynth.toml, ``KGSYNTH_LLM_BASE_URL`` / ``KGSYNTH_LLM_MODEL``), build
the clients with one reply cache, one budget and one ledger, run, then write the accepted
samples and their dataset card (staged: only a complete run writes ``-o`` and ``<out>.card.md``),
``<out>.rejects.jsonl`` (every rejected item with its reasons, also after a short run) and print
acceptance by reason, type and hops.
A short run (paths or budget ran out) is an error naming how to go on (``--resume``); the
journal keeps every finished item. ``--dry-run`` prints each prompt as JSONL on stdout and a
cost estimate, and calls nothing.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.table import Table

from kgsynth.cli.app import open_store_from_cli, progress, state, stderr, summary
from kgsynth.cli.generate import card_path, remove_stale_staging, staged
from kgsynth.errors import ConfigError, GenerationError, KgsynthError
from kgsynth.export import CoverageReport, dataset_card, write_samples
from kgsynth.export.coverage import coverage_report
from kgsynth.generate.prompts import PromptTemplate
from kgsynth.llm import Budget, Endpoint, Ledger, ReplyCache
from kgsynth.pipeline.gate import BUCKETS, Gate
from kgsynth.pipeline.journal import Journal, journal_path
from kgsynth.pipeline.judge import Judges, model_of, refuse_self_judging
from kgsynth.pipeline.llm_generate import LLMResult, LLMSpec, dry_run, fingerprint, llm_generate
from kgsynth.pipeline.synthesize import SynthesisSpec
from kgsynth.store import GraphStore
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.verify import Checker


@dataclass(frozen=True)
class LLMOptions:
    """The LLM-mode flags of ``kgsynth generate``."""

    llm: str
    model: str | None
    judges: tuple[str, ...]
    budget: float | None
    budget_tokens: int | None
    resume: bool
    dry_run: bool
    cache: Path | None
    spec: LLMSpec


def rejects_path(output: Path) -> Path:
    """``out.jsonl`` -> ``out.rejects.jsonl``."""
    return output.with_name(output.name.removesuffix(output.suffix) + ".rejects.jsonl")


def _endpoint(name: str, model: str | None) -> Endpoint:
    return state().config.llm.endpoint(None if name == "default" else name, model=model)


def generate_llm(
    output: Path, store: str | None, synthesis: SynthesisSpec, format: str, options: LLMOptions
) -> None:
    """Run LLM mode (see the module docstring)."""
    if options.budget is not None and options.budget <= 0:
        raise ConfigError(
            f"--budget {options.budget:g}: no request could be sent; give a positive dollar amount."
        )
    if options.spec.pairwise and not options.judges:
        raise ConfigError("--pairwise needs at least one --judge to compare with.")
    generator_endpoint = _endpoint(options.llm, options.model)
    if options.dry_run:
        _dry_run(store, synthesis, options.spec, generator_endpoint)
        return
    from kgsynth.llm import OpenAIBackend  # the openai extra, only when a model is called

    cache = ReplyCache(options.cache or output.parent / ".kgsynth-llm-cache.db")
    budget = (
        Budget(max_cost=options.budget, max_tokens=options.budget_tokens)
        if options.budget is not None or options.budget_tokens is not None
        else None
    )
    ledger = Ledger()
    generator = OpenAIBackend(
        generator_endpoint, cache=cache, budget=budget, ledger=ledger, seed=synthesis.seed
    )
    judges = [
        OpenAIBackend(_endpoint(name, None), cache=cache, budget=budget, ledger=ledger, seed=synthesis.seed)
        for name in options.judges
    ]
    refuse_self_judging(generator, judges)
    # items in flight follow the endpoint's ceiling: a one-request server gets one item at a time
    spec = options.spec.model_copy(update={"concurrency": generator_endpoint.max_concurrency})
    template = PromptTemplate(
        "qa", spec.prompt, synthesis.language, Path(spec.prompts_dir) if spec.prompts_dir else None
    )
    judge_template = PromptTemplate("judge", "rubric.v1", synthesis.language)
    pairwise_template = PromptTemplate("judge", "pairwise.v1", synthesis.language) if spec.pairwise else None
    for path in (output, rejects_path(output), card_path(output)):
        remove_stale_staging(path)
    journal = Journal(
        journal_path(output), fingerprint(synthesis, spec, generator, judges, template), resume=options.resume
    )
    try:
        with open_store_from_cli(store, must_exist=True) as graph:
            gate = Gate(Checker(graph, closed_world=True), cot=spec.cot)
            with progress("generate --llm", total=synthesis.n) as bar:
                task = bar.task_ids[0]

                def update(report) -> None:
                    bar.update(
                        task, completed=min(report.accepted, synthesis.n), detail=report.progress_line()
                    )

                result = llm_generate(
                    graph, synthesis, spec, generator, gate, journal,
                    judges=Judges(judges, judge_template, pairwise=pairwise_template) if judges else None,
                    on_item=update,
                )  # fmt: skip
            card = _card(
                result,
                graph,
                synthesis,
                spec,
                format,
                output,
                [model_of(llm) for llm in (generator, *judges)],
            )
    except KgsynthError:
        journal.close()
        if not journal.done:  # nothing finished: leave no journal behind to trip the next run
            journal.path.unlink(missing_ok=True)
        raise
    finally:
        cache.close()
    journal.close()
    _finish(result, output, format, journal.path, card)


def _card(
    result: LLMResult,
    graph: GraphStore,
    synthesis: SynthesisSpec,
    spec: LLMSpec,
    format: str,
    output: Path,
    models: list[str],
) -> str:
    """The dataset card of the accepted samples: template mode's card, with the LLM settings and
    the items the gate rejected, by reason, under "Dropped" (no key or endpoint secret in it)."""
    coverage = (
        coverage_report(result.samples, GraphSnapshot.from_store(graph))
        if result.complete
        else CoverageReport()
    )
    config = {
        "format": format,
        **synthesis.model_dump(mode="json"),
        "llm": {"models": models, **spec.model_dump(mode="json", exclude={"concurrency"})},
    }
    drops = {f"LLM item rejected: {bucket}": count for bucket, count in result.report.final_reasons.items()}
    return dataset_card(
        coverage,
        config,
        source=graph.url,
        data_file=output.name,
        drops=drops,
        title="kgsynth dataset (LLM-written, accepted by the graph)",
    )


def _finish(result: LLMResult, output: Path, format: str, journal: Path, card: str) -> None:
    rejects = rejects_path(output)
    with staged(rejects) as temporary, temporary.open("w", encoding="utf-8") as handle:
        for record in result.rejects:
            handle.write(record.model_dump_json(exclude_none=True) + "\n")
    _print_table(result)
    report = result.report
    if not result.complete:
        raise GenerationError(
            f"accepted {len(result.samples)} of {report.wanted} samples ({report.rejected} items rejected, "
            f"see {rejects}); stopped: {report.stop_reason}. {journal} keeps every finished item: "
            "run again with --resume to go on."
        )
    with staged(output) as temporary, staged(card_path(output)) as card_file:
        with temporary.open("w", encoding="utf-8") as handle:
            written = write_samples(iter(result.samples), handle, format)
        card_file.write_text(card, encoding="utf-8")
    summary(
        f"wrote {written} LLM samples to {output} ({report.accepted} accepted, {report.rejected} rejected, "
        f"rejects in {rejects}, dataset card {card_path(output)}); {report.progress_line()}"
    )


def _print_table(result: LLMResult) -> None:
    report = result.report
    if state().quiet:
        return
    table = Table(show_edge=False, pad_edge=False, box=None, title="acceptance", title_justify="left")
    for column in ("by", "value", "accepted", "rejected", "rate"):
        table.add_column(column, justify="left" if column in ("by", "value") else "right")
    for title, groups in (("type", report.by_type), ("hops", report.by_hops)):
        for value, counts in sorted(groups.items(), key=lambda item: str(item[0])):
            table.add_row(title, str(value), *_rates(counts))
    for bucket in BUCKETS:
        if report.reasons[bucket] or report.final_reasons[bucket]:
            table.add_row(
                "reason",
                bucket,
                "",
                f"{report.final_reasons[bucket]} items",
                f"{report.reasons[bucket]} attempts",
            )
    stderr.print(table)
    stderr.print(
        f"attempts {report.attempts}, requests {report.requests} ({report.cost.cache_hits} cached), "
        f"gate {report.gate_seconds:.1f} s, model {report.generate_seconds:.1f} s"
    )


def _rates(counts: Counter[str]) -> tuple[str, str, str]:
    accepted, rejected = counts["accepted"], counts["rejected"]
    total = accepted + rejected
    return str(accepted), str(rejected), f"{accepted / total:.0%}" if total else "-"


def _dry_run(store: str | None, synthesis: SynthesisSpec, spec: LLMSpec, endpoint: Endpoint) -> None:
    with open_store_from_cli(store, must_exist=True) as graph:
        planned = dry_run(graph, synthesis, spec, price_in=endpoint.price_in, price_out=endpoint.price_out)
    for item, prompt in planned.prompts:
        record = {
            "item": item,
            "template": prompt.template_id,
            "prompt_hash": prompt.hash,
            "messages": list(prompt.messages),
        }
        typer.echo(json.dumps(record, ensure_ascii=False))
    sys.stdout.flush()
    summary(
        f"dry run: {len(planned.prompts)} prompts for {endpoint.model} at {endpoint.base_url}, nothing sent; "
        f"estimate per attempt: {planned.prompt_tokens} prompt + up to {planned.completion_tokens} "
        "completion tokens, "
        f"${planned.cost:.4f} (retries and judges add to it)"
    )
