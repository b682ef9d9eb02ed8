"""Documents out of files and folders: .txt, .md, .html, .jsonl, .pdf and PubTator, one at a time.

``read_documents`` walks the given paths (folders recursively, in sorted order, so two runs
see the same sequence) and yields either a ``ReadDocument`` or a ``SkippedInput`` naming the
file (and line) and the reason: binary or non-UTF-8 files, empty files, files or records over
the size limit, malformed JSONL lines, unreadable PDFs. Nothing is read whole that is larger
than the limit, and JSONL/PubTator files are streamed record by record, so memory stays flat
however large the corpus is (apart from the ids of one file's records, kept to skip a record
that repeats an earlier one's id rather than let it replace that record).

Each document's text is normalised (``normalise.py``) before the ``Document`` is made, so its
id is the hash of exactly what is stored and all offsets index the stored text.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, Field

from kgsynth.errors import InputError
from kgsynth.ingest.markup import html_to_text, markdown_to_text
from kgsynth.ingest.normalise import PARAGRAPH_SEPARATOR, normalise_document_text
from kgsynth.ingest.report import SkippedInput
from kgsynth.model import Document

logger = logging.getLogger(__name__)

#: Largest file (or JSONL/PubTator record) read by default: 50 MB.
DEFAULT_MAX_BYTES = 50_000_000

#: File suffix -> format name.
FORMATS = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".pdf": "pdf",
    ".pubtator": "pubtator",
}

#: First line of a PubTator document: ``PMID|t|title``; a ``.txt`` file starting so is read as PubTator.
_PUBTATOR_TITLE = re.compile(rb"^\s*(\d+)\|t\|")
_BINARY_PROBE = 8192
_EMPTY_TEXT = "no text (empty after removing markup and whitespace)"


class ReadOptions(BaseModel):
    """How to read inputs: the JSONL field names and the size limit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text_field: str = "text"
    id_field: str = "id"
    metadata_field: str = "metadata"
    max_bytes: int = Field(DEFAULT_MAX_BYTES, gt=0)


@dataclass(frozen=True)
class ReadDocument:
    """A document and whether its ``source`` names it across edits.

    ``replaces_older`` is true when the source is a file, or a JSONL/PubTator record with an id:
    a new text under the same source is a new version of the same document, and the build
    deletes the old one. A JSONL line without an id is named by its line number, which moves
    when lines are inserted, so such documents never replace anything. ``line`` is where a
    JSONL/PubTator record starts (None for whole files).
    """

    document: Document
    replaces_older: bool = True
    line: int | None = None


