"""Uploaded files: streamed to disk in chunks, stored under the SHA-256 of their bytes.

A file name from the browser is never used as a path: it is kept only as metadata (and
HTML-escaped wherever it is shown). The stored name is ``<sha256><ext>``, where the
extension comes from a fixed list of the formats kgsynth reads (the readers pick a parser by
it), so ``../../x.txt`` lands at ``uploads/<hash>.txt``. The limit is enforced while
streaming, so memory stays flat and a file over it leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path, PurePosixPath

from pydantic import BaseModel

from kgsynth.errors import choices
from kgsynth.service.errors import NotFoundError, RefusedError, UploadTooLarge

#: Extensions of documents the extraction task reads, and of ontologies and JSONL inputs.
DOCUMENT_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".jsonl", ".pdf", ".pubtator")
ONTOLOGY_EXTENSIONS = (".ttl", ".owl", ".rdf", ".xml", ".nt", ".jsonld")
ALLOWED_EXTENSIONS = frozenset(DOCUMENT_EXTENSIONS + ONTOLOGY_EXTENSIONS)
CHUNK_BYTES = 1 << 16


class StoredUpload(BaseModel):
    """An uploaded file: its content hash (the id), stored name, size and the name it was sent as."""

    sha256: str
    stored_as: str
    size: int
    name: str


def extension_of(name: str) -> str:
    """The lower-cased extension of an uploaded file's name, if it is one kgsynth reads.

    Raises:
        RefusedError: naming the allowed extensions.
    """
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise RefusedError(
            f'upload "{name[:80]}": type "{suffix or "(none)"}" is not accepted. '
            f"Accepted: {choices(ALLOWED_EXTENSIONS, limit=20)}."
        )
    return suffix


class UploadStore:
    """The ``uploads/`` folder of the data directory."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        folder.mkdir(parents=True, exist_ok=True)

    async def save(self, name: str, chunks: AsyncIterator[bytes]) -> StoredUpload:
        """Stream ``chunks`` to disk under their hash.

        Raises:
            RefusedError: the extension is not one kgsynth reads.
            UploadTooLarge: the stream went over ``max_bytes`` (nothing is kept).
        """
        suffix = extension_of(name)
        digest, size = hashlib.sha256(), 0
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise UploadTooLarge(
                            f'upload "{name[:80]}" is over the limit of {self.max_bytes} bytes '
                            "(kgsynth serve --max-upload-mb)."
                        )
                    digest.update(chunk)
                    out.write(chunk)
            stored = f"{digest.hexdigest()}{suffix}"
            os.replace(temporary, self.folder / stored)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        upload = StoredUpload(sha256=digest.hexdigest(), stored_as=stored, size=size, name=name[:500])
        (self.folder / f"{stored}.json").write_text(upload.model_dump_json(), encoding="utf-8")
        return upload

    def get(self, sha256: str) -> StoredUpload:
        """The upload with this hash.

        Raises:
            NotFoundError: no such upload (or not a hash).
        """
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFoundError(f'upload "{sha256[:80]}" does not exist: give the sha256 an upload returned.')
        for meta in self.folder.glob(f"{sha256}.*.json"):
            return StoredUpload(**json.loads(meta.read_text(encoding="utf-8")))
        raise NotFoundError(f"upload {sha256} does not exist: upload the file first.")

    def path(self, upload: StoredUpload) -> Path:
        """Where the upload's bytes are."""
        return self.folder / upload.stored_as


async def file_chunks(read: object) -> AsyncIterator[bytes]:
    """The chunks of an async ``read(n)`` callable (a Starlette ``UploadFile.read``)."""
    while True:
        chunk = await read(CHUNK_BYTES)  # type: ignore[operator]
        if not chunk:
            return
        yield chunk


def iter_file(path: Path) -> Iterator[bytes]:
    """A file's bytes in chunks (for streamed downloads)."""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


__all__ = [
    "ALLOWED_EXTENSIONS",
    "DOCUMENT_EXTENSIONS",
    "ONTOLOGY_EXTENSIONS",
    "StoredUpload",
    "UploadStore",
    "extension_of",
    "file_chunks",
    "iter_file",
]
