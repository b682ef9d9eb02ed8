"""LLM-assisted extraction (``kgsynth build --extractor llm|both``): a model reads, the chunk decides.

``LLMExtractor`` prompts a model with each chunk and the ontology, takes typed entities and
relations back through a reply model built from the ontology (``reply.py``), keeps only the
relations whose quote is in the chunk and whose types fit the ontology (``ground.py``), and
assembles them like the rules pipeline's, with exact offsets and extractor ``llm:<model>``.
With ``both``, the two readings are combined and their agreement counted (``combine.py``).

The report models load eagerly (the build report holds one); the rest on first use, because
it reads ``kgsynth.nlp``'s result types and that package loads spaCy (``kgsynth --help`` stays fast).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from kgsynth.ingest.llm_extract.counts import Agreement, LLMExtractionReport

if TYPE_CHECKING:  # pragma: no cover
    from kgsynth.ingest.llm_extract.extractor import (
        DEFAULT_LLM_CHUNK_CHARS,
        EXTRACTORS,
        LLM_CONFIDENCE,
        Extractor,
        LLMExtractor,
    )
    from kgsynth.ingest.llm_extract.ground import REJECTIONS, ground, sentence_spans
    from kgsynth.ingest.llm_extract.reply import extraction_model

_LAZY = {
    "DEFAULT_LLM_CHUNK_CHARS": "extractor",
    "EXTRACTORS": "extractor",
    "LLM_CONFIDENCE": "extractor",
    "Extractor": "extractor",
    "LLMExtractor": "extractor",
    "REJECTIONS": "ground",
    "ground": "ground",
    "sentence_spans": "ground",
    "extraction_model": "reply",
}

__all__ = [
    "DEFAULT_LLM_CHUNK_CHARS",
    "EXTRACTORS",
    "LLM_CONFIDENCE",
    "REJECTIONS",
    "Agreement",
    "Extractor",
    "LLMExtractionReport",
    "LLMExtractor",
    "extraction_model",
    "ground",
    "sentence_spans",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"kgsynth.ingest.llm_extract.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'kgsynth.ingest.llm_extract' has no attribute {name!r}")
