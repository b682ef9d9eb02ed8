"""``LLMExtractor``: chunks -> LLM extraction prompts -> grounded facts -> one ``DocumentGraph`` per document.

Each chunk is one prompt (``templates/llm/extract/<language>/relations.v1.j2``: the ontology's
types and relations with labels, descriptions, domain and range, then the chunk), answered as
the ontology's reply model (``reply.py``) and grounded in the chunk (``ground.py``). The chunks
of a document are asked concurrently (the client's limiter bounds how many are in flight), and
the document is assembled like a rules-read one (``assemble``), so it is still written in one
transaction. A reply that cannot be used is counted, and its chunk yields nothing. With
``--extractor both`` the rules' facts for the same chunks are assembled too and the two graphs
are combined (``combine.py``).

Errors of the endpoint (unreachable, 401, unknown model, budget spent) raise ``LLMError``
between documents: the documents written before are whole, and a rerun resumes after them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Literal

from kgsynth.errors import ExtractionError
from kgsynth.ingest.assemble import DocumentGraph, Resolver, assemble
from kgsynth.ingest.chunk import chunk_document
from kgsynth.ingest.llm_extract.combine import combine
from kgsynth.ingest.llm_extract.counts import LLMExtractionReport, Tally
from kgsynth.ingest.llm_extract.ground import GroundedChunk, ground
from kgsynth.ingest.llm_extract.reply import MAX_ITEMS, extraction_model
from kgsynth.llm import LLM, Reply, SamplingParams
from kgsynth.model import Chunk, Schema
from kgsynth.nlp.facts import TextFacts
from kgsynth.ontology.prompt import ontology_view, prompt_language, render_prompt

if TYPE_CHECKING:
    from kgsynth.ingest.read import ReadDocument

logger = logging.getLogger(__name__)

#: Which extraction ``build`` runs: the spaCy rules pipeline, an LLM, or both (combined).
Extractor = Literal["rules", "llm", "both"]
EXTRACTORS: tuple[Extractor, ...] = ("rules", "llm", "both")
#: The prompt template (``templates/llm/extract/<language>/<name>.j2``).
PROMPT = "relations.v1"
#: Confidence of a relation one model read and nothing confirmed.
LLM_CONFIDENCE = 0.6
#: Largest chunk sent in one prompt: with the ontology listed, it fits a 2048-token context.
DEFAULT_LLM_CHUNK_CHARS = 1200
DEFAULT_PARAMS = SamplingParams(temperature=0.0, seed=0, max_tokens=768)


class LLMExtractor:
    """Reads documents with an LLM, in the ontology's terms; keeps running counts for the build report.

    Args:
        llm: any ``kgsynth.llm.LLM`` (``OpenAIBackend``, ``FakeLLM``).
        schema: the ontology the prompt lists and the reply is checked against.
        language: prompt language, "auto" (per chunk: zh for Chinese text, else en), "en" or "zh".
        max_chunk_chars: longest chunk sent in one prompt (``build`` chunks no longer than this).
        max_items: most relations (and entities) one reply may list.
        strict: raise ``ExtractionError`` at the first rejected relation or unusable reply.

    Example:
        >>> extractor = LLMExtractor(FakeLLM(replies=[...]), schema)         # doctest: +SKIP
        >>> build(["notes/"], store, schema, extractor="llm", llm=extractor)  # doctest: +SKIP
    """

    def __init__(
        self,
        llm: LLM,
        schema: Schema,
        *,
        language: str = "auto",
        params: SamplingParams = DEFAULT_PARAMS,
        confidence: float = LLM_CONFIDENCE,
        max_chunk_chars: int = DEFAULT_LLM_CHUNK_CHARS,
        max_items: int = MAX_ITEMS,
        strict: bool = False,
    ) -> None:
        self.llm = llm
        self.schema = schema
        self.model_name = str(getattr(llm, "model", "") or "llm")
        self.extractor = f"llm:{self.model_name}"
        self.language = language
        prompt_language("", language)  # refuse an unknown language now, not at the first chunk
        self.params = params
        self.confidence = confidence
        self.max_chunk_chars = max_chunk_chars
        self.strict = strict
        self.reply_model = extraction_model(schema, max_items)
        self.tally = Tally()
        self._ontology = ontology_view(schema)

    def document_graphs(
        self, items: Iterable[ReadDocument], resolver: Resolver, max_chunk_chars: int
    ) -> Iterator[tuple[ReadDocument, DocumentGraph]]:
        """Each document with the graph the LLM reads from it (``--extractor llm``)."""
        for item in items:
            chunks = chunk_document(item.document, min(max_chunk_chars, self.max_chunk_chars))
            facts = self.extract(chunks, item.document.source)
            yield item, assemble(item.document, chunks, facts, resolver, self.schema)

    def combined_graphs(
        self, extracted: Iterable[tuple[ReadDocument, list[Chunk], list[TextFacts]]], resolver: Resolver
    ) -> Iterator[tuple[ReadDocument, DocumentGraph]]:
        """Each document with the rules' and the LLM's readings combined (``--extractor both``)."""
        for item, chunks, rules_facts in extracted:
            rules = assemble(item.document, chunks, rules_facts, resolver, self.schema)
            facts = self.extract(chunks, item.document.source)
            graph, agreement = combine(
                rules, assemble(item.document, chunks, facts, resolver, self.schema), self.schema
            )
            self.tally.agreed(agreement)
            yield item, graph

    def extract(self, chunks: Sequence[Chunk], source: str = "") -> list[TextFacts]:
        """The grounded facts of each chunk, in order (a chunk whose reply is unusable has none)."""
        replies = asyncio.run(self._ask_all(chunks))
        out = []
        for chunk, reply in zip(chunks, replies, strict=True):
            self.tally.chunks += 1
            if not reply.ok:
                self.tally.unusable[reply.failure or "unknown"] += 1
                self._refuse_if_strict(
                    f"{source}: the {self.model_name} reply was unusable ({reply.failure})"
                )
                out.append(TextFacts(text=chunk.text))
                continue
            grounded = ground(reply.parsed, chunk.text, self.schema, **self._ground_options)
            self._count(grounded, source)
            out.append(grounded.facts)
        return out

    def report(self) -> LLMExtractionReport:
        """The counts so far."""
        t = self.tally
        ledger = getattr(self.llm, "ledger", None)
        usage = ledger.total("extract") if ledger is not None else None
        return LLMExtractionReport(
            model=self.model_name,
            chunks=t.chunks,
            replies_unusable=dict(sorted(t.unusable.items())),
            proposed=t.proposed,
            kept=t.kept,
            rejected=dict(sorted(t.rejected.items())),
            entities_proposed=t.entities_proposed,
            entities_rejected=t.entities_rejected,
            agreement=t.agreement,
            requests=usage.attempts if usage else 0,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
        )

    @property
    def _ground_options(self) -> dict[str, object]:
        return {"extractor": self.extractor, "confidence": self.confidence}

    async def _ask_all(self, chunks: Sequence[Chunk]) -> list[Reply]:
        try:
            return list(await asyncio.gather(*(self._ask(chunk) for chunk in chunks)))
        finally:
            close = getattr(self.llm, "aclose", None)
            if close is not None:  # an HTTP client belongs to this loop, which ends here
                await close()

    async def _ask(self, chunk: Chunk) -> Reply:
        language = prompt_language(chunk.text, self.language)
        messages = render_prompt("extract", PROMPT, language, ontology=self._ontology, text=chunk.text)
        return await self.llm.complete(messages, schema=self.reply_model, params=self.params, stage="extract")

    def _count(self, grounded: GroundedChunk, source: str) -> None:
        t = self.tally
        t.proposed += grounded.proposed
        t.kept += len(grounded.facts.relations)
        t.rejected.update(grounded.rejected)
        t.entities_proposed += grounded.entities_proposed
        t.entities_rejected += grounded.entities_rejected
        for reason, count in grounded.rejected.items():
            logger.debug("%s: %d %s relations rejected: %s", source, count, self.extractor, reason)
        if grounded.rejected:
            reason = next(iter(sorted(grounded.rejected)))
            self._refuse_if_strict(f"{source}: {self.extractor} relation rejected ({reason})")

    def _refuse_if_strict(self, message: str) -> None:
        if self.strict:
            raise ExtractionError(f"{message}; nothing of it was written (--strict).")
