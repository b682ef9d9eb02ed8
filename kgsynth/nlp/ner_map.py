"""Statistical NER labels mapped onto ontology types.

The model's labels (OntoNotes: ORG, PERSON, GPE, LAW, DATE, MONEY, ...) mean nothing to
the graph until mapped to the ontology's types. The mapping comes from configuration;
the default names, for each label, the types to try in order, so one default serves every
ontology: a label whose types the schema lacks (ORG for the medical ontology) is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.language import Language
from spacy.tokens import Doc

from kgsynth.errors import ConfigError, choices
from kgsynth.model import Schema
from kgsynth.nlp.candidates import add_candidate
from kgsynth.nlp.months import MONTH_WORDS

#: Model label -> ontology types to try, most specific first.
DEFAULT_NER_TYPES: dict[str, tuple[str, ...]] = {
    "ORG": ("Organization", "Party"),
    "PERSON": ("Person", "Party"),
    "NORP": ("Party",),
    "GPE": ("Jurisdiction",),
    "LAW": ("Statute",),
    "DATE": ("Date",),
    "MONEY": ("Amount",),
}


def resolve_ner_labels(schema: Schema, ner_labels: Mapping[str, str] | None) -> dict[str, str]:
    """The label -> type mapping to use with ``schema``.

    Raises:
        ConfigError: if an explicit mapping names a type the schema does not have.
    """
    if ner_labels is None:
        mapping = {}
        for label, candidates in DEFAULT_NER_TYPES.items():
            present = next((t for t in candidates if schema.has_entity_type(t)), None)
            if present:
                mapping[label] = present
        return mapping
    for label, type_name in ner_labels.items():
        if not schema.has_entity_type(type_name):
            raise ConfigError(
                f'ner_labels maps "{label}" to "{type_name}", which is not an entity type of the ontology '
                f"{schema.name or ''}. Types present: {choices(t.name for t in schema.entity_types)}."
            )
    return dict(ner_labels)


@Language.factory("kgsynth_ner_map", default_config={"labels": {}})
def make_ner_map(nlp: Language, name: str, labels: dict[str, str]) -> NerMap:
    """spaCy factory: turn ``doc.ents`` with a label in ``labels`` into typed candidates."""
    return NerMap(labels)


class NerMap:
    """Adds a candidate of the mapped type for each statistical entity with a mapped label."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = dict(labels)

    def __call__(self, doc: Doc) -> Doc:
        for ent in doc.ents:
            type_name = self.labels.get(ent.label_)
            if type_name and _plausible(ent):
                start = ent.start + 1 if ent[0].lower_ in ("the", "a", "an") and len(ent) > 1 else ent.start
                add_candidate(doc, start, ent.end, type_name, f"ner:{ent.label_}")
        return doc




def _plausible(ent) -> bool:
    """DATE entities must name a calendar date ("six months" is a duration, not a Date)."""
    if ent.label_ != "DATE":
        return True
    return any(
        t.lower_.rstrip(".") in MONTH_WORDS or (t.like_num and len(t.text) == 4) or "/" in t.text
        for t in ent
    )