def check_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The paths as ``Path``\\ s; refuses a missing one before anything is read or written.

    Raises:
        InputError: if a path does not exist, or no path was given.
    """
    checked = [Path(p) for p in paths]
    if not checked:
        raise InputError("no input paths given: name at least one file or folder of documents.")
    for path in checked:
        if not path.exists():
            raise InputError(f'input "{path}" does not exist.')
    return checked


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under ``paths``: files as given, folders walked recursively in sorted path order.

    Hidden files and folders (names starting with ``.``) inside a folder are left out, and
    symbolic links to folders are not followed (as ``os.walk`` does), so a link loop cannot
    recurse forever. The walk is lazy, one folder listing at a time.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if not entry.is_symlink():
                yield from _walk(entry)
        else:
            yield entry


def read_documents(
    paths: Iterable[str | os.PathLike[str]], options: ReadOptions | None = None
) -> Iterator[ReadDocument | SkippedInput]:
    """Yield each document under ``paths``, or a ``SkippedInput`` for what could not be read.

    Raises:
        InputError: if a path does not exist (checked before the first document is read).

    Example:
        >>> for item in read_documents(["examples/docs"]):
        ...     print(item.document.source if isinstance(item, ReadDocument) else item)
    """
    options = options or ReadOptions()
    for path in iter_files(check_paths(paths)):
        yield from read_file(path, options)


def read_file(path: Path, options: ReadOptions) -> Iterator[ReadDocument | SkippedInput]:
    """The documents of one file (several for JSONL and PubTator), or why it was skipped."""
    name = path.as_posix()
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        yield SkippedInput(path=name, reason=f'unsupported file type "{path.suffix or path.name}" '
                           f"(supported: {', '.join(sorted(FORMATS))})")
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield SkippedInput(path=name, reason=f"cannot be read: {exc.strerror}")
        return
    if size == 0:
        yield SkippedInput(path=name, reason="empty file")
        return
    if fmt in ("jsonl", "pubtator") or (fmt == "text" and _starts_like_pubtator(path)):
        reader = _read_jsonl if fmt == "jsonl" else _read_pubtator
        yield from _first_per_id(reader(path, options), name)
        return
    if size > options.max_bytes:
        yield SkippedInput(path=name, reason=_too_large(size, options.max_bytes))
        return
    yield _read_whole_file(path, fmt, options)


def _read_whole_file(path: Path, fmt: str, options: ReadOptions) -> ReadDocument | SkippedInput:
    name = path.as_posix()
    if fmt == "pdf":
        raw, metadata = _pdf_text(path)
        if raw is None:
            return SkippedInput(path=name, reason=metadata["error"])
    else:
        decoded = _decode(_read_at_most(path, options.max_bytes))
        if isinstance(decoded, SkippedInput):
            return decoded.model_copy(update={"path": name})
        raw, metadata = decoded, {}
        if fmt == "html":
            raw, title = html_to_text(raw)
            metadata = {"title": title} if title else {}
        elif fmt == "markdown":
            raw = markdown_to_text(raw)
    return _document(raw, path=name, line=None, source=name, metadata={"format": fmt, **metadata})


def _document(
    raw: str,
    *,
    path: str,
    line: int | None,
    source: str,
    metadata: dict[str, str],
    replaces_older: bool = True,
) -> ReadDocument | SkippedInput:
    text = normalise_document_text(raw)
    if not text:
        return SkippedInput(path=path, line=line, reason=_EMPTY_TEXT)
    document = Document.from_text(text, source=source, metadata=metadata)
    return ReadDocument(document, replaces_older=replaces_older, line=line)


# --------------------------------------------------------------------------- plain files


def _read_at_most(path: Path, max_bytes: int) -> bytes:
    """At most ``max_bytes`` + 1 bytes, so a file that grew after ``stat`` is still caught."""
    with path.open("rb") as handle:
        return handle.read(max_bytes + 1)


def _decode(data: bytes) -> str | SkippedInput:
    """UTF-8 text of ``data``, or why it is not text (path filled in by the caller)."""
    if b"\x00" in data[:_BINARY_PROBE]:
        return SkippedInput(path="", reason="binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SkippedInput(
            path="",
            reason=f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first",
        )


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"{size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB; "
        "split it or raise the limit (--max-mb)"
    )


def _pdf_text(path: Path) -> tuple[str | None, dict[str, str]]:
    """The text of every page, pages separated by paragraph breaks; or None and the error."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return None, {"error": "encrypted PDF; decrypt it first"}
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many exception types on damaged files
        return None, {"error": f"not a readable PDF ({type(exc).__name__}: {exc})"}
    return PARAGRAPH_SEPARATOR.join(pages), {"pages": str(len(pages))}


# --------------------------------------------------------------------------- record files


def _first_per_id(
    items: Iterable[ReadDocument | SkippedInput], name: str
) -> Iterator[ReadDocument | SkippedInput]:
    """Skip a record whose id an earlier record of the same file has, naming both lines.

    WHY: a record with an id is a version of the document stored under that id, so a second
    record with the same id would silently replace the first (issue 11). The ids seen are kept
    (one short string and a line number per record), so memory grows with the file's records.
    """
    first_line: dict[str, int | None] = {}
    for item in items:
        if isinstance(item, ReadDocument) and item.replaces_older:
            source = item.document.source
            if source in first_line:
                first = first_line[source]
                record_id = source[len(name) + 1 :]
                yield SkippedInput(path=name, line=item.line, reason=(
                    f'duplicate id "{record_id}": line {first} has the same id; '
                    f"this record is skipped and line {first} kept"
                ))
                continue
            first_line[source] = item.line
        yield item



