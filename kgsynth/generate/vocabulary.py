"""Type labels and relation phrases in one language, looked up along a pack chain.

The first pack of the chain that spells out a type label or relation phrase wins; otherwise
the label comes from the schema (``EntityType.label`` / ``RelationType.label``) or the name
itself, so a graph imported from RDF with no labels at all still reads ("birthPlace" ->
"birth place"). Results are cached: a run asks about the same few relations millions of times.
"""

from __future__ import annotations

from kgsynth.generate.grammar import type_label, with_the, words_of
from kgsynth.generate.pack import Pack
from kgsynth.generate.phrases import Phrase, default_phrase
from kgsynth.model import ROOT_TYPE, Entity, Schema

#: How an untyped entity is called, per language.
_THING = {"en": "entity", "zh": "实体"}


class Vocabulary:
    """Labels and phrases for one language, from a pack chain and a graph schema."""

    def __init__(self, chain: tuple[Pack, ...], language: str, schema: Schema) -> None:
        self.chain = chain
        self.language = language
        self.schema = schema
        self._labels: dict[str, str] = {}
        self._phrases: dict[str, Phrase] = {}
        self._definite = frozenset(t for pack in chain for t in pack.manifest.definite)

    @property
    def english(self) -> bool:
        return self.language.startswith("en")

    def type_label(self, type_name: str) -> str:
        """How entities of ``type_name`` are called in a sentence: "drug class", "药物类别"."""
        if type_name not in self._labels:
            self._labels[type_name] = self._type_label(type_name)
        return self._labels[type_name]

    def _type_label(self, type_name: str) -> str:
        for pack in self.chain:
            label = pack.manifest.labels.get(self.language, {}).get(type_name)
            if label:
                return label
        schema_label = ""
        if self.schema.has_entity_type(type_name):
            schema_label = self.schema.entity_type(type_name).label
        if type_name == ROOT_TYPE and not schema_label:
            return _THING.get(self.language, _THING["en"])
        if self.english:
            return type_label(type_name, schema_label)
        return schema_label or type_name

    def reference(self, entity: Entity) -> str:
        """How a sentence refers to ``entity``: its name, with "the" for ``definite`` types in English."""
        if self.english and entity.type in self._definite:
            return with_the(entity.name)
        return entity.name

    def relation_label(self, predicate: str) -> str:
        """The relation's label, or its name split into words."""
        if self.schema.has_relation(predicate):
            label = self.schema.relation_type(predicate).label.strip()
            if label:
                return label
        return words_of(predicate)

    def phrase(self, predicate: str) -> Phrase:
        """How ``predicate`` reads in this language (manifest first, else derived from its label)."""
        if predicate not in self._phrases:
            label = self.relation_label(predicate)
            found = next(
                (
                    pack.manifest.phrases[self.language][predicate]
                    for pack in self.chain
                    if predicate in pack.manifest.phrases.get(self.language, {})
                ),
                None,
            )
            if self.english:
                phrase = found.with_label(label) if found else default_phrase(label, self.language)
            else:  # fill-in patterns a manifest leaves out keep the quoted-label defaults
                given = found.model_dump(exclude_defaults=True) if found else {}
                phrase = default_phrase(label, self.language).model_copy(update=given)
            if found is not None:
                phrase = phrase.model_copy(update={"spelled": True})
            self._phrases[predicate] = phrase
        return self._phrases[predicate]


__all__ = ["Vocabulary"]
