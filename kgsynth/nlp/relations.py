"""Relation extraction over the mentions of a Doc: surface patterns, then trigger co-occurrence.

(a) Patterns from the ontology's patterns file (see ``patterns.py``) match around two
mentions; a match whose mention types break the relation's domain/range is rejected.
A match extends over coordinated mentions ("X causes A, B and C" gives three facts).
(b) When a sentence contains one of a relation's trigger words (its ontology label,
synonyms and the file's extra triggers), every pair of mentions in that sentence whose
types fit the domain/range becomes a lower-confidence candidate. Each relation keeps its
rule, and gets ``negated``/``hedged`` from ``negation.polarity``. Results are written to
``doc._.kgsynth_relations`` as plain lists, so they survive ``Doc.to_bytes``.
"""

from __future__ import annotations

import itertools
import logging
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from kgsynth.model import Schema
from kgsynth.nlp.mentions import MENTIONS_ATTR
from kgsynth.nlp.negation import NEGATION_CUES, CueIndex
from kgsynth.nlp.patterns import PatternSpec, RelationPattern, load_patterns

logger = logging.getLogger(__name__)

RELATIONS_ATTR = "kgsynth_relations"
if not Doc.has_extension(RELATIONS_ATTR):
    Doc.set_extension(RELATIONS_ATTR, default=None)

_LIST_GLUE = frozenset(
    {",", "and", "or", "and/or", "as", "well", "/", "both", "either", "(", ")", '"', "“", "”", "'", "the"}
)


@dataclass(frozen=True)
class _Found:
    subject: int
    object: int
    predicate: str
    confidence: float
    rule: str
    start: int
    end: int
    exempt: frozenset[str]


@Language.factory(
    "kgsynth_relations",
    default_config={
        "schema_json": "{}",
        "patterns_path": "",
        "cooccurrence": True,
        "cooccurrence_confidence": 0.3,
    },
)
def make_relations(
    nlp: Language,
    name: str,
    schema_json: str,
    patterns_path: str,
    cooccurrence: bool,
    cooccurrence_confidence: float,
) -> RelationFinder:
    """spaCy factory: relation patterns from ``patterns_path`` plus trigger co-occurrence for ``schema``."""
    schema = Schema.model_validate_json(schema_json)
    spec = load_patterns(patterns_path or None, schema)
    return RelationFinder(
        nlp, schema, spec, cooccurrence=cooccurrence, cooccurrence_confidence=cooccurrence_confidence
    )


