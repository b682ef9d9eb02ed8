"""Loaders: each format's text, source and metadata; folders; every kind of bad input."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from kgsynth.errors import InputError
from kgsynth.ingest import ReadDocument, ReadOptions, SkippedInput, read_documents
from kgsynth.model import document_id
from tests.ingest.files import write_jsonl, write_pdf, write_pubtator


def read_all(*paths: Path, **options: object) -> list[ReadDocument | SkippedInput]:
    return list(read_documents(paths, ReadOptions(**options)))


def only_document(path: Path, **options: object) -> ReadDocument:
    (item,) = read_all(path, **options)
    assert isinstance(item, ReadDocument), item
    return item


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("name", "content", "text"),
    [
        (
            "note.txt",
            "Aspirin treats\nheadache.\n\n\nIt is cheap.\n",
            "Aspirin treats headache.\n\nIt is cheap.",
        ),
        (
            "note.md",
            "# Aspirin\n\n**Aspirin** treats [headache](http://x.org).\n\n- It is cheap.\n- It is old.\n",
            "Aspirin\n\nAspirin treats headache.\n\nIt is cheap.\n\nIt is old.",
        ),
        (
            "note.html",
            "<html><head><title>Note</title><style>p{color:red}</style><script>var x = 1;</script></head>"
            "<body><nav>Home | Drugs</nav><header>Site header</header><h1>Aspirin</h1>"
            "<p>Aspirin <b>treats</b> headache.</p><p>It is cheap.</p>"
            "<footer>Copyright</footer></body></html>",
            "Aspirin\n\nAspirin treats headache.\n\nIt is cheap.",
        ),
    ],
)
def test_read_file_text_is_normalised_without_markup(
    tmp_path: Path, name: str, content: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert only_document(path).document.text == text


def test_read_html_keeps_title_as_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text("<title>Aspirin note</title><p>Aspirin treats headache.</p>", encoding="utf-8")
    assert only_document(path).document.metadata == {"format": "html", "title": "Aspirin note"}


def test_read_document_id_is_hash_of_stored_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("ﬁne  aspirin\n", encoding="utf-8")  # NFKC turns the ligature into "fi"
    document = only_document(path).document
    assert (document.text, document.id) == ("fine aspirin", document_id("fine aspirin"))


def test_read_file_source_is_its_path(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Aspirin treats headache.", encoding="utf-8")
    item = only_document(path)
    assert (item.document.source, item.replaces_older) == (path.as_posix(), True)


def test_read_pdf_extracts_page_text(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "label.pdf", ["Aspirin treats headache.", "Warfarin causes bleeding."])
    document = only_document(path).document
    assert (document.text, document.metadata) == (
        "Aspirin treats headache. Warfarin causes bleeding.",
        {"format": "pdf", "pages": "1"},
    )


@pytest.mark.parametrize("name", ["corpus.pubtator", "corpus.txt"])
def test_read_pubtator_yields_title_and_abstract_per_pmid(tmp_path: Path, name: str) -> None:
    path = write_pubtator(
        tmp_path / name,
        [("111", "Lithium toxicity.", "Lithium causes tremor."), ("222", "Aspirin.", "Aspirin treats pain.")],
    )
    items = read_all(path)
    assert [(i.document.source, i.document.text, i.document.metadata["pmid"]) for i in items] == [
        (f"{path.as_posix()}#111", "Lithium toxicity.\n\nLithium causes tremor.", "111"),
        (f"{path.as_posix()}#222", "Aspirin.\n\nAspirin treats pain.", "222"),
    ]


def test_read_jsonl_reads_text_id_and_metadata(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "docs.jsonl",
        [{"id": "n1", "text": "Aspirin treats headache.", "metadata": {"site": "A", "year": 2020}}],
    )
    item = only_document(path)
    assert (item.document.source, item.document.metadata, item.replaces_older) == (
        f"{path.as_posix()}#n1",
        {"format": "jsonl", "site": "A", "year": "2020", "id": "n1"},
        True,
    )


def test_read_jsonl_without_id_is_named_by_line_and_replaces_nothing(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "docs.jsonl", [{"text": "One."}, {"text": "Two."}])
    items = read_all(path)
    assert [(i.document.source, i.replaces_older) for i in items] == [
        (f"{path.as_posix()}:1", False),
        (f"{path.as_posix()}:2", False),
    ]


def test_read_jsonl_uses_the_configured_text_field(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "docs.jsonl", [{"body": "Aspirin treats headache.", "text": 3}])
    assert only_document(path, text_field="body").document.text == "Aspirin treats headache."


# --------------------------------------------------------------------------- folders


def test_read_folder_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for relative in ("b/two.txt", "a/z.txt", "a/c/one.txt", "top.md", ".hidden.txt", ".git/x.txt"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(f"Text of {relative}.", encoding="utf-8")
    sources = [i.document.source for i in read_all(tmp_path)]
    assert sources == [(tmp_path / r).as_posix() for r in ("a/c/one.txt", "a/z.txt", "b/two.txt", "top.md")]


def test_read_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r'input ".*nowhere" does not exist'):
        read_all(tmp_path / "nowhere")


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t \n", "no text (empty after removing markup and whitespace)"),
        ("scripts.html", b"<script>var x;</script>", "no text (empty after removing markup and whitespace)"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes), not text"),
        ("latin1.txt", "café au lait".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 3)"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf", "not a readable PDF"),
        ("table.csv", b"a,b\n1,2\n", 'unsupported file type ".csv"'),
    ],
)
def test_read_bad_file_is_skipped_with_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (item,) = read_all(path)
    assert isinstance(item, SkippedInput)
    assert (item.path, item.line) == (path.as_posix(), None)
    assert item.reason.startswith(reason)


def test_read_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    tracemalloc.start()
    try:
        (item,) = read_all(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(item, SkippedInput)
    assert item.reason.startswith("209.7 MB, over the limit of 50.0 MB")
    assert peak < 5_000_000


def test_read_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x" * 2000, encoding="utf-8")
    (item,) = read_all(path, max_bytes=1000)
    assert isinstance(item, SkippedInput) and "over the limit of 0.0 MB" in item.reason


def test_read_malformed_jsonl_lines_are_skipped_with_line_numbers(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "docs.jsonl",
        [
            {"text": "Good one."},
            '{"text": "unterminated',
            "",
            '["a", "list"]',
            {"body": "no text field"},
            {"text": 42},
            {"text": "Good two."},
        ],
    )
    items = read_all(path)
    assert [(i.line, i.reason) for i in items if isinstance(i, SkippedInput)] == [
        (2, "not valid JSON (Unterminated string starting at, column 10)"),
        (4, "expected a JSON object, got list"),
        (5, 'no "text" field (fields: body); choose one with --text-field'),
        (6, 'a non-string (int) "text" field (fields: text); choose one with --text-field'),
    ]
    assert [i.document.text for i in items if isinstance(i, ReadDocument)] == ["Good one.", "Good two."]


def test_read_oversized_jsonl_line_is_skipped_and_the_next_is_read(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "docs.jsonl", [{"text": "x" * 5000}, {"text": "Short."}])
    items = read_all(path, max_bytes=1000)
    assert isinstance(items[0], SkippedInput) and items[0].line == 1
    assert [i.document.text for i in items[1:]] == ["Short."]


def test_skipped_input_names_file_and_line() -> None:
    skipped = SkippedInput(path="docs.jsonl", line=3, reason="not valid JSON")
    assert str(skipped) == "docs.jsonl, line 3: not valid JSON"


def test_read_folder_does_not_follow_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Aspirin treats headache.", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [i.document.source for i in read_all(tmp_path)] == [(tmp_path / "a.txt").as_posix()]
