"""The reply an extraction prompt asks for: a pydantic model built from the ontology.

Entity types and relation names are ``enum``\\ s of the ontology's names in the JSON schema the
endpoint receives (a server that constrains decoding, such as llama.cpp, can write nothing
else), while validation takes any string (``ontology.prompt.name_enum``): an item naming
something outside the ontology is rejected on its own and counted, not the whole reply. Lists
and strings are bounded, so a looping model cannot run on forever. Relations come before the
entity list (tokens go to facts first), and ``quote`` comes first in each relation, so a model
copies the words before it reads a fact out of them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from kgsynth.model import Schema
from kgsynth.ontology.prompt import ProposedTriple, triple_fields

#: Most relations (and, apart, entities) one chunk's reply may hold, by default.
MAX_ITEMS = 12
#: Longest quote accepted, in characters.
MAX_QUOTE = 300


class ExtractedEntity(BaseModel):
    """An entity the model names in the chunk (the fields of the ontology's generated model)."""

    model_config = ConfigDict(frozen=True)

    name: str
    type: str


class _Quoted(BaseModel):
    quote: str


class ExtractedRelation(ProposedTriple, _Quoted):
    """A relation the model reads, after the words of the chunk that state it (``quote`` first)."""


class Extraction(BaseModel):
    """One chunk's reply."""

    model_config = ConfigDict(frozen=True)

    relations: list[ExtractedRelation] = []
    entities: list[ExtractedEntity] = []


def extraction_model(schema: Schema, max_items: int = MAX_ITEMS) -> type[Extraction]:
    """The reply model for ``schema``: ``Extraction`` whose type and relation fields are enums.

    ``max_items`` bounds each list: a small model tends to repeat an item until the bound.
    """
    return _model(schema, max_items)


@lru_cache(maxsize=32)
def _model(schema: Schema, max_items: int) -> type[Extraction]:
    fields = triple_fields(schema)
    entity = create_model(
        "Entity", __base__=ExtractedEntity, name=fields["subject"], type=fields["subject_type"]
    )
    relation = create_model(
        "Relation",
        __base__=ExtractedRelation,
        quote=(str, Field(min_length=1, max_length=MAX_QUOTE)),
        **fields,
    )
    relations: Any = list[relation]  # type: ignore[valid-type]
    entities: Any = list[entity]  # type: ignore[valid-type]
    return create_model(
        "Extraction",
        __base__=Extraction,
        relations=(relations, Field(default_factory=list, max_length=max_items)),
        entities=(entities, Field(default_factory=list, max_length=max_items)),
    )
