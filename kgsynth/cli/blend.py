"""``kgsynth blend``: a real dataset and synthetic samples -> one JSONL at a ratio, with its card.

Mirrors ``kgsynth.export.blend.blend``: both inputs may be any JSONL shape kgsynth reads; the
output is written in one training format (synthetic records by the export code ``generate``
uses) to a temporary file renamed at the end, with ``<out>.card.md`` beside it stating the
ratio reached and what was dropped and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kgsynth.cli.app import app, detail, summary
from kgsynth.cli.generate import card_path, staged
from kgsynth.errors import ConfigError, InputError
from kgsynth.export import FORMATS
from kgsynth.export.blend import blend, blend_card, blend_lines


@app.command("blend")
def blend_cli(
    real: Annotated[
        Path, typer.Argument(help="Real dataset (JSONL: question/answer, Alpaca, ShareGPT, OpenAI).")
    ],
    synthetic: Annotated[Path, typer.Argument(help="Synthetic samples (JSONL, e.g. from kgsynth generate).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The blended JSONL file to write.")],
    ratio: Annotated[float, typer.Option("--ratio", help="Share of real records in the output, 0-1.")] = 0.8,
    format: Annotated[
        str, typer.Option("--format", "-f", help="raw, alpaca, sharegpt or openai.")
    ] = "openai",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the down-sampling and shuffle.")] = 0,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Near-duplicate similarity (MinHash Jaccard estimate).")
    ] = 0.9,
) -> None:
    """Blend real and synthetic data at a ratio, deduplicated within and across the sets.

    Writes the blend and a card beside it (OUT.card.md) with the ratio reached and every drop.
    """
    if format not in FORMATS:
        raise ConfigError(f'--format "{format}" is not one of: {", ".join(FORMATS)}.')
    for path in (real, synthetic):
        if not path.is_file():
            raise InputError(f"{path}: no such file.")
    with (
        real.open(encoding="utf-8", errors="replace") as real_lines,
        synthetic.open(encoding="utf-8", errors="replace") as synthetic_lines,
    ):
        names = (str(real), str(synthetic))
        result = blend(real_lines, synthetic_lines, ratio, seed=seed, threshold=threshold, names=names)
    card = card_path(output)
    sources = {"real": str(real), "synthetic": str(synthetic)}
    with staged(output) as data_file, staged(card) as card_file:
        with data_file.open("w", encoding="utf-8") as out:
            for line in blend_lines(result.items, format):
                out.write(line + "\n")
        card_file.write_text(
            blend_card(result.report, sources=sources, format=format, seed=seed, threshold=threshold),
            encoding="utf-8",
        )
    summary(f"{result.report.summary()}; wrote {output}, card {card}")
    for skipped in result.report.skipped[:10]:
        detail(f"  skipped {skipped}")