def _lines(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; ``None`` for a line longer than ``max_bytes``.

    Lines are read with a bound, so one huge line never sits in memory whole.
    """
    number = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := handle.readline(max_bytes + 1)) and not rest.endswith(b"\n"):
                pass  # drain the rest of the oversized line
            yield number, None
        else:
            yield number, line


def _read_jsonl(path: Path, options: ReadOptions) -> Iterator[ReadDocument | SkippedInput]:
    name = path.as_posix()
    with path.open("rb") as handle:
        for number, line in _lines(handle, options.max_bytes):
            if line is None:
                yield SkippedInput(path=name, line=number, reason=_too_large(options.max_bytes + 1,
                                                                            options.max_bytes))
            elif line.strip():
                yield _jsonl_record(line, name, number, options)


def _jsonl_record(line: bytes, name: str, number: int, options: ReadOptions) -> ReadDocument | SkippedInput:
    def skip(reason: str) -> SkippedInput:
        return SkippedInput(path=name, line=number, reason=reason)

    decoded = _decode(line)
    if isinstance(decoded, SkippedInput):
        return skip(decoded.reason)
    try:
        record = json.loads(decoded.strip())
    except json.JSONDecodeError as exc:
        return skip(f"not valid JSON ({exc.msg}, column {exc.colno})")
    if not isinstance(record, dict):
        return skip(f"expected a JSON object, got {type(record).__name__}")
    text = record.get(options.text_field)
    if not isinstance(text, str):
        fields = ", ".join(sorted(record)) or "none"
        what = "no" if text is None else f"a non-string ({type(text).__name__})"
        return skip(f'{what} "{options.text_field}" field (fields: {fields}); choose one with --text-field')
    metadata = {"format": "jsonl"}
    extra = record.get(options.metadata_field)
    if isinstance(extra, dict):
        metadata.update({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in extra.items()})
    record_id = record.get(options.id_field)
    if record_id is None or record_id == "":
        source, replaces_older = f"{name}:{number}", False
    else:
        metadata["id"] = str(record_id)
        source, replaces_older = f"{name}#{record_id}", True
    return _document(
        text, path=name, line=number, source=source, metadata=metadata, replaces_older=replaces_older
    )


def _starts_like_pubtator(path: Path) -> bool:
    with path.open("rb") as handle:
        return _PUBTATOR_TITLE.match(handle.read(64)) is not None


def _read_pubtator(path: Path, options: ReadOptions) -> Iterator[ReadDocument | SkippedInput]:
    """PubTator: ``PMID|t|title`` and ``PMID|a|abstract`` lines; annotation lines are ignored.

    The stored text is title and abstract as two paragraphs (``title\\n\\nabstract``), so offsets
    differ from PubTator's ``title + " " + abstract`` by the one extra character after the title.
    """
    name = path.as_posix()
    pmid, title, first_line = "", "", 0
    with path.open("rb") as handle:
        for number, line in _lines(handle, options.max_bytes):
            decoded = _decode(line) if line is not None else SkippedInput(
                path="", reason=_too_large(options.max_bytes + 1, options.max_bytes))
            if isinstance(decoded, SkippedInput):
                yield decoded.model_copy(update={"path": name, "line": number})
                continue
            parts = decoded.rstrip("\r\n").split("|", 2)
            if len(parts) == 3 and parts[1] == "t":
                pmid, title, first_line = parts[0], parts[2], number
            elif len(parts) == 3 and parts[1] == "a" and parts[0] == pmid:
                raw = f"{title}{PARAGRAPH_SEPARATOR}{parts[2]}"
                yield _document(raw, path=name, line=first_line, source=f"{name}#{pmid}",
                                metadata={"format": "pubtator", "pmid": pmid})
                pmid = ""
