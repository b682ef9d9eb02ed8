"""``kgsynth generate``: exactly --n lines plus a card, atomically; one-line errors and no file on failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kgsynth.cli.generate  # noqa: F401  (registers generate on the app)
from kgsynth.cli import app
from kgsynth.cli.generate import card_path, parse_hops
from kgsynth.errors import ConfigError


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def generate(runner: CliRunner, store: str, output: Path, *args: str):
    return runner.invoke(app, ["-q", "generate", "--store", store, "-o", str(output), *args])


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_cli_generate_writes_n_sharegpt_lines_and_a_card(runner, kg_path, tmp_path):
    out = tmp_path / "out.jsonl"
    result = generate(
        runner,
        kg_path,
        out,
        "--n",
        "40",
        "--hops",
        "1-3",
        "--format",
        "sharegpt",
        "--types",
        "factoid,multihop,yesno,mcq",
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 40
    assert all([turn["from"] for turn in r["conversations"]] == ["human", "gpt"] for r in records)
    assert all(r["kgsynth"]["triples"] for r in records)
    card = (tmp_path / "out.card.md").read_text(encoding="utf-8")
    assert card.startswith("# kgsynth dataset") and "| factoid | 10 |" in card


def test_cli_generate_same_seed_gives_the_same_bytes(runner, kg_path, tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (first, second):
        assert generate(runner, kg_path, out, "--n", "30", "--seed", "4").exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_cli_generate_failure_leaves_no_file(runner, tmp_path, short_store):
    out = tmp_path / "out.jsonl"
    result = generate(runner, short_store.url, out, "--n", "5", "--hops", "3", "--types", "multihop")
    assert result.exit_code == 1
    assert last_line(result.output).startswith(
        "Error: made 0 of 5 samples, then the graph could not give a 3-hop path for a multihop sample"
    )
    assert [p.name for p in tmp_path.iterdir() if "out" in p.name] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hops", "two"], 'Error: --hops "two" is not a hop count or range; give e.g. 2 or 1-3.'),
        (["--format", "csv"], 'Error: --format "csv" is not one of: raw, alpaca, sharegpt, openai.'),
        (
            ["--types", "factoid", "--hops", "2-3"],
            "Error: generation setting spec: question type factoid needs 1-1 hops, outside --hops 2-3; "
            "widen the hops or drop the type.",
        ),
        (
            ["--exclude", "cures"],
            'Error: relation "cures" (in exclude) is not in this graph. '
            "Relations present: associated_with, causes, has_symptom, interacts_with, treats.",
        ),
    ],
)
def test_cli_generate_bad_setting_is_one_line_error(runner, kg_path, tmp_path, args, message):
    out = tmp_path / "out.jsonl"
    result = generate(runner, kg_path, out, "--n", "5", *args)
    assert (result.exit_code, last_line(result.output)) == (1, message)
    assert not out.exists()


@pytest.mark.parametrize(("text", "expected"), [("2", (2, 2)), ("1-3", (1, 3)), ("1..4", (1, 4))])
def test_parse_hops_reads_counts_and_ranges(text, expected):
    assert parse_hops(text) == expected


def test_parse_hops_names_the_flag():
    with pytest.raises(ConfigError, match='--hops "3-"'):
        parse_hops("3-")


def test_card_path_sits_beside_the_output():
    assert card_path(Path("data/out.jsonl")) == Path("data/out.card.md")
