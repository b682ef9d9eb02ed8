"""A bare ``kgsynth generate --llm`` means ``--llm default`` (Click has no optional option values)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kgsynth.cli.optional_values import with_implied_values


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["generate", "--llm", "-o", "x"], ["generate", "--llm", "default", "-o", "x"]),
        (["generate", "-o", "x", "--llm"], ["generate", "-o", "x", "--llm", "default"]),
        (["-c", "k.toml", "generate", "--llm"], ["-c", "k.toml", "generate", "--llm", "default"]),
        (["generate", "--llm", "http://h/v1"], ["generate", "--llm", "http://h/v1"]),
        (["serve", "--llm", "--port", "1"], ["serve", "--llm", "--port", "1"]),
        (["generate", "--", "--llm"], ["generate", "--", "--llm"]),
    ],
)
def test_bare_llm_option_gets_default_only_in_generate(argv: list[str], expected: list[str]) -> None:
    assert with_implied_values(argv) == expected


def test_bare_llm_before_another_option_reads_the_default_endpoint(tmp_path) -> None:
    # Without the rewrite, "--llm -o out.jsonl" took "-o" as the endpoint and failed on a missing -o.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "kgsynth", "generate", "--store", str(tmp_path / "none.db"), "--n", "2",
         "--llm", "-o", str(tmp_path / "out.jsonl")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (done.returncode, "no LLM endpoint" in done.stderr) == (1, True), done.stderr
    assert not (tmp_path / "out.jsonl").exists()
