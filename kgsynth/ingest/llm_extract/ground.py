"""An extraction reply checked against its chunk and the ontology -> ``TextFacts`` with exact offsets.

The model only proposes; what it proposes is kept only when the chunk and the ontology bear
it out, one item at a time:

- a relation whose name, or an end's type, is not in the ontology is rejected;
- a relation whose types break the relation's domain or range is rejected;
- a relation whose ``quote`` is not in the chunk (after normalisation: case, Unicode forms,
  quotes, dashes and spacing ignored; ``names.find_spans``) is rejected;
- a relation whose subject or object is not named in the sentence(s) the quote lies in is
  rejected (a quote must be about the two things it relates);
- a fact the reply states both negated and not is rejected both times (the model contradicts
  itself, and the same words cannot support both).

Every rejection is counted under its reason (``REJECTIONS``). A kept relation becomes a
``FoundRelation`` whose ``span_start``/``span_end`` are the quote's exact offsets in the chunk
(so its evidence is the words that state it), between mentions in the quoted sentence: inside
the quote if it names them, else the occurrence nearest to it. Every occurrence of an entity of
a kept relation, or of a listed entity of a known type, becomes a ``FoundMention``; the ends of
rejected relations do not. The result goes through the same ``assemble`` as the
rules pipeline's, so offsets, entity resolution and evidence work alike.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kgsynth.ingest.assemble import schema_violation
from kgsynth.ingest.llm_extract.reply import ExtractedRelation, Extraction
from kgsynth.model import Schema, normalise_name
from kgsynth.names import find_spans
from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts

#: Reasons a proposed relation is rejected, as counted in the build report.
UNKNOWN_RELATION = "relation not in the ontology"
UNKNOWN_TYPE = "entity type not in the ontology"
DOMAIN_RANGE = "domain/range violated"
QUOTE_NOT_FOUND = "quote not in the chunk"
NAME_NOT_FOUND = "subject or object not named in the quoted sentence"
BOTH_POLARITIES = "stated both ways in one reply"
REJECTIONS = (UNKNOWN_RELATION, UNKNOWN_TYPE, DOMAIN_RANGE, QUOTE_NOT_FOUND, NAME_NOT_FOUND, BOTH_POLARITIES)

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
    """The chunk's mentions: every occurrence of each (type, name) kept, registered once."""

    def __init__(self, text: str, sentences: list[Span], method: str) -> None:
        self.text = text
        self.sentences = sentences
        self.method = method
        self.found: list[FoundMention] = []
        self._by_key: dict[tuple[str, str], list[int]] = {}

    def spans(self, name: str) -> list[Span]:
        """Where the chunk names ``name`` (nothing is registered)."""
        return find_spans(name, self.text)

    def keep(self, type_name: str, name: str) -> list[int]:
        """Register every occurrence of ``name`` as a ``type_name``; their indexes."""
        key = (type_name, normalise_name(name))
        if key not in self._by_key:
            self._by_key[key] = [self._add(type_name, name, span) for span in self.spans(name)]
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


@dataclass(frozen=True)
class _Reading:
    """A proposal that passed every check: where its quote, sentence and ends are."""

    item: ExtractedRelation
    quote: Span
    sentence: Span


def ground(
    reply: Extraction, text: str, schema: Schema, *, extractor: str, confidence: float
) -> GroundedChunk:
    """The facts of ``reply`` that ``text`` (a chunk) and ``schema`` bear out (see the module docstring)."""
    sentences = sentence_spans(text)
    mentions = _Mentions(text, sentences, extractor)
    out = GroundedChunk(facts=TextFacts(text=text), proposed=len(reply.relations))
    readings = []
    for item in reply.relations:
        reading = _read(item, text, schema, sentences, mentions)
        if isinstance(reading, str):
            out.rejected[reading] += 1
        else:
            readings.append(reading)
    readings = _one_polarity(readings, out.rejected)
    relations = [_relation(r, mentions, extractor, confidence) for r in readings]
    out.entities_proposed = len(reply.entities)
    for entity in reply.entities:
        if not schema.has_entity_type(entity.type) or not mentions.keep(entity.type, entity.name):
            out.entities_rejected += 1
    out.facts = TextFacts(
        text=text, mentions=tuple(mentions.found), relations=tuple(relations), sentences=tuple(sentences)
    )
    return out


def _read(
    item: ExtractedRelation, text: str, schema: Schema, sentences: list[Span], mentions: _Mentions
) -> _Reading | str:
    """The proposal placed in the chunk, or the reason it is rejected."""
    reason = _violation(item, schema)
    if reason is not None:
        return reason
    quote = find_spans(item.quote, text)
    if not quote:
        return QUOTE_NOT_FOUND
    sentence = _enclosing(sentences, *quote[0])
    for name in (item.subject, item.object):
        if not any(sentence[0] <= start and end <= sentence[1] for start, end in mentions.spans(name)):
            return NAME_NOT_FOUND
    return _Reading(item=item, quote=quote[0], sentence=sentence)


def _one_polarity(readings: list[_Reading], rejected: Counter[str]) -> list[_Reading]:
    """Drop (and count) the facts the reply states both ways: the model contradicts itself."""
    polarities: dict[tuple[str, ...], set[bool]] = {}
    for r in readings:
        polarities.setdefault(_fact(r.item), set()).add(r.item.negated)
    kept = []
    for r in readings:
        if len(polarities[_fact(r.item)]) > 1:
            rejected[BOTH_POLARITIES] += 1
        else:
            kept.append(r)
    return kept


def _fact(item: ExtractedRelation) -> tuple[str, ...]:
    subject, object_ = normalise_name(item.subject), normalise_name(item.object)
    return (item.subject_type, subject, item.relation, item.object_type, object_)


def _relation(reading: _Reading, mentions: _Mentions, extractor: str, confidence: float) -> FoundRelation:
    item, quote, sentence = reading.item, reading.quote, reading.sentence
    subjects = _within(mentions, mentions.keep(item.subject_type, item.subject), sentence)
    objects = _within(mentions, mentions.keep(item.object_type, item.object), sentence)
    return FoundRelation(
        subject=mentions.nearest(subjects, quote),
        object=mentions.nearest(objects, quote),
        predicate=item.relation,
        negated=item.negated,
        confidence=confidence,
        rule=extractor,
        sentence_start=sentence[0],
        sentence_end=sentence[1],
        span_start=quote[0],
        span_end=quote[1],
    )


def _within(mentions: _Mentions, indexes: list[int], sentence: Span) -> list[int]:
    return [
        i for i in indexes if sentence[0] <= mentions.found[i].start and mentions.found[i].end <= sentence[1]
    ]


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
