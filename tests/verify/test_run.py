"""check_file: the library call behind ``kgsynth check``: output per line, summary, exit codes."""

from __future__ import annotations

import io
import json

import pytest

from kgsynth.errors import InputError, StoreError
from kgsynth.store import open_store
from kgsynth.verify import EXIT_FAILED, EXIT_OK, EXIT_SKIPPED, EXIT_SKIPPED_AND_FAILED, check_file

GOOD = b'{"id": "a", "text": "Aspirin treats headache."}\n'
CONTRADICTED = b'{"id": "b", "question": "Does aspirin treat headache?", "answer": "No"}\n'
UNKNOWN = b'{"id": "c", "text": "Cocaine treats migraine."}\n'
BAD = b"{oops\n"


def run(graph, pipeline, data: bytes, **options):
    out = io.StringIO()
    summary = check_file(io.BytesIO(data), out, graph, pipeline=pipeline, **options)
    return summary, [json.loads(line) for line in out.getvalue().splitlines()]


def test_run_writes_one_output_line_per_input_line_in_order(graph, pipeline):
    _, records = run(graph, pipeline, GOOD + BAD + CONTRADICTED)
    assert [(r["id"], r["line"], r["verdict"]) for r in records] == [
        ("a", 1, "supported"),
        (None, 2, "skipped"),
        ("b", 3, "contradicted"),
    ]


def test_run_output_record_carries_claims_with_linked_entities_and_evidence(graph, pipeline):
    _, [record] = run(graph, pipeline, GOOD)
    [claim] = record["claims"]
    assert (claim["verdict"], claim["subject"]["entity_id"], claim["object"]["entity_id"]) == (
        "supported",
        "Drug:aspirin",
        "Symptom:headache",
    )
    assert claim["evidence"][0]["evidence"][0]["document_id"] == "doc:aspirin-leaflet"


def test_run_qa_record_reports_the_question_and_answer_it_checked(graph, pipeline):
    # A QA pair is read as a query over the question with its answer put in (issue 11); the
    # claim spans point into this text.
    _, [record] = run(graph, pipeline, CONTRADICTED)
    assert (record["kind"], record["text"]) == ("qa", "Does aspirin treat headache? No")


@pytest.mark.parametrize(
    ("data", "fail_on", "code"),
    [
        (GOOD, None, EXIT_OK),
        (GOOD + CONTRADICTED, None, EXIT_OK),
        (GOOD + BAD, None, EXIT_SKIPPED),
        (GOOD + CONTRADICTED, "contradicted", EXIT_FAILED),
        (GOOD + UNKNOWN, "contradicted", EXIT_OK),
        (GOOD + UNKNOWN, "not_fully_supported", EXIT_FAILED),
        (GOOD + BAD, "not_fully_supported", EXIT_SKIPPED),
        (GOOD + BAD, "any", EXIT_SKIPPED_AND_FAILED),
        (CONTRADICTED + BAD, "contradicted", EXIT_SKIPPED_AND_FAILED),
    ],
)
def test_run_exit_code_says_skipped_lines_and_fail_on(graph, pipeline, data, fail_on, code):
    summary, _ = run(graph, pipeline, data)
    assert summary.exit_code(fail_on) == code


def test_run_writes_output_and_report_files(graph, pipeline, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD + BAD)
    summary = check_file(source, tmp_path / "out.jsonl", graph, pipeline=pipeline, html=tmp_path / "r.html")
    assert (summary.checked, len(summary.skipped)) == (1, 1)
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2
    assert '<mark class="supported"' in (tmp_path / "r.html").read_text()


def test_run_missing_input_is_an_input_error(graph, pipeline, tmp_path):
    with pytest.raises(InputError, match=r"missing\.jsonl: cannot read the input"):
        check_file(tmp_path / "missing.jsonl", io.StringIO(), graph, pipeline=pipeline)


def test_run_failed_check_leaves_no_output_file(tmp_path):
    from tests.verify.conftest import SCHEMA
    from tests.verify.test_provenance import TREATS, sample

    source = tmp_path / "in.jsonl"
    source.write_text(sample(TREATS).model_dump_json() + "\n")
    store = open_store(str(tmp_path / "kg.db"))
    store.ensure_schema(SCHEMA)
    store.close()  # the schema is known, but the first lookup fails: mid-run, after the output was opened
    with pytest.raises(StoreError, match="is closed"):
        check_file(source, tmp_path / "out.jsonl", store)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("kg.db")) == ["in.jsonl"]


def test_run_output_file_gets_the_ordinary_mode_for_the_umask(graph, pipeline, tmp_path):
    import os
    import stat

    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD)
    previous = os.umask(0o022)
    try:
        check_file(source, tmp_path / "out.jsonl", graph, pipeline=pipeline)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out.jsonl").stat().st_mode) == 0o644
