"""Split a document into chunks of whole paragraphs (or sentences) no longer than a limit.

Chunks are what the extraction pipeline reads, one spaCy ``Doc`` each: bounded chunks keep
parser memory bounded and let ``n_process`` workers share a long document. Relations are read
within a sentence, so cutting only between paragraphs, or between sentences of a paragraph
that is itself too long, loses nothing. A single sentence longer than the limit is cut at
the last space before it (or hard, if it has none). Consecutive paragraphs are packed into
one chunk while they fit, because fewer, fuller texts go through spaCy faster.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kgsynth.model import Chunk, Document

#: Default largest chunk, in characters: a few paragraphs.
DEFAULT_MAX_CHUNK_CHARS = 2000

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]*)*")
#: End of a sentence: . ! or ? (maybe closing quote/bracket), space, then something that starts one.
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


def chunk_document(document: Document, max_chars: int = DEFAULT_MAX_CHUNK_CHARS) -> list[Chunk]:
    """The document's chunks in order; each is at most ``max_chars`` long and starts and ends on text.

    Example:
        >>> doc = Document.from_text("First paragraph.\\n\\nSecond one.")
        >>> [c.text for c in chunk_document(doc, max_chars=20)]
        ['First paragraph.', 'Second one.']
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    chunks: list[Chunk] = []
    start = end = None
    for piece_start, piece_end in _pieces(document.text, max_chars):
        if start is not None and piece_end - start > max_chars:
            chunks.append(Chunk.of(document, start, end))
            start = None
        if start is None:
            start = piece_start
        end = piece_end
    if start is not None:
        chunks.append(Chunk.of(document, start, end))
    return chunks


def _pieces(text: str, max_chars: int) -> Iterator[tuple[int, int]]:
    """Spans of paragraphs, or of the sentences (or cuts) of a paragraph over ``max_chars``."""
    for paragraph in _PARAGRAPH.finditer(text):
        start, end = _strip(text, paragraph.start(), paragraph.end())
        if start >= end:
            continue
        if end - start <= max_chars:
            yield start, end
            continue
        for sentence_start, sentence_end in _sentences(text, start, end):
            yield from _cut(text, sentence_start, sentence_end, max_chars)


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for boundary in _SENTENCE_END.finditer(text, start, end):
        split = boundary.start() + len(boundary.group().rstrip())
        yield start, split
        start = boundary.end()
    if start < end:
        yield start, end


def _cut(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``max_chars``, cut at spaces where there are any."""
    while end - start > max_chars:
        limit = start + max_chars
        space = text.rfind(" ", start + 1, limit + 1)
        cut = space if space > start else limit
        yield _strip(text, start, cut)
        start, _ = _strip(text, cut, end)
    if start < end:
        yield start, end


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
