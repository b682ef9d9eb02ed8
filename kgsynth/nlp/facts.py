"""What the extraction pipeline hands on: mentions and relations found in one text.

These are the typed boundary between ``kgsynth.nlp`` and its callers (ingest, verify):
plain character offsets into the text that was given, the rule that produced each item,
and no spaCy objects, so they pickle, serialise to JSON and compare by value.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FoundMention(_Frozen):
    """One typed mention: ``text[start:end]`` names an instance of ontology type ``type``.

    ``canonical`` is the name after abbreviation/synonym normalisation within the text
    ("ASA" -> "acetylsalicylic acid" when the text defines it); ``method`` says which
    rule found the mention ("gazetteer", "ner:ORG", "abbreviation", "lexical:drug_stem", ...).
    """

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    type: str
    canonical: str
    method: str
    sentence_start: int = Field(ge=0)
    sentence_end: int = Field(ge=0)


class FoundRelation(_Frozen):
    """A typed relation between two mentions (indexes into ``TextFacts.mentions``).

    ``rule`` names what produced it ("pattern:treats:is_indicated_for",
    "cooccurrence:treats"), ``negated``/``hedged`` come from cue words in the sentence.
    ``span_start``/``span_end`` give the words that state it when an extractor quotes them
    (LLM extraction); by default its evidence is the span of its two mentions.
    """

    subject: int = Field(ge=0)
    object: int = Field(ge=0)
    predicate: str
    negated: bool = False
    hedged: bool = False
    confidence: float = Field(ge=0.0, le=1.0)
    rule: str
    sentence_start: int = Field(ge=0)
    sentence_end: int = Field(ge=0)
    span_start: int | None = Field(default=None, ge=0)
    span_end: int | None = Field(default=None, ge=0)


class TextFacts(_Frozen):
    """Everything read from one text, in text order."""

    text: str
    mentions: tuple[FoundMention, ...] = ()
    relations: tuple[FoundRelation, ...] = ()
    #: ``(start, end)`` of every sentence, also those without mentions: a checker that finds a
    #: name the pipeline missed needs to know which sentence it belongs to.
    sentences: tuple[tuple[int, int], ...] = ()
