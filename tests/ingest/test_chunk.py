"""Chunking: size limit, paragraph/sentence boundaries, offsets into the stored text, stable ids."""

from __future__ import annotations

import pytest

from kgsynth.ingest import chunk_document
from kgsynth.model import Chunk, Document

TEXT = (
    "Aspirin treats headache.\n\n"
    "Warfarin interacts with aspirin. The combination raises the risk of bleeding! Is it avoidable? "
    "Often it is.\n\n"
    "A closing paragraph."
)


@pytest.mark.parametrize("max_chars", [10, 25, 40, 80, 200, 5000])
def test_chunk_document_respects_the_size_limit(max_chars: int) -> None:
    chunks = chunk_document(Document.from_text(TEXT), max_chars=max_chars)
    assert max(len(chunk.text) for chunk in chunks) <= max_chars


@pytest.mark.parametrize("max_chars", [10, 25, 40, 80, 200, 5000])
def test_chunk_document_text_is_the_document_span(max_chars: int) -> None:
    document = Document.from_text(TEXT)
    chunks = chunk_document(document, max_chars=max_chars)
    assert all(document.text[c.start : c.end] == c.text for c in chunks)


@pytest.mark.parametrize("max_chars", [10, 25, 40, 80, 200, 5000])
def test_chunk_document_loses_no_characters(max_chars: int) -> None:
    chunks = chunk_document(Document.from_text(TEXT), max_chars=max_chars)
    assert "".join("".join(c.text.split()) for c in chunks) == "".join(TEXT.split())


def test_chunk_document_packs_paragraphs_while_they_fit() -> None:
    chunks = chunk_document(Document.from_text(TEXT), max_chars=140)
    assert [c.text for c in chunks] == [
        "Aspirin treats headache.\n\nWarfarin interacts with aspirin. The combination raises the risk of "
        "bleeding! Is it avoidable? Often it is.",
        "A closing paragraph.",
    ]


def test_chunk_document_cuts_between_paragraphs_first() -> None:
    chunks = chunk_document(Document.from_text(TEXT), max_chars=120)
    assert [c.text for c in chunks] == [
        "Aspirin treats headache.",
        "Warfarin interacts with aspirin. The combination raises the risk of bleeding! Is it avoidable? "
        "Often it is.",
        "A closing paragraph.",
    ]


def test_chunk_document_cuts_a_long_paragraph_between_sentences() -> None:
    chunks = chunk_document(Document.from_text(TEXT), max_chars=60)
    assert [c.text for c in chunks] == [
        "Aspirin treats headache.\n\nWarfarin interacts with aspirin.",
        "The combination raises the risk of bleeding!",
        "Is it avoidable? Often it is.\n\nA closing paragraph.",
    ]


def test_chunk_document_cuts_a_long_sentence_at_spaces() -> None:
    document = Document.from_text("alpha beta gamma delta epsilon")
    chunks = chunk_document(document, max_chars=12)
    assert [c.text for c in chunks] == ["alpha beta", "gamma delta", "epsilon"]


def test_chunk_document_cuts_a_word_longer_than_the_limit() -> None:
    document = Document.from_text("x" * 25)
    assert [len(c.text) for c in chunk_document(document, max_chars=10)] == [10, 10, 5]


def test_chunk_document_ids_are_content_hashes() -> None:
    document = Document.from_text(TEXT)
    chunks = chunk_document(document, max_chars=60)
    assert [c.id for c in chunks] == [Chunk.of(document, c.start, c.end).id for c in chunks]
    assert len({c.id for c in chunks}) == len(chunks)


def test_chunk_document_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="max_chars must be at least 1, got 0"):
        chunk_document(Document.from_text(TEXT), max_chars=0)