class RelationFinder:
    """Finds typed relations between the mentions ``kgsynth_mentions`` chose."""

    def __init__(
        self,
        nlp: Language,
        schema: Schema,
        spec: PatternSpec,
        *,
        cooccurrence: bool = True,
        cooccurrence_confidence: float = 0.3,
    ) -> None:
        self.schema = schema
        self.cooccurrence = cooccurrence
        self.cooccurrence_confidence = cooccurrence_confidence
        self.relations = {r.name: r for r in schema.relation_types}
        self.patterns: dict[str, RelationPattern] = {}
        self.matcher = Matcher(nlp.vocab)
        for pattern in spec.patterns:
            self.patterns[pattern.rule] = pattern
            for k, segment in enumerate(pattern.segments):
                self.matcher.add(f"{pattern.rule}#{k}", [list(p) for p in segment], greedy="LONGEST")
        self.triggers = PhraseMatcher(nlp.vocab, attr="LOWER")
        for relation, words in (spec.triggers or {}).items():
            self.triggers.add(relation, list(nlp.tokenizer.pipe(words)))
        self._fits_cache: dict[tuple[str, str, str], bool] = {}
        self.modifier_heads = spec.modifier_heads

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.get(MENTIONS_ATTR) or []
        found = self._from_patterns(doc, mentions)
        modifiers = _modifiers(doc, mentions, self.modifier_heads)
        if self.cooccurrence:
            # A pair a pattern already typed is not re-typed by mere co-occurrence.
            typed = _pattern_name_pairs(mentions, found)
            found += [
                f
                for f in self._from_cooccurrence(
                    doc, mentions, {frozenset((f.subject, f.object)) for f in found}
                )
                if typed.get(_name_pair(mentions, f), f.predicate) == f.predicate
            ]
        if modifiers:
            found = [f for f in found if f.subject not in modifiers and f.object not in modifiers]
        doc._.set(RELATIONS_ATTR, self._with_polarity(doc, found))
        return doc

    def fits(self, relation: str, subject_type: str, object_type: str) -> bool:
        """Whether the types satisfy the relation's domain and range (subclasses included)."""
        key = (relation, subject_type, object_type)
        if key not in self._fits_cache:
            rel = self.relations[relation]
            self._fits_cache[key] = (
                not rel.domain or any(self.schema.is_a(subject_type, d) for d in rel.domain)
            ) and (not rel.range or any(self.schema.is_a(object_type, r) for r in rel.range))
        return self._fits_cache[key]

    def _from_patterns(self, doc: Doc, mentions: list[list]) -> list[_Found]:
        if not self.patterns:
            return []
        segment_matches: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
        for match_id, start, end in self.matcher(doc):
            rule, _, k = doc.vocab.strings[match_id].rpartition("#")
            segment_matches[rule][int(k)].append((start, end))
        mention_starts = [m[0] for m in mentions]
        found: list[_Found] = []
        rejected = 0
        for rule, by_segment in segment_matches.items():
            pattern = self.patterns[rule]
            for start, end in _chain(doc, by_segment, pattern.gaps):
                first_index = bisect_left(mention_starts, start)
                inside = [
                    i for i in range(first_index, bisect_left(mention_starts, end)) if mentions[i][1] <= end
                ]
                if len(inside) < 2:
                    continue
                first, second = inside[0], inside[-1]
                if doc[mentions[first][0]].sent.start != doc[mentions[second][0]].sent.start:
                    continue
                subject, obj = (first, second) if pattern.subject_first else (second, first)
                for s, o in self._coordinated(doc, mentions, subject, obj):
                    if s == o or not self.fits(pattern.relation, mentions[s][2], mentions[o][2]):
                        rejected += 1
                        continue
                    found.append(
                        _Found(
                            s,
                            o,
                            pattern.relation,
                            pattern.confidence,
                            pattern.rule,
                            start,
                            end,
                            pattern.required_words,
                        )
                    )
        if rejected:
            logger.debug("relations: %d pattern matches rejected by domain/range", rejected)
        return found

    def _coordinated(self, doc: Doc, mentions: list[list], subject: int, obj: int) -> list[tuple[int, int]]:
        """The pair, plus mentions listed with either end ("A, B and C")."""
        subjects = _list_around(doc, mentions, subject)
        objects = _list_around(doc, mentions, obj)
        if set(subjects) & set(objects):
            return [(subject, obj)]
        return [(s, o) for s in subjects for o in objects]

    def _from_cooccurrence(self, doc: Doc, mentions: list[list], seen: set[frozenset[int]]) -> list[_Found]:
        found: list[_Found] = []
        by_sentence: dict[int, list[int]] = {}
        for i, mention in enumerate(mentions):
            by_sentence.setdefault(doc[mention[0]].sent.start, []).append(i)
        triggered: dict[int, dict[str, tuple[int, int]]] = {}
        positions: dict[tuple[int, str], list[int]] = defaultdict(list)
        lists = _list_ids(doc, mentions)
        for match_id, start, end in self.triggers(doc):
            sent_start = doc[start].sent.start
            if len(by_sentence.get(sent_start, ())) >= 2:
                triggered.setdefault(sent_start, {}).setdefault(doc.vocab.strings[match_id], (start, end))
                positions[(sent_start, doc.vocab.strings[match_id])].append(start)
        for sent_start, relations in triggered.items():
            members = by_sentence[sent_start]
            for relation, (trigger, trigger_end) in relations.items():
                # A trigger that says the relation with a negation cue ("should not be used in" for
                # contraindicated_for) is not negated by that cue: a prohibition of use IS the relation.
                own_cues = frozenset(t.lower_ for t in doc[trigger:trigger_end]) & NEGATION_CUES
                symmetric = self.relations[relation].symmetric
                for a in members:
                    for b in members:
                        if (
                            a == b
                            or (symmetric and b < a)
                            or mentions[a][3].lower() == mentions[b][3].lower()
                        ):
                            continue
                        if frozenset((a, b)) in seen or not self.fits(
                            relation, mentions[a][2], mentions[b][2]
                        ):
                            continue
                        if not symmetric and not _trigger_between(
                            mentions[a], mentions[b], positions[(sent_start, relation)]
                        ):
                            continue
                        if lists.get(a) is not None and lists.get(a) == lists.get(b):
                            continue  # "A, B and C": members of one list are rarely related to each other
                        start = min(mentions[a][0], mentions[b][0], trigger)
                        end = max(mentions[a][1], mentions[b][1], trigger + 1)
                        found.append(
                            _Found(
                                a,
                                b,
                                relation,
                                self.cooccurrence_confidence,
                                f"cooccurrence:{relation}",
                                start,
                                end,
                                own_cues,
                            )
                        )
        return found

    def _with_polarity(self, doc: Doc, found: list[_Found]) -> list[list]:
        best: dict[tuple[int, int, str, bool], list] = {}
        cues = CueIndex(doc)
        sentences: dict[int, Span] = {}
        for item in found:
            first = doc[item.start]
            if first.i not in sentences:
                sentences[first.i] = first.sent
            sent = sentences[first.i]
            negated, hedged = cues.polarity(sent.start, sent.end, item.start, item.end, item.exempt)
            key = (item.subject, item.object, item.predicate, negated)
            row = [item.subject, item.object, item.predicate, negated, hedged, item.confidence, item.rule]
            if key not in best or best[key][5] < item.confidence:
                best[key] = row
        return sorted(best.values(), key=lambda r: (r[0], r[1], r[2], r[3]))


