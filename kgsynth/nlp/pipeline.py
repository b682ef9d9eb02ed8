"""``build_pipeline``: one spaCy ``nlp`` object built from an ontology, and the facts it reads.

The components, in order, after the base model's own (tagger, parser, NER when present)::

    kgsynth_gazetteer      lexicon names and defined-term class labels  -> candidates
    kgsynth_medical_terms  drug/chemical/disease word shapes            -> candidates  (if the types exist)
    kgsynth_legal_terms    companies, dates, amounts                    -> candidates  (if the types exist)
    kgsynth_ner_map        statistical entities mapped to types         -> candidates
    kgsynth_mentions       overlaps resolved, abbreviations linked      -> doc.ents, doc._.kgsynth_mentions
    kgsynth_relations      patterns + trigger co-occurrence + negation  -> doc._.kgsynth_relations

Every component is a registered factory whose config is plain JSON (the schema as JSON,
file paths), so ``nlp.pipe(..., n_process=2)`` and ``nlp.to_disk`` work as for any spaCy
pipeline. ``ExtractionPipeline.extract`` turns the Docs into ``TextFacts``.

Example::

    pipeline = build_pipeline(load_ontology("medical"))
    facts = pipeline.extract_one("Aspirin (ASA) is indicated for headache.")
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kgsynth.errors import ConfigError
from kgsynth.model import Schema
from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts
from kgsynth.nlp.language import BLANK, load_language
from kgsynth.nlp.mentions import MENTIONS_ATTR
from kgsynth.nlp.ner_map import resolve_ner_labels
from kgsynth.nlp.relations import RELATIONS_ATTR

logger = logging.getLogger(__name__)

_NLP_DIR = Path(__file__).resolve().parent
#: Where the shipped ontologies and their companion files live: wheel package data, then the checkout.
ONTOLOGY_DIRS = (_NLP_DIR.parent / "ontology" / "bundled", _NLP_DIR.parents[1] / "ontologies")
_MEDICAL_TYPES = ("Drug", "Chemical", "Disease")
_LEGAL_TYPES = ("Organization", "Party", "Date", "Amount")


def companion_file(schema: Schema, suffix: str) -> Path | None:
    """The shipped file ``<schema name><suffix>`` (e.g. ``medical.patterns.yaml``), if there is one."""
    if not schema.name:
        return None
    for folder in ONTOLOGY_DIRS:
        path = folder / f"{schema.name}{suffix}"
        if path.is_file():
            return path
    return None


def build_pipeline(
    schema: Schema,
    *,
    patterns: str | Path | None = None,
    model: str = "auto",
    ner_labels: Mapping[str, str] | None = None,
    lexicon: str | Path | None = None,
    cooccurrence: bool = True,
) -> ExtractionPipeline:
    """The extraction pipeline for ``schema``.

    Args:
        patterns: relation patterns file; default ``<ontology name>.patterns.yaml`` when shipped.
        model: "auto" (small English model if installed, else blank), "blank", or a package name.
        ner_labels: model NER label -> entity type; default maps ORG/PERSON/GPE/LAW/DATE/MONEY
            to whichever of Organization/Person/Party/Jurisdiction/Statute/Date/Amount exist.
        lexicon: instance lexicon TSV; default ``<ontology name>.lexicon.tsv`` when shipped.
        cooccurrence: also propose trigger-word co-occurrence relations (lower confidence).

    Raises:
        ConfigError: unknown model, or ``ner_labels`` naming a type the schema lacks.
        InputError: a patterns or lexicon file that cannot be read (file and line named).
    """
    nlp, model_name = load_language(model)
    patterns_path = Path(patterns) if patterns is not None else companion_file(schema, ".patterns.yaml")
    lexicon_path = Path(lexicon) if lexicon is not None else companion_file(schema, ".lexicon.tsv")
    for label, path in (("patterns", patterns_path), ("lexicon", lexicon_path)):
        if path is not None and not path.is_file():
            raise ConfigError(f'{label} file "{path}" does not exist')
    schema_json = schema.model_dump_json()
    nlp.add_pipe(
        "kgsynth_gazetteer", config={"schema_json": schema_json, "lexicon_path": str(lexicon_path or "")}
    )
    if any(schema.has_entity_type(t) for t in _MEDICAL_TYPES):
        nlp.add_pipe("kgsynth_medical_terms", config={"schema_json": schema_json})
    if any(schema.has_entity_type(t) for t in _LEGAL_TYPES):
        nlp.add_pipe("kgsynth_legal_terms", config={"schema_json": schema_json})
    if model_name != BLANK:
        nlp.add_pipe("kgsynth_ner_map", config={"labels": resolve_ner_labels(schema, ner_labels)})
    elif ner_labels:
        resolve_ner_labels(schema, ner_labels)  # still validate the setting
    nlp.add_pipe("kgsynth_mentions")
    nlp.add_pipe(
        "kgsynth_relations",
        config={
            "schema_json": schema_json,
            "patterns_path": str(patterns_path or ""),
            "cooccurrence": cooccurrence,
        },
    )
    logger.info(
        "extraction pipeline for %s: model %s, components %s",
        schema.name or "schema",
        model_name,
        nlp.pipe_names,
    )
    return ExtractionPipeline(nlp=nlp, model_name=model_name, schema=schema)


class ExtractionPipeline:
    """A built spaCy pipeline and the schema it extracts for."""

    def __init__(self, nlp: Language, model_name: str, schema: Schema) -> None:
        self.nlp = nlp
        self.model_name = model_name
        self.schema = schema

    def extract(
        self, texts: Iterable[str], *, n_process: int = 1, batch_size: int = 64
    ) -> Iterator[TextFacts]:
        """One ``TextFacts`` per text, in input order; streams, so memory stays flat."""
        for doc in self.nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
            yield doc_facts(doc)

    def extract_one(self, text: str) -> TextFacts:
        """The facts of a single text."""
        return doc_facts(self.nlp(text))


def doc_facts(doc: Doc) -> TextFacts:
    """Read the mentions and relations the kgsynth components left on ``doc``."""
    rows = doc._.get(MENTIONS_ATTR) or []
    mentions = []
    for start, end, type_name, canonical, method in rows:
        span = doc[start:end]
        sent = span.sent
        mentions.append(
            FoundMention(
                start=span.start_char,
                end=span.end_char,
                text=span.text,
                type=type_name,
                canonical=canonical,
                method=method,
                sentence_start=sent.start_char,
                sentence_end=sent.end_char,
            )
        )
    relations = [
        FoundRelation(
            subject=subject,
            object=obj,
            predicate=predicate,
            negated=bool(negated),
            hedged=bool(hedged),
            confidence=float(confidence),
            rule=rule,
            sentence_start=mentions[subject].sentence_start,
            sentence_end=mentions[subject].sentence_end,
        )
        for subject, obj, predicate, negated, hedged, confidence, rule in doc._.get(RELATIONS_ATTR) or []
    ]
    return TextFacts(
        text=doc.text,
        mentions=tuple(mentions),
        relations=tuple(relations),
        sentences=tuple((sent.start_char, sent.end_char) for sent in doc.sents),
    )
