"""``kgsynth blend`` and ``kgsynth serve`` from the command line: exit codes and exact messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kgsynth.cli import app


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_blend_writes_the_ratio_and_a_card(tmp_path: Path) -> None:
    real = _jsonl(tmp_path / "real.jsonl", [{"question": f"Real {i}?", "answer": f"r{i}"} for i in range(80)])
    synthetic = [
        {
            "messages": [
                {"role": "user", "content": f"Synthetic question number {i}?"},
                {"role": "assistant", "content": f"s{i}"},
            ]
        }
        for i in range(50)
    ]
    synthetic.append({"instruction": "Real 3?", "input": "", "output": "r3"})  # repeats a real record
    synth = _jsonl(tmp_path / "synth.jsonl", [*synthetic, {"text": "no question here"}])
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["blend", str(real), str(synth), "--ratio", "0.8", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 100  # 80 real need 20 synthetic
    assert all("messages" in line for line in lines)
    card = (tmp_path / "out.card.md").read_text(encoding="utf-8")
    assert "Ratio of real records: requested 0.800, reached 0.800." in card
    assert "| synthetic: exact duplicate of a real record | 1 |" in card
    assert "| synthetic: unreadable line | 1 |" in card
    assert "| synthetic: sampled down to reach the ratio | 30 |" in card


def test_blend_refuses_a_ratio_outside_zero_and_one(tmp_path: Path) -> None:
    real = _jsonl(tmp_path / "r.jsonl", [{"question": "q?", "answer": "a"}])
    result = CliRunner().invoke(
        app, ["blend", str(real), str(real), "--ratio", "1", "-o", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: blend ratio 1.0 must be between 0 and 1 (the share of real records, e.g. 0.8)."
    )


def test_serve_refuses_a_public_address_without_a_token(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "kgsynth", "serve", "--host", "0.0.0.0", "--store", str(tmp_path / "kg.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "Error: --host 0.0.0.0 is reachable from other machines: set KGSYNTH_API_TOKEN to a secret first "
        "(every request must then carry it), or serve on 127.0.0.1."
    )


def test_blend_refuses_inputs_without_records_and_writes_nothing(tmp_path: Path) -> None:
    real = _jsonl(tmp_path / "real.jsonl", [{"question": "q?", "answer": "a"}])
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    garbled = tmp_path / "garbled.jsonl"
    garbled.write_text("not json\n{}\n", encoding="utf-8")
    cases = [
        ((empty, real), f"Error: {empty}: nothing to blend: it holds no records"),
        ((real, garbled), f"Error: {garbled}: nothing to blend: all 2 of its lines are unreadable"),
        ((real, real), f"Error: {real}: nothing to blend: each of its 1 records repeats one of {real}"),
    ]
    out = tmp_path / "o.jsonl"
    for (first, second), message in cases:
        result = CliRunner().invoke(app, ["blend", str(first), str(second), "-o", str(out)])
        assert (result.exit_code, result.output.strip()) == (
            1,
            message + " (a blend needs records from both inputs).",
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.jsonl", "garbled.jsonl", "real.jsonl"]
