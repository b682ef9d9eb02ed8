"""Ingest stage: documents on disk -> entities and relations with source spans in a graph store.

``build`` reads files (``read.py``), chunks them (``chunk.py``), runs the ``kgsynth.nlp``
extraction pipeline, resolves entities, and writes one atomic batch per document
(``assemble.py``, ``build.py``); ``remove`` deletes a document and the facts only it supported.
"""

from kgsynth.ingest.assemble import DocumentGraph, assemble, schema_violation
from kgsynth.ingest.build import DEFAULT_BATCH_SIZE, build
from kgsynth.ingest.chunk import DEFAULT_MAX_CHUNK_CHARS, chunk_document
from kgsynth.ingest.normalise import normalise_document_text
from kgsynth.ingest.read import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    ReadDocument,
    ReadOptions,
    check_paths,
    iter_files,
    read_documents,
    read_file,
)
from kgsynth.ingest.remove import remove
from kgsynth.ingest.report import BuildProgress, BuildReport, SkippedInput
from kgsynth.ingest.shard import Shard, shard_of

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CHUNK_CHARS",
    "FORMATS",
    "BuildProgress",
    "BuildReport",
    "DocumentGraph",
    "ReadDocument",
    "ReadOptions",
    "Shard",
    "SkippedInput",
    "assemble",
    "build",
    "check_paths",
    "chunk_document",
    "iter_files",
    "normalise_document_text",
    "read_documents",
    "read_file",
    "remove",
    "schema_violation",
    "shard_of",
]
