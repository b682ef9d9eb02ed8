"""The ontology-driven spaCy extraction pipeline, shared by ingest and verify.

Importing this package registers the kgsynth spaCy factories, so a pipeline built here
also loads in worker processes (``n_process > 1``) and from ``nlp.to_disk`` output.
"""

from kgsynth.nlp import gazetteer, legal_terms, medical_terms, mentions, ner_map, relations  # noqa: F401
from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts
from kgsynth.nlp.link import EntityResolver, Resolution
from kgsynth.nlp.pipeline import ExtractionPipeline, build_pipeline

__all__ = [
    "EntityResolver",
    "ExtractionPipeline",
    "FoundMention",
    "FoundRelation",
    "Resolution",
    "TextFacts",
    "build_pipeline",
]
