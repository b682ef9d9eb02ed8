"""``build``: documents -> extraction -> resolution -> one atomic store write per document.

The run is a chain of generators, so memory does not grow with the corpus: files are read one
at a time (``read.py``), each document is chunked as the pipeline asks for more text, the chunk
texts of all documents flow through one ``pipeline.extract`` call (so spaCy's ``n_process``
workers stay busy across document boundaries), and results are regrouped per document as they
come back, in order. Only the documents in flight (about ``batch_size * workers`` chunks) are
held at once.

Ingest semantics (issue 3):
- each document is written as one ``GraphBatch`` (one transaction): a build killed at any
  point leaves whole documents only;
- a document whose id (hash of its text) is already stored is not extracted again, so a rerun
  resumes where an interrupted build stopped and a repeated build changes nothing;
- a document whose source (file path, or JSONL/PubTator record id) held other text before
  replaces it: the older versions are deleted with every fact only they supported;
- ``shard`` keeps only the documents of one shard (see ``shard.py``).
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kgsynth.errors import ConfigError, ExtractionError, InputError
from kgsynth.ingest.assemble import assemble
from kgsynth.ingest.chunk import DEFAULT_MAX_CHUNK_CHARS, chunk_document
from kgsynth.ingest.lifeline import workers_end_with_this_process
from kgsynth.ingest.read import ReadDocument, ReadOptions, check_paths, read_documents
from kgsynth.ingest.report import MAX_SKIPPED_KEPT, BuildProgress, BuildReport, SkippedInput
from kgsynth.ingest.shard import Shard
from kgsynth.model import Chunk, GraphBatch, Schema
from kgsynth.store import GraphStore

if TYPE_CHECKING:  # kgsynth.nlp loads spaCy: imported in build(), so `kgsynth --help` stays fast
    from kgsynth.ingest.assemble import DocumentGraph
    from kgsynth.ingest.llm_extract import Extractor, LLMExtractor
    from kgsynth.nlp import EntityResolver, ExtractionPipeline, TextFacts

logger = logging.getLogger(__name__)

#: Chunk texts per spaCy batch (``nlp.pipe(batch_size=...)``).
DEFAULT_BATCH_SIZE = 64

Progress = Callable[[BuildProgress], None]


def build(
    paths: Iterable[str | os.PathLike[str]],
    store: GraphStore,
    schema: Schema,
    *,
    pipeline: ExtractionPipeline | None = None,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    shard: Shard | None = None,
    progress: Progress | None = None,
    read_options: ReadOptions | None = None,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    strict: bool = False,
    extractor: Extractor = "rules",
    llm: LLMExtractor | None = None,
) -> BuildReport:
    """Read the documents under ``paths`` into ``store`` as entities and relations of ``schema``.

    Args:
        pipeline: the extraction pipeline; default ``build_pipeline(schema)`` (trained model if
            installed, else rules only).
        workers: processes for extraction (spaCy ``n_process``).
        shard: build only this shard's documents.
        progress: called with running totals after each document.
        strict: raise at the first skipped input or dropped fact instead of counting it; the
            documents written before stay (each is complete).
        extractor: "rules" (the spaCy pipeline), "llm" (``llm`` reads each chunk; chunks are
            no longer than ``llm.max_chunk_chars``) or "both" (combined, agreement counted);
            the LLM's counts are the report's ``llm`` section.
        llm: the ``LLMExtractor`` for "llm" and "both".

    Raises:
        InputError: a path does not exist (before anything is written); with ``strict``, an
            input that cannot be read.
        ExtractionError: with ``strict``, a fact that does not fit the schema.
        StoreError: the store refused a write; that document is not written.
        LLMError: the LLM endpoint failed (unreachable, 401, unknown model); documents written
            before are whole, and a rerun resumes after them.

    Example:
        >>> with open_store("kg.db") as store:
        ...     report = build(["examples/docs/medical"], store, load_ontology("medical"))
    """
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}.")
    from kgsynth.nlp import EntityResolver, build_pipeline

    if extractor != "rules" and llm is None:
        raise ConfigError(f'extractor "{extractor}" needs an LLM: pass llm=LLMExtractor(...).')
    checked = check_paths(paths)
    store.ensure_schema(schema)
    if extractor != "llm":
        pipeline = pipeline if pipeline is not None else build_pipeline(schema)
    resolver = EntityResolver(schema)
    for page in store.iter_entities():
        resolver.seed(page)
    run = _Run(store=store, shard=shard, strict=strict, progress=progress)
    todo = run.select(read_documents(checked, read_options))
    # Forked extraction workers must not outlive a build that is killed (lifeline.py).
    with workers_end_with_this_process() if workers > 1 else nullcontext():
        if llm is not None and strict:
            llm.strict = True  # a rejected relation or unusable reply stops the build too
        graphs = _graphs(
            todo, pipeline, resolver, schema, llm, extractor, workers, batch_size, max_chunk_chars
        )
        for item, graph in graphs:
            if strict and graph.dropped:
                reason = next(iter(graph.dropped))
                raise ExtractionError(f'{item.document.source}: dropped {reason}; nothing of it was written.')
            store.write(graph.batch)
            run.built(item, graph.batch, graph.dropped)
    report = run.report(model=getattr(pipeline, "model_name", "") if extractor != "llm" else "")
    if llm is not None and extractor != "rules":
        report = report.model_copy(update={"llm": llm.report()})
    logger.info("%s", report.summary())
    if report.dropped:
        logger.warning("build dropped %d facts that do not fit the ontology", sum(report.dropped.values()))
    return report


def _graphs(
    items: Iterable[ReadDocument],
    pipeline: ExtractionPipeline | None,
    resolver: EntityResolver,
    schema: Schema,
    llm: LLMExtractor | None,
    extractor: Extractor,
    workers: int,
    batch_size: int,
    max_chunk_chars: int,
) -> Iterator[tuple[ReadDocument, DocumentGraph]]:
    """Each document with its graph, read by the rules, the LLM, or both (``extractor``)."""
    if llm is not None and extractor == "llm":
        yield from llm.document_graphs(items, resolver, max_chunk_chars)
        return
    assert pipeline is not None
    if llm is not None and extractor == "both":
        chunk_chars = min(max_chunk_chars, llm.max_chunk_chars)
        extracted = _extract(items, pipeline, workers, batch_size, chunk_chars)
        yield from llm.combined_graphs(extracted, resolver)
        return
    for item, chunks, facts in _extract(items, pipeline, workers, batch_size, max_chunk_chars):
        yield item, assemble(item.document, chunks, facts, resolver, schema)


def _extract(
    items: Iterable[ReadDocument],
    pipeline: ExtractionPipeline,
    workers: int,
    batch_size: int,
    max_chunk_chars: int,
) -> Iterator[tuple[ReadDocument, list[Chunk], list[TextFacts]]]:
    """Each document with its chunks and their facts, streaming every chunk through one ``extract``."""
    pending: deque[tuple[ReadDocument, list[Chunk]]] = deque()

    def texts() -> Iterator[str]:
        for item in items:
            chunks = chunk_document(item.document, max_chunk_chars)
            if chunks:  # readers never yield empty documents, so every document has a chunk
                pending.append((item, chunks))
                yield from (chunk.text for chunk in chunks)

    collected: list[TextFacts] = []
    for facts in pipeline.extract(texts(), n_process=workers, batch_size=batch_size):
        collected.append(facts)
        item, chunks = pending[0]
        if len(collected) == len(chunks):
            pending.popleft()
            yield item, chunks, collected
            collected = []


@dataclass
class _Run:
    """Bookkeeping of one build: what to skip, what was written, running totals."""

    store: GraphStore
    shard: Shard | None
    strict: bool
    progress: Progress | None
    started: float = field(default_factory=time.perf_counter)
    counts: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    skipped: list[SkippedInput] = field(default_factory=list)
    in_flight: set[str] = field(default_factory=set)

    def select(self, items: Iterable[ReadDocument | SkippedInput]) -> Iterator[ReadDocument]:
        """The documents still to build: readable, of this shard, not stored, not already queued."""
        for item in items:
            if isinstance(item, SkippedInput):
                self._skip(item)
                continue
            document = item.document
            self.counts["read"] += 1
            if self.shard is not None and not self.shard.contains(document):
                self.counts["other_shard"] += 1
            elif document.id in self.in_flight or self.store.get_document(document.id) is not None:
                self.counts["unchanged"] += 1
                self._replace_older(item)  # a crash may have come between the write and the delete
            else:
                self.in_flight.add(document.id)
                yield item
                continue
            self._report_progress()

    def built(self, item: ReadDocument, batch: GraphBatch, dropped: Counter[str]) -> None:
        """Count a written document and delete the versions it replaces."""
        self.in_flight.discard(item.document.id)
        self.counts.update(
            built=1,
            chunks=len(batch.chunks),
            entities=len(batch.entities),
            mentions=len(batch.mentions),
            relations=len(batch.relations),
            words=len(item.document.text.split()),
        )
        self.dropped.update(dropped)
        self._replace_older(item)
        self._report_progress()

    def report(self, model: str) -> BuildReport:
        """The totals so far as a ``BuildReport``."""
        c = self.counts
        return BuildReport(
            documents_read=c["read"], documents_built=c["built"], documents_unchanged=c["unchanged"],
            documents_replaced=c["replaced"], documents_other_shard=c["other_shard"], chunks=c["chunks"],
            entities=c["entities"], mentions=c["mentions"], relations=c["relations"], words=c["words"],
            dropped=dict(sorted(self.dropped.items())), skipped_count=c["skipped"],
            skipped=tuple(self.skipped), model=model, seconds=time.perf_counter() - self.started,
        )

    def _skip(self, item: SkippedInput) -> None:
        if self.strict:
            raise strict_refusal(item)
        logger.warning("skipped %s", item)
        self.counts["skipped"] += 1
        if len(self.skipped) < MAX_SKIPPED_KEPT:
            self.skipped.append(item)

    def _replace_older(self, item: ReadDocument) -> None:
        """Delete other documents stored under this document's source: older versions of it."""
        if not item.replaces_older:
            return
        # TODO(issue 3): GraphStore.document_ids(source) is being added to both backends; until a
        # backend has it, changed documents are added beside their older versions.
        document_ids = getattr(self.store, "document_ids", None)
        if document_ids is None:
            return
        for old_id in document_ids(item.document.source):
            if old_id != item.document.id:
                report = self.store.delete_document(old_id)
                logger.debug('replaced %s of "%s": deleted %s', old_id, item.document.source, report)
                self.counts["replaced"] += 1

    def _report_progress(self) -> None:
        if self.progress is None:
            return
        c = self.counts
        elapsed = time.perf_counter() - self.started
        self.progress(
            BuildProgress(
                documents=c["read"], built=c["built"], entities=c["entities"], relations=c["relations"],
                skipped=c["skipped"], docs_per_s=c["built"] / elapsed if elapsed > 0 else 0.0,
            )
        )


def strict_refusal(item: SkippedInput) -> InputError:
    """The error ``--strict`` stops a build with at an input that cannot be read."""
    return InputError(f"{item} (--strict stops at the first input that cannot be read).")
