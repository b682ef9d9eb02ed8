"""``kgsynth check`` through the real CLI: exit codes, stdout data, stderr summary, one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import kgsynth.cli.check  # registers the command until kgsynth.cli imports it
from kgsynth.cli import app

GOOD = '{"id": "a", "text": "Aspirin treats headache."}\n'
CONTRADICTED = '{"id": "b", "question": "Does aspirin treat headache?", "answer": "No"}\n'
BAD = "{oops\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner, graph, tmp_path, data: str, *options: str, quiet: bool = False):
    source = tmp_path / "in.jsonl"
    source.write_text(data)
    return runner.invoke(
        app,
        [
            *(["-q"] if quiet else []),
            "check",
            str(source),
            "--store",
            graph.url,
            "--model",
            "blank",
            *options,
        ],
    )


@pytest.mark.parametrize(
    ("data", "options", "code"),
    [
        (GOOD, (), 0),
        (GOOD + BAD, (), 3),
        (GOOD + CONTRADICTED, ("--fail-on", "contradicted"), 4),
        (CONTRADICTED + BAD, ("--fail-on", "contradicted"), 5),
    ],
)
def test_cli_check_exit_codes(runner, graph, tmp_path, data, options, code):
    assert invoke(runner, graph, tmp_path, data, *options).exit_code == code


def test_cli_check_writes_results_to_stdout(runner, graph, tmp_path):
    result = invoke(runner, graph, tmp_path, GOOD + CONTRADICTED, quiet=True)
    assert [json.loads(line)["verdict"] for line in result.stdout.splitlines()] == [
        "supported",
        "contradicted",
    ]


def test_cli_check_writes_output_file_and_html_report(runner, graph, tmp_path):
    result = invoke(
        runner, graph, tmp_path, GOOD, "-o", str(tmp_path / "out.jsonl"), "--html", str(tmp_path / "r.html")
    )
    assert result.exit_code == 0
    assert json.loads((tmp_path / "out.jsonl").read_text())["id"] == "a"
    assert '<mark class="supported"' in (tmp_path / "r.html").read_text()


def test_cli_check_summary_table_goes_to_stderr_and_only_data_to_stdout(runner, graph, tmp_path):
    result = invoke(runner, graph, tmp_path, GOOD + BAD)
    assert "skipped lines" in result.stderr
    assert "in.jsonl, line 2: not valid JSON" in result.stderr
    assert [json.loads(line)["verdict"] for line in result.stdout.splitlines()] == ["supported", "skipped"]


def test_cli_check_missing_input_is_one_line_error(runner, graph, tmp_path):
    result = runner.invoke(
        app, ["check", str(tmp_path / "nope.jsonl"), "--store", graph.url, "--model", "blank"]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {tmp_path / 'nope.jsonl'}: cannot read the input (No such file or directory)."
    )


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_cli_check_empty_input_is_an_error_and_writes_nothing(runner, graph, tmp_path, content):
    source, out = tmp_path / "empty.jsonl", tmp_path / "out.jsonl"
    source.write_text(content, encoding="utf-8")
    result = runner.invoke(
        app, ["check", str(source), "--store", graph.url, "--model", "blank", "-o", str(out)]
    )
    assert (result.exit_code, result.stderr.strip().splitlines()[-1]) == (
        1,
        f"Error: {source}: nothing to check: the input has no records (it is empty or blank).",
    )
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("kg.db")) == ["empty.jsonl"]


def test_cli_check_bad_fail_on_is_a_usage_error(runner, graph, tmp_path):
    assert invoke(runner, graph, tmp_path, GOOD, "--fail-on", "sometimes").exit_code == 2


def test_cli_check_option_choices_mirror_the_library():
    from typing import get_args

    import kgsynth.verify as verify

    assert get_args(kgsynth.cli.check.FailOn) == get_args(verify.FailOn)
    assert set(get_args(kgsynth.cli.check.Coverage)) == set(get_args(verify.Coverage))
    assert kgsynth.cli.check.DEFAULT_MAX_CHARS == verify.DEFAULT_MAX_CHARS


ABSENT_NO = '{"id": "c", "question": "Does aspirin treat tremor?", "answer": "No"}\n'


@pytest.mark.parametrize(
    ("options", "verdict"), [((), "not_fully_supported"), (("--closed-world",), "supported")]
)
def test_cli_check_closed_world_reads_an_absent_fact_as_false(runner, graph, tmp_path, options, verdict):
    # the graph has no "aspirin treats tremor": open world by default, --closed-world makes "no" hold
    result = invoke(runner, graph, tmp_path, ABSENT_NO, *options, quiet=True)
    assert result.exit_code == 0
    assert [json.loads(line)["verdict"] for line in result.stdout.splitlines()] == [verdict]
