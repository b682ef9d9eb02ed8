"""Two records with one id never replace each other silently; a build that reads nothing says why.

CLI cases run the real pipeline with ``--model blank`` on the shipped medical ontology.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgsynth.cli import app
from kgsynth.ingest import ReadDocument, read_documents
from kgsynth.ingest.report import SkippedInput
from kgsynth.store import open_store
from tests.ingest.files import write_jsonl, write_pubtator

FIRST = "Warfarin is used to prevent stroke."
SECOND = "Aspirin interacts with warfarin."


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_build(runner: CliRunner, *args: str):
    return runner.invoke(app, ["build", *args, "--ontology", "medical", "--model", "blank"])


def repeated_ids(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "docs.jsonl",
        [{"id": "7", "text": FIRST}, {"id": "8", "text": SECOND}, {"id": "7", "text": SECOND}],
    )


def test_read_jsonl_skips_a_repeated_id_naming_both_lines(tmp_path):
    path = repeated_ids(tmp_path)
    items = list(read_documents([path]))
    assert [type(item) for item in items] == [ReadDocument, ReadDocument, SkippedInput]
    assert str(items[2]) == (
        f'{path.as_posix()}, line 3: duplicate id "7": line 1 has the same id; '
        "this record is skipped and line 1 kept"
    )


def test_read_pubtator_skips_a_repeated_pmid(tmp_path):
    path = write_pubtator(tmp_path / "a.pubtator", [("11", "Title", FIRST), ("11", "Other", SECOND)])
    items = list(read_documents([path]))
    assert isinstance(items[1], SkippedInput)
    assert items[1].reason == (
        'duplicate id "11": line 1 has the same id; this record is skipped and line 1 kept'
    )


def test_read_jsonl_without_ids_has_no_duplicates(tmp_path):
    path = write_jsonl(tmp_path / "docs.jsonl", [{"text": FIRST}, {"text": FIRST}])
    assert [type(item) for item in read_documents([path])] == [ReadDocument, ReadDocument]


def test_cli_build_warns_about_a_repeated_id_and_keeps_the_first(runner, tmp_path):
    path = repeated_ids(tmp_path)
    db = str(tmp_path / "kg.db")
    result = run_build(runner, str(path), "--store", db)
    assert result.exit_code == 0, result.output
    assert (
        f'Warning: skipped {path.as_posix()}, line 3: duplicate id "7": line 1 has the same id; '
        "this record is skipped and line 1 kept"
    ) in result.output.splitlines()
    with open_store(db) as store:
        (document_id,) = store.document_ids(f"{path.as_posix()}#7")
        assert store.get_document(document_id).text == FIRST


def test_cli_build_strict_refuses_a_repeated_id(runner, tmp_path):
    path = repeated_ids(tmp_path)
    result = run_build(runner, str(path), "--store", str(tmp_path / "kg.db"), "--strict")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f'Error: {path.as_posix()}, line 3: duplicate id "7": line 1 has the same id; this record is '
        "skipped and line 1 kept (--strict stops at the first input that cannot be read)."
    )


def test_cli_build_on_an_empty_folder_says_so_and_creates_no_store(runner, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / ".hidden.txt").write_text(FIRST, encoding="utf-8")
    db = tmp_path / "kg.db"
    result = run_build(runner, str(docs), "--store", str(db))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: no documents could be read from {docs}: it holds no files (hidden files are left out); "
        "nothing was built."
    )
    assert not db.exists()


def test_cli_build_with_no_readable_file_names_the_reasons(runner, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    (docs / "table.csv").write_text("a,b\n", encoding="utf-8")
    result = run_build(runner, str(docs), "--store", str(tmp_path / "kg.db"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: no documents could be read from {docs}: all 2 inputs were skipped "
        f"({(docs / 'empty.txt').as_posix()}: empty file; {(docs / 'table.csv').as_posix()}: unsupported "
        'file type ".csv" (supported: .htm, .html, .jsonl, .markdown, .md, .ndjson, .pdf, .pubtator, .text, '
        ".txt, .xhtml)); nothing was built."
    )
