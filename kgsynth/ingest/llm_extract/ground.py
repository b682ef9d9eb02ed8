"""An extraction reply checked against its chunk and the ontology -> ``TextFacts`` with exact offsets.

The model only proposes; what it proposes is kept only when the chunk and the ontology bear
it out, one item at a time:

- a relation whose name, or an end's type, is not in the ontology is rejected;
- a relation whose types break the relation's domain or range is rejected;
- a relation whose ``quote`` is not in the chunk (after normalisation: case, Unicode forms,
  quotes, dashes and spacing ignored; ``names.find_spans``) is rejected;
- a relation whose subject or object is not named in the chunk is rejected.

Every rejection is counted under its reason (``REJECTIONS``). A kept relation becomes a
``FoundRelation`` whose ``span_start``/``span_end`` are the quote's exact offsets in the chunk
(so its evidence is the words that state it), between mentions found where the chunk names its
ends: inside the quote if it does, else the occurrence nearest the quote. Every occurrence of a
named entity becomes a ``FoundMention``. The result goes through the same ``assemble`` as the
rules pipeline's, so offsets, entity resolution and evidence work alike.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kgsynth.ingest.assemble import schema_violation
from kgsynth.ingest.llm_extract.reply import Extraction
from kgsynth.model import Schema, normalise_name
from kgsynth.names import find_spans
from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts

#: Reasons a proposed relation is rejected, as counted in the build report.
UNKNOWN_RELATION = "relation not in the ontology"
UNKNOWN_TYPE = "entity type not in the ontology"
DOMAIN_RANGE = "domain/range violated"
QUOTE_NOT_FOUND = "quote not in the chunk"
NAME_NOT_FOUND = "subject or object not named in the chunk"
REJECTIONS = (UNKNOWN_RELATION, UNKNOWN_TYPE, DOMAIN_RANGE, QUOTE_NOT_FOUND, NAME_NOT_FOUND)

#: The end of a sentence: . ! ? (maybe closing quotes or brackets) and a space, or CJK 。！？.
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+|[。！？]")
Span = tuple[int, int]


@dataclass
class GroundedChunk:
    """The facts kept from one reply, and what was proposed and rejected."""

    facts: TextFacts
    proposed: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    entities_proposed: int = 0
    entities_rejected: int = 0


class _Mentions:
    """The chunk's mentions, one list of occurrences per (type, name), made on first request."""

    def __init__(self, text: str, sentences: list[Span], method: str) -> None:
        self.text = text
        self.sentences = sentences
        self.method = method
        self.found: list[FoundMention] = []
        self._by_key: dict[tuple[str, str], list[int]] = {}

    def of(self, type_name: str, name: str) -> list[int]:
        """Indexes of the mentions of ``name`` as a ``type_name`` (empty: the chunk never names it)."""
        key = (type_name, normalise_name(name))
        if key not in self._by_key:
            self._by_key[key] = [self._add(type_name, name, span) for span in find_spans(name, self.text)]
        return self._by_key[key]

    def _add(self, type_name: str, name: str, span: Span) -> int:
        start, end = span
        sentence = _enclosing(self.sentences, start, end)
        self.found.append(
            FoundMention(
                start=start,
                end=end,
                text=self.text[start:end],
                type=type_name,
                canonical=" ".join(name.split()),
                method=self.method,
                sentence_start=sentence[0],
                sentence_end=sentence[1],
            )
        )
        return len(self.found) - 1

    def nearest(self, indexes: list[int], quote: Span) -> int:
        """The occurrence inside the quote, else the one nearest to it."""
        return min(indexes, key=lambda i: _distance(self.found[i], quote))


def ground(
    reply: Extraction, text: str, schema: Schema, *, extractor: str, confidence: float
) -> GroundedChunk:
    """The facts of ``reply`` that ``text`` (a chunk) and ``schema`` bear out (see the module docstring)."""
    sentences = sentence_spans(text)
    mentions = _Mentions(text, sentences, extractor)
    out = GroundedChunk(facts=TextFacts(text=text), proposed=len(reply.relations))
    out.entities_proposed = len(reply.entities)
    for entity in reply.entities:
        if not schema.has_entity_type(entity.type) or not mentions.of(entity.type, entity.name):
            out.entities_rejected += 1
    relations: list[FoundRelation] = []
    for item in reply.relations:
        reason = _violation(item, schema)
        quote = find_spans(item.quote, text)[:1] if reason is None else []
        if reason is None and not quote:
            reason = QUOTE_NOT_FOUND
        subjects = mentions.of(item.subject_type, item.subject) if reason is None else []
        objects = mentions.of(item.object_type, item.object) if reason is None else []
        if reason is None and not (subjects and objects):
            reason = NAME_NOT_FOUND
        if reason is not None:
            out.rejected[reason] += 1
            continue
        span = quote[0]
        sentence = _enclosing(sentences, *span)
        relations.append(
            FoundRelation(
                subject=mentions.nearest(subjects, span),
                object=mentions.nearest(objects, span),
                predicate=item.relation,
                negated=item.negated,
                confidence=confidence,
                rule=extractor,
                sentence_start=sentence[0],
                sentence_end=sentence[1],
                span_start=span[0],
                span_end=span[1],
            )
        )
    out.facts = TextFacts(
        text=text, mentions=tuple(mentions.found), relations=tuple(relations), sentences=tuple(sentences)
    )
    return out


def _violation(item, schema: Schema) -> str | None:
    if not schema.has_relation(item.relation):
        return UNKNOWN_RELATION
    if not (schema.has_entity_type(item.subject_type) and schema.has_entity_type(item.object_type)):
        return UNKNOWN_TYPE
    if schema_violation(schema, item.relation, item.subject_type, item.object_type) is not None:
        return DOMAIN_RANGE
    return None


def sentence_spans(text: str) -> list[Span]:
    """``(start, end)`` of each sentence of ``text`` (English or CJK end marks), in order."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group().rstrip())
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans or [(0, len(text))]


def _enclosing(sentences: list[Span], start: int, end: int) -> Span:
    """From the sentence holding ``start`` to the one holding ``end`` (a quote may span two)."""
    first = next((s for s in sentences if s[0] <= start < s[1]), (start, end))
    last = next((s for s in sentences if s[0] < end <= s[1]), (start, end))
    return min(first[0], start), max(last[1], end)


def _distance(mention: FoundMention, span: Span) -> int:
    if span[0] <= mention.start and mention.end <= span[1]:
        return -1  # inside the quote
    return min(abs(mention.start - span[1]), abs(span[0] - mention.end))
