"""``kgsynth build`` / ``kgsynth remove``: exit codes, one-line errors, nothing written when refused.

These run the real pipeline with ``--model blank`` (rules and gazetteer only: fast, no trained
model), on the shipped medical ontology.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kgsynth.cli.build  # noqa: F401  (registers build and remove on the app)
from kgsynth.cli import app
from kgsynth.store import open_store

REPO = Path(__file__).resolve().parents[2]
GOOD = "Warfarin is used to prevent stroke. Aspirin interacts with warfarin."


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_build(runner: CliRunner, *args: str, quiet: bool = False):
    options = ["-q"] if quiet else []
    return runner.invoke(app, [*options, "build", *args, "--ontology", "medical", "--model", "blank"])


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_cli_build_unknown_ontology_is_refused_before_writing(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "kg.db"
    args = ["build", str(tmp_path / "a.txt"), "--store", str(db), "--ontology", "nosuch"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert last_line(result.output).startswith("Error: ") and "nosuch" in result.output
    assert not db.exists()


def test_cli_build_missing_input_is_refused_before_writing(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    result = run_build(runner, str(tmp_path / "nowhere"), "--store", str(db))
    assert result.exit_code == 1
    assert last_line(result.output) == f'Error: input "{tmp_path / "nowhere"}" does not exist.'
    assert not db.exists()


def test_cli_build_bad_shard_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = run_build(runner, str(tmp_path / "a.txt"), "--store", str(tmp_path / "kg.db"), "--shard", "2/2")
    assert result.exit_code == 1
    assert last_line(result.output) == (
        'Error: --shard "2/2": the index must be 0 to 1 for 2 shards (shards are numbered from 0).'
    )


def test_cli_build_with_nothing_readable_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    (docs / "image.txt").write_bytes(b"\x89PNG\x00\x00")
    result = run_build(runner, str(docs), "--store", str(tmp_path / "kg.db"))
    assert result.exit_code == 1
    assert last_line(result.output) == (
        f"Error: no documents could be read from {docs}: all 2 inputs were skipped "
        f"({(docs / 'empty.txt').as_posix()}: empty file; {(docs / 'image.txt').as_posix()}: binary file "
        "(contains NUL bytes), not text); nothing was built."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]  # no empty store left behind


def test_cli_build_with_nothing_readable_keeps_an_existing_store(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\x00\x00")
    store = str(tmp_path / "kg.db")
    assert run_build(runner, str(tmp_path / "good.txt"), "--store", store).exit_code == 0
    assert run_build(runner, str(tmp_path / "image.txt"), "--store", store).exit_code == 1
    with open_store(store, create=False) as graph:
        assert graph.stats().documents == 1


def test_cli_build_with_some_inputs_skipped_exits_0_and_warns(runner: CliRunner, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD, encoding="utf-8")
    (docs / "empty.txt").write_bytes(b"")
    db = str(tmp_path / "kg.db")
    result = run_build(runner, str(docs), "--store", db)
    assert result.exit_code == 0, result.output
    assert "Warning: 1 inputs skipped (listed above)" in result.output
    with open_store(db) as store:
        assert store.stats().documents == 1


def test_cli_build_strict_exits_1_at_a_skipped_input(runner: CliRunner, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    result = run_build(runner, str(docs), "--store", str(tmp_path / "kg.db"), "--strict")
    assert result.exit_code == 1
    assert last_line(result.output) == (
        f"Error: {(docs / 'empty.txt').as_posix()}: empty file "
        "(--strict stops at the first input that cannot be read)."
    )
    assert not (tmp_path / "kg.db").exists()


def test_cli_build_json_report_counts_documents(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    db = str(tmp_path / "kg.db")
    result = run_build(runner, str(tmp_path / "a.txt"), "--store", db, "--json", quiet=True)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["documents_read"], report["documents_built"], report["skipped_count"]) == (1, 1, 0)


def test_cli_remove_prints_what_was_deleted(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    db = str(tmp_path / "kg.db")
    assert run_build(runner, str(tmp_path / "a.txt"), "--store", db).exit_code == 0
    with open_store(db) as store:
        (document_id,) = {m.document_id for m in store.mentions()}
    result = runner.invoke(app, ["-q", "remove", document_id, "--store", db])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["document_id"], report["documents"]) == (document_id, 1)
    with open_store(db) as store:
        assert store.stats().documents == 0


def test_cli_remove_unknown_document_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "kg.db")
    open_store(db).close()
    result = runner.invoke(app, ["remove", "doc:0000", "--store", db])
    assert result.exit_code == 1
    assert last_line(result.output) == (
        f'Error: no document "doc:0000" in the store "{db}"; nothing was deleted.'
    )


@pytest.mark.integration
@pytest.mark.parametrize(("domain", "documents"), [("medical", 38), ("legal", 22)])
def test_cli_build_demo_corpus_builds_a_graph(
    runner: CliRunner, tmp_path: Path, domain: str, documents: int
) -> None:
    db = str(tmp_path / "kg.db")
    result = runner.invoke(
        app, ["-q", "build", str(REPO / "examples" / "docs" / domain), "--ontology", domain, "--store", db]
    )
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        stats = store.stats()
    assert stats.documents == documents
    assert stats.relations >= documents  # at least one fact per document on average