def _name_pair(mentions: list[list], item: _Found) -> frozenset[str]:
    return frozenset((mentions[item.subject][3].lower(), mentions[item.object][3].lower()))


def _pattern_name_pairs(mentions: list[list], found: list[_Found]) -> dict[frozenset[str], str]:
    """Canonical-name pair -> the predicate a pattern gave it anywhere in the text.

    Document-level consistency: once a pattern reads "X in the treatment of Y", mere
    co-occurrence of X and Y elsewhere in the text ("Y occurred after X") is not read as
    another relation between them, which would usually contradict the pattern.
    """
    return {_name_pair(mentions, f): f.predicate for f in found}


def _chain(
    doc: Doc, by_segment: dict[int, list[tuple[int, int]]], gaps: tuple[int, ...]
) -> list[tuple[int, int]]:
    """Whole-pattern matches: segment matches joined by at most ``gaps[i]`` non-mention tokens."""
    partial = [(s, e) for s, e in by_segment.get(0, [])]
    for k, gap in enumerate(gaps, start=1):
        starts: dict[int, list[int]] = defaultdict(list)
        for s, e in by_segment.get(k, []):
            starts[s].append(e)
        extended = []
        for s, e in partial:
            for nxt in range(e, min(e + gap, len(doc)) + 1):
                if nxt > e and (doc[nxt - 1].ent_iob_ != "O" or doc[nxt - 1].is_sent_end):
                    break
                extended.extend((s, end) for end in starts.get(nxt, ()))
        partial = extended
        if not partial:
            break
    return partial


def _modifiers(doc: Doc, mentions: list[list], heads: frozenset[str]) -> set[int]:
    """Mentions right before a mention with a head word ("penicillin allergy": an allergy TO penicillin).

    Such a mention only says which kind of the next thing is meant; it is neither end of a relation.
    """
    if not heads:
        return set()
    return {
        i
        for i, (mention, following) in enumerate(itertools.pairwise(mentions))
        if following[0] == mention[1]
        and not heads.isdisjoint(t.lower_ for t in doc[following[0] : following[1]])
    }


def _trigger_between(a: list, b: list, triggers: list[int]) -> bool:
    """For a directed relation the trigger stands between its two mentions ("X induced Y", "Y after X")."""
    low, high = min(a[1], b[1]), max(a[0], b[0])
    return any(low <= t < high for t in triggers)


def _list_ids(doc: Doc, mentions: list[list]) -> dict[int, int]:
    """Mention index -> index of the first member of the coordinated list it belongs to (lists of 2+)."""
    ids: dict[int, int] = {}
    for i in range(len(mentions)):
        if i not in ids:
            members = _list_around(doc, mentions, i)
            if len(members) > 1:
                ids.update(dict.fromkeys(members, members[0]))
    return ids


def _list_around(doc: Doc, mentions: list[list], index: int) -> list[int]:
    """``index`` and the mentions coordinated with it on either side, in text order."""
    members = [index]
    for step in (-1, 1):
        j = index
        while 0 <= j + step < len(mentions):
            left, right = (mentions[j + step], mentions[j]) if step < 0 else (mentions[j], mentions[j + step])
            gap = doc[left[1] : right[0]]
            if len(gap) == 0 or len(gap) > 3 or any(t.lower_ not in _LIST_GLUE for t in gap):
                break
            j += step
            members.append(j)
    return sorted(members)
