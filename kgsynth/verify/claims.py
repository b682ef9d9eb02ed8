"""Claims read from text: the extraction pipeline's mentions and relations, linked to the graph.

The pipeline (``kgsynth.nlp``) finds typed mentions and proposes relations between them:
surface patterns, and trigger-word co-occurrence (every type-fitting pair of a sentence
that contains a relation's label or synonym). Co-occurrence alone over-proposes: in
"X, born in Y, is married to Z" it offers every pair for both relations. So claims are
read *graph-guided*, sentence by sentence:

1. a proposal whose fact the graph states (either polarity, any equivalent form) is a claim;
2. two linked mentions that the graph relates by ``p`` make the claim ``p`` when the
   sentence speaks of ``p`` (a pipeline proposal of ``p``, or a word of ``p``'s label
   or synonyms, see ``lexicon.RelationLexicon.mentioned``); with ``implicit=True`` also
   when the pipeline proposes no relation for that pair and no relation's phrase stands
   between them ("Alan Shepard died in California" is read as the graph's deathPlace;
   "Warfarin treats aspirin" is not read as the graph's interacts_with). Polarity comes
   from a negation cue between the two mentions or just before the first;
   With ``implicit=True``, a mention still in no claim then takes the graph's fact with the
   nearest other mention of its sentence that the graph relates it to, unless the pipeline
   proposed a relation for the pair or a phrase of a relation no claim of the sentence
   reads stands between them (step 2b). A co-occurrence proposal whose trigger word a claim
   of the sentence has already read does not count as a proposal here ("Abilene is part of
   Taylor County, in the United States": "part" is Abilene's and Taylor County's; the United
   States take the graph's country);
   Step 2c (implicit only): a mention still in no claim takes the graph's fact with an entity
   of an earlier sentence when its sentence speaks of that fact's relation ("X was written by
   Y and sold well. The media type was Hardcover.");
3. every mention still in no claim gets its best remaining proposal (patterns before
   co-occurrence, then the relation phrase nearest before the object, then the nearest
   partner), whatever the graph says, so statements the graph lacks, contradicts or
   cannot link are still read;
4. neighbouring mentions still in no claim with nothing but a relation phrase between
   them ("Warfarin treats aspirin") are read as written, so a statement whose types fit
   no relation is contradicted rather than ignored.

Before that, mentions the store lookup missed are linked graph-guided to the entities
around the text's other mentions, or dropped when they name no entity
(``neighbour_link.py``); an unlinked mention that merely spells out part of a linked neighbour's
full name ("New Jersey" after "Glen Ridge", the entity "Glen Ridge, New Jersey") is
dropped. A text whose first reading leaves something unread is read again with the names of
its entities' graph neighbours searched for in the text ("can be found in hardcover", a list
value written with "and", ``neighbour_find.py``); sentences that name nothing but use a
relation word ("Its official colour is blue.") count as unread. Proposals are tidied
(``proposals.py``): a co-occurrence proposal whose trigger word occurs only inside an
entity name ("sexual side effects") is dropped, a negation whose only cue is inside a name
("migraine without aura") is undone, and a co-occurrence proposal is turned round when the
text says it the other way round ("Headache treats aspirin").
When a name is ambiguous (several graph entities share it), each step lets the graph
pick the entity its fact is about.

References back to an earlier sentence are read as mentions of what they refer to: the
sentence's first pronoun ("Its leader is ...") stands for the previous sentence's first
entity, and a definite noun phrase ("The country's leader is ...", "The memorial was
designed by ...") for the earlier entity its name or the graph points to (``anaphora.py``);
a reference by a relation's word ("The campus is located in X") also speaks of that relation.
The topic a pronoun stands for is the first entity of the previous sentence, or the one
that sentence's own leading pronoun stood for; when the graph relates the topic to nothing
the sentence names, but relates another earlier entity to something it does, the pronoun
stands for that entity.
The word right after a number a claim reads ("3500.0 metres") is that number's unit, not
a relation word no claim reads.

Step 2 is what lets schemas without patterns (a schema derived from DBpedia predicates)
be checked, and also its risk: a sentence that names two related entities and a word of
their relation is read as stating that relation. Mentions left in no claim are returned
as ``uncovered``; an unlinked one means the text names something the graph does not know.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kgsynth.model import Claim, LinkedMention, Relation
from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts
from kgsynth.verify.anaphora import definite_references, resolve_reference
from kgsynth.verify.factcheck import FactChecker
from kgsynth.verify.lexicon import RelationLexicon, relation_label
from kgsynth.verify.link import StoreLinker
from kgsynth.verify.literals import is_number, unit_after
from kgsynth.verify.neighbour_find import find_neighbour_names
from kgsynth.verify.neighbour_link import NeighbourLinker
from kgsynth.verify.proposals import ProposalTidier, proposal_rank
from kgsynth.verify.sentences import (
    Sentence,
    distance,
    has_negation_cue,
    masked,
    negated_between,
    sentences,
    words,
)

logger = logging.getLogger(__name__)

_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
#: Words that may stand before a relation phrase read as written ("does not treat", "can cause").
_LEADING = _BE | frozenset(
    {"does", "do", "did", "not", "n't", "never", "no", "can", "cannot", "may", "might", "could", "also"}
    | {"has", "have", "had", "will", "would", "should", "must"}
)
_ARTICLES = frozenset({"a", "an", "the"})
_LIST_GLUE = frozenset({"and", "or", "as", "well", "both", "either", "nor"})
#: The word right after a number: its unit or what it counts ("3500.0 metres", "546m", "512 pages").
_UNIT = re.compile(r" ?([a-z]+)\b")
_DETERMINERS = (" the", " a", " an", " its", " their", " his", " her")
#: What may follow a type noun after a name: the end of the phrase or of the sentence.
_PHRASE_END = re.compile(r"\s*(?:[.,;:)]|$|\s(?:and|which|who|that)\b)")
_NEXT_WORD = re.compile(r" ([a-z]+)")
#: Words after a place that modify nothing: prepositions, conjunctions, auxiliaries, relatives.
_FUNCTION_WORDS = frozenset({
    "in", "on", "at", "by", "for", "from", "to", "of", "with", "without", "during", "since", "until",
    "after", "before", "as", "and", "or", "but", "nor", "so", "yet", "is", "are", "was", "were",
    "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would", "can", "could",
    "may", "might", "shall", "should", "must", "which", "who", "whom", "whose", "that", "where",
    "when", "while", "because", "although", "though", "if", "than", "then", "there", "here", "its",
    "their", "his", "her", "our", "your", "my", "this", "these", "those", "the", "a", "an", "into",
    "onto", "over", "under", "near", "between", "among", "across", "through", "throughout", "around",
    "about", "against", "along",
})  # fmt: skip
_PRONOUN = re.compile(r"\b(?:it|its|he|his|him|she|her|they|their|them)\b", re.IGNORECASE)


@dataclass
class TextClaims:
    """The claims read from one text, the relations each sentence speaks of, and mentions in no claim."""

    text: str
    claims: list[Claim] = field(default_factory=list)
    contexts: list[frozenset[str]] = field(default_factory=list)
    uncovered: list[LinkedMention] = field(default_factory=list)
    #: Relation words of a sentence that no claim of it reads ("ingredient" when the
    #: ingredient itself was never found as a mention).
    unread: list[str] = field(default_factory=list)


class _Found:
    """The claims of one sentence so far: one per mention pair, relation (up to inverse) and polarity."""

    def __init__(
        self,
        facts: TextFacts,
        sentence: Sentence,
        mentions: list[FoundMention],
        linked: list[LinkedMention],
        candidates: list[tuple[str, ...]],
        relation_key: Callable[[str], str],
    ) -> None:
        self.facts = facts
        self.sentence = sentence
        self.mentions = mentions
        self.linked = linked
        self.candidates = candidates
        #: Pronouns standing for an entity of an earlier sentence (indexes past the pipeline's mentions).
        self.pronouns: list[int] = []
        self.claims: dict[tuple[frozenset[int], str, bool], Claim] = {}
        self.pairs: set[frozenset[int]] = set()
        self._relation_key = relation_key

    def add(
        self,
        subject: int,
        object_: int,
        predicate: str,
        negated: bool,
        hedged: bool,
        rule: str,
        ids: tuple[str, str] | None = None,
    ) -> None:
        """Record a claim; ``ids`` picks the entities of ambiguous names."""
        # "Headache is treated with aspirin" proposes treats and its inverse treated_by: one claim.
        key = (frozenset((subject, object_)), self._relation_key(predicate), negated)
        if key in self.claims:
            return
        s, o = self.linked[subject], self.linked[object_]
        if ids is not None:
            s, o = _as(s, ids[0]), _as(o, ids[1])
        start, end = min(s.start, o.start), max(s.end, o.end)
        self.claims[key] = Claim(
            text=self.facts.text[start:end],
            start=start,
            end=end,
            subject=s,
            predicate=predicate,
            object=o,
            negated=negated,
            hedged=hedged,
            rule=rule,
        )
        self.pairs.add(frozenset((subject, object_)))

    def negated_between(self, a: int, b: int) -> bool:
        mentions = self.mentions
        return negated_between(self.facts.text, mentions[a], mentions[b], self.sentence.start)

    def refer_back(self, topic: int | None, plain: str) -> None:
        """Let the sentence's first pronoun ("Its dean is ...") stand for ``topic``, an earlier mention."""
        if topic is None or self.names(self.linked[topic].entity_id):
            return
        match = _PRONOUN.search(plain)
        if match is None:
            return
        self.refer(topic, self.sentence.start + match.start(), self.sentence.start + match.end(), "pronoun")

    def names(self, entity_id: str | None) -> bool:
        """Whether the sentence itself names this entity."""
        return any(self.linked[m].entity_id == entity_id for m in self.sentence.mentions)

    def refer(self, source: int, start: int, end: int, method: str) -> None:
        """Add a mention at ``start:end`` (a pronoun, "the country") standing for mention ``source``."""
        text = self.facts.text[start:end]
        self.mentions.append(
            self.mentions[source].model_copy(
                update={
                    "start": start,
                    "end": end,
                    "text": text,
                    "method": method,
                    "sentence_start": self.sentence.start,
                    "sentence_end": self.sentence.end,
                }
            )
        )
        self.linked.append(
            self.linked[source].model_copy(
                update={"text": text, "start": start, "end": end, "method": method}
            )
        )
        self.candidates.append(self.candidates[source])
        self.pronouns.append(len(self.mentions) - 1)


class ClaimReader:
    """Turns ``TextFacts`` into claims about graph entities (see the module docstring)."""

    def __init__(
        self, linker: StoreLinker, checker: FactChecker, lexicon: RelationLexicon, *, implicit: bool = False
    ) -> None:
        self.linker = linker
        self.checker = checker
        self.lexicon = lexicon
        self.implicit = implicit
        self.proposals = ProposalTidier(checker, lexicon)
        # Relations whose labels differ only in case and spacing read alike (see ``_spoken_key``).
        self._spoken = {
            r.name: re.sub(r"[^a-z0-9]", "", relation_label(r)) for r in checker.schema.relation_types
        }
        self.neighbours = NeighbourLinker(linker.store, linker, lexicon.words())

    def read(self, facts: TextFacts) -> TextClaims:
        """The claims of one text, in text order.

        A text that leaves something unread (a mention in no claim, a relation word no claim
        explains, an unlinkable name, or no claim at all) is read again with the names of its
        entities' graph neighbours searched for (``neighbour_find.py``): they cost store reads,
        and a text read in full needs none.
        """
        result = self._read(facts, find_names=False)
        if _incomplete(result):
            result = self._read(facts, find_names=True)
        return result

    def _read(self, facts: TextFacts, *, find_names: bool) -> TextClaims:
        mentions = list(facts.mentions)
        spans = [_with_unit(facts.text, m) for m in mentions]
        linked = [self.linker.link(m) for m in spans]
        candidates = [self.linker.resolve(m.type, m.canonical, m.text).candidates for m in spans]
        dropped = self.neighbours.relink(facts.text, spans, linked, candidates)
        dropped |= _demonym_adjectives(facts.text, mentions, linked, self.neighbours.relation_words)
        if find_names:
            facts, dropped = self._find_neighbour_names(facts, mentions, linked, candidates, dropped)
        result = TextClaims(text=facts.text)
        topic: int | None = None
        earlier: list[int] = []  # linked mentions of earlier sentences, most recent first
        read_spans = []
        for sentence in sentences(facts):
            read_spans.append((sentence.start, sentence.end))
            if dropped:
                _drop(sentence, dropped)
            found = _Found(facts, sentence, mentions, linked, candidates, self._relation_key)
            self._read_sentence(found, result, topic, earlier)
            # The topic is the first entity the sentence names, or the one its pronoun stands for
            # when that comes first ("He was awarded the Medal. He died in California.").
            named = sorted(sentence.mentions + found.pronouns, key=lambda m: mentions[m].start)
            topic = next((m for m in named if linked[m].entity_id is not None), topic)
            earlier[:0] = [m for m in reversed(sentence.mentions) if linked[m].entity_id is not None]
        result.unread.extend(self._unread_without_mentions(facts, read_spans))
        order = sorted(
            range(len(result.claims)), key=lambda i: (result.claims[i].start, result.claims[i].end)
        )
        result.claims = [result.claims[i] for i in order]
        result.contexts = [result.contexts[i] for i in order]
        return result

    def _find_neighbour_names(
        self,
        facts: TextFacts,
        mentions: list[FoundMention],
        linked: list[LinkedMention],
        candidates: list[tuple[str, ...]],
        dropped: set[int],
    ) -> tuple[TextFacts, set[int]]:
        """Add the names of the anchors' graph neighbours the pipeline missed (``neighbour_find.py``)."""
        if not facts.sentences:
            return facts, dropped
        anchors, around = self.neighbours.around(linked, candidates)
        if not anchors:
            return facts, dropped
        names = find_neighbour_names(
            facts.text,
            mentions,
            around,
            self.linker.names,
            self.neighbours.relation_words,
            anchors=anchors,
            unlinked=frozenset(i for i, m in enumerate(linked) if m.entity_id is None),
            ignored=frozenset(dropped),
        )
        if not names:
            return facts, dropped
        for name in names:
            sentence = next(((s, e) for s, e in facts.sentences if s <= name.start < e), None)
            if sentence is None:
                continue
            text = facts.text[name.start : name.end]
            type_name = self.linker.entity_type(name.entity_id) or ""
            mentions.append(
                FoundMention(
                    start=name.start,
                    end=name.end,
                    text=text,
                    type=type_name,
                    canonical=text,
                    method="neighbour:found",
                    sentence_start=sentence[0],
                    sentence_end=sentence[1],
                )
            )
            linked.append(
                LinkedMention(
                    text=text,
                    start=name.start,
                    end=name.end,
                    type=type_name,
                    entity_id=name.entity_id,
                    method="neighbour:found",
                    score=1.0,
                )
            )
            candidates.append((name.entity_id,))
            dropped = dropped | set(name.enclosed)
        return facts.model_copy(update={"mentions": tuple(mentions)}), dropped

    def _read_sentence(
        self, found: _Found, result: TextClaims, topic: int | None, earlier: list[int]
    ) -> None:
        facts, sentence = found.facts, found.sentence
        self._absorb_qualifiers(found)
        plain = masked(facts.text, sentence, facts.mentions)
        if _PRONOUN.search(plain):
            found.refer_back(self._pronoun_referent(found, topic, earlier), plain)
        unreferred = plain
        plain = self._refer_definite(found, plain, earlier)
        proposals = sorted(
            (
                p
                for p in (self.proposals.tidied(facts, p, plain) for p in sentence.proposals)
                if p is not None
            ),
            key=proposal_rank,
        )
        signals = self.lexicon.signals(plain)  # where each relation is spoken of (also its context)
        context = frozenset(signals) | {p.predicate for p in proposals}
        if unreferred != plain:
            # "the campus is located in X": a reference by a relation's word speaks of that relation.
            context |= frozenset(self.lexicon.signals(unreferred)) - frozenset(signals)
        self._known_proposals(found, proposals)
        self._graph_guided(found, proposals, context, plain)
        if self.implicit:
            self._graph_for_the_rest(found, plain)
            self._earlier_subject(found, context, earlier)
        covered = self._remaining_proposals(found, proposals)
        covered |= self._as_written(found, covered)
        for claim in found.claims.values():
            result.claims.append(claim)
            result.contexts.append(frozenset(context))
        if len(sentence.mentions) >= 2:
            result.uncovered.extend(found.linked[m] for m in sentence.mentions if m not in covered)
        result.unread.extend(self._unread(found, plain, signals))

    def _pronoun_referent(self, found: _Found, topic: int | None, earlier: list[int]) -> int | None:
        """What the sentence's pronoun stands for: the topic, unless the graph relates the topic to
        nothing the sentence names and relates another earlier entity to something it does ("The
        ethnic group of Ireland is White people, where A Long Long Way comes from. It was followed
        by The Secret Scripture": "It" is the book)."""
        if topic is None or not found.sentence.mentions:
            return topic

        def related(index: int) -> bool:
            return any(self._relates_to_sentence(found, e) for e in found.candidates[index])

        if related(topic):
            return topic
        others = (m for m in earlier if m != topic and not found.names(found.linked[m].entity_id))
        return next((m for m in others if related(m)), topic)

    def _refer_definite(self, found: _Found, plain: str, earlier: list[int]) -> str:
        """Resolve "the country", "the memorial" to an earlier entity (``anaphora.py``); blank the noun."""
        if not earlier:
            return plain
        starts = {found.mentions[m].start for m in found.sentence.mentions}
        references = definite_references(plain, found.sentence.start, starts)
        if not references:
            return plain
        by_entity: dict[str, int] = {}
        for m in earlier:
            entity = found.linked[m].entity_id
            if entity is not None and entity not in by_entity and not found.names(entity):
                by_entity[entity] = m
        offset = found.sentence.start
        for reference in references:
            entity = resolve_reference(
                reference, list(by_entity), self.linker.names, lambda e: self._relates_to_sentence(found, e)
            )
            if entity is None:
                continue
            found.refer(by_entity[entity], reference.start, reference.end, "definite")
            a, b = reference.start - offset, reference.end - offset
            plain = plain[:a] + " " * (b - a) + plain[b:]
        return plain

    def _absorb_qualifiers(self, found: _Found) -> None:
        """Drop unlinked mentions that only spell out part of a linked neighbour's full name.

        "Glen Ridge New Jersey" is read as "Glen Ridge" (an alias of the entity "Glen Ridge,
        New Jersey") and "New Jersey"; the second names no other entity, it qualifies the first.
        """
        sentence, linked = found.sentence, found.linked
        if all(linked[m].entity_id is not None for m in sentence.mentions):
            return
        full_names = [
            name.casefold()
            for m in sentence.mentions
            if linked[m].entity_id is not None
            for name in self.linker.names(linked[m].entity_id)
        ]
        absorbed = {
            m
            for m in sentence.mentions
            if linked[m].entity_id is None
            and any(re.search(rf"\b{re.escape(linked[m].text.casefold())}\b", name) for name in full_names)
        }
        if absorbed:
            sentence.mentions = [m for m in sentence.mentions if m not in absorbed]
            sentence.proposals = [
                p for p in sentence.proposals if p.subject not in absorbed and p.object not in absorbed
            ]

    # ------------------------------------------------------------------ steps
    def _known_proposals(self, found: _Found, proposals: list[FoundRelation]) -> None:
        """Step 1: proposals whose fact (or its negation) the graph states."""
        for p in proposals:
            for s, o in itertools.product(found.candidates[p.subject], found.candidates[p.object]):
                if self.checker.known(s, p.predicate, o):
                    found.add(p.subject, p.object, p.predicate, p.negated, p.hedged, p.rule, ids=(s, o))
                    break

    def _graph_guided(
        self, found: _Found, proposals: list[FoundRelation], context: frozenset[str], plain: str
    ) -> None:
        """Step 2: related pairs of linked mentions whose relation the sentence speaks of."""
        # A proposal's direction, as written, beats the graph's: those pairs are left to step 3.
        proposed: dict[frozenset[int], set[str]] = {}
        by_pair: dict[frozenset[int], list[FoundRelation]] = {}
        for p in proposals:
            proposed.setdefault(frozenset((p.subject, p.object)), set()).add(self._relation_key(p.predicate))
            by_pair.setdefault(frozenset((p.subject, p.object)), []).append(p)
        mentions = found.sentence.mentions + found.pronouns
        for i, a in enumerate(mentions):
            for b in mentions[i + 1 :]:
                pair = frozenset((a, b))
                if pair in found.pairs:
                    continue
                for relation in self._related(found.candidates[a], found.candidates[b]):
                    if self._relation_key(relation.predicate) in proposed.get(pair, ()):
                        continue
                    if relation.predicate in context or (
                        self.implicit
                        and not self._unspent(found, by_pair.get(pair, ()))
                        and not self._phrase_between(found, a, b, relation.predicate, plain)
                    ):
                        subject, object_ = (a, b) if relation.subject in found.candidates[a] else (b, a)
                        found.add(
                            subject,
                            object_,
                            relation.predicate,
                            found.negated_between(a, b),
                            False,
                            f"graph:{relation.predicate}",
                            ids=(relation.subject, relation.object),
                        )

    def _graph_for_the_rest(self, found: _Found, plain: str) -> None:
        """Step 2b (implicit only): a mention still in no claim takes the graph's fact with another
        mention of its sentence, before any co-occurrence guess ("Sergio Mattarella leads Italy,
        where arrabbiata sauce is from": Italy's dish, not Mattarella's)."""
        mentions = found.sentence.mentions + found.pronouns
        covered = {m for pair in found.pairs for m in pair}
        by_pair: dict[frozenset[int], list[FoundRelation]] = {}
        for p in found.sentence.proposals:
            by_pair.setdefault(frozenset((p.subject, p.object)), []).append(p)
        for a in mentions:
            if a in covered:
                continue
            # Words of relations other claims of the sentence read say nothing against this pair,
            # nor does a co-occurrence proposal that only re-uses such a word.
            said = frozenset(c.predicate for c in found.claims.values())
            for b in sorted(mentions, key=lambda m: abs(found.mentions[m].start - found.mentions[a].start)):
                if a == b or self._unspent(found, by_pair.get(frozenset((a, b)), ())):
                    continue
                related = [
                    r
                    for r in self._related(found.candidates[a], found.candidates[b])
                    if not self._phrase_between(found, a, b, r.predicate, plain, said)
                ]
                if related:
                    relation = related[0]
                    subject, object_ = (a, b) if relation.subject in found.candidates[a] else (b, a)
                    found.add(
                        subject,
                        object_,
                        relation.predicate,
                        found.negated_between(a, b),
                        False,
                        f"graph:{relation.predicate}:implicit",
                        ids=(relation.subject, relation.object),
                    )
                    covered |= {a, b}
                    break

    def _earlier_subject(self, found: _Found, context: frozenset[str], earlier: list[int]) -> None:
        """Step 2c: a mention still in no claim takes the graph's fact with an entity of an earlier
        sentence when the sentence speaks of that fact's relation ("X was written by Y. It sold
        well and can be found in hardcover": X's media type, though "It" stands for no one here)."""
        covered = {m for pair in found.pairs for m in pair}
        for m in found.sentence.mentions:
            if m in covered or found.linked[m].entity_id is None:
                continue
            for e in earlier:
                facts = self._related(found.candidates[e], found.candidates[m])
                related = [r for r in facts if r.predicate in context]
                if related:
                    relation = related[0]
                    subject, object_ = (e, m) if relation.subject in found.candidates[e] else (m, e)
                    found.add(
                        subject,
                        object_,
                        relation.predicate,
                        has_negation_cue(found.facts.text[found.sentence.start : found.mentions[m].start]),
                        False,
                        f"graph:{relation.predicate}:earlier",
                        ids=(relation.subject, relation.object),
                    )
                    break

    def _remaining_proposals(self, found: _Found, proposals: list[FoundRelation]) -> set[int]:
        """Step 3: each mention in no claim yet gets its best proposal; returns the mentions covered."""
        text, mentions = found.facts.text, found.facts.mentions
        covered = {m for pair in found.pairs for m in pair}

        def closeness(p: FoundRelation) -> tuple[tuple[int, float], int, int]:
            return (proposal_rank(p), self.proposals.trigger_gap(text, p, mentions), distance(mentions, p))

        for p in sorted(proposals, key=closeness):
            pair = frozenset((p.subject, p.object))
            if (p.subject in covered and p.object in covered) or pair in found.pairs or self._spent(found, p):
                continue
            found.add(p.subject, p.object, p.predicate, p.negated, p.hedged, p.rule)
            covered |= pair
        return covered

    def _unspent(self, found: _Found, proposals: Iterable[FoundRelation]) -> bool:
        """Whether any of these proposals says something of its own: a pattern, or a co-occurrence
        whose trigger word no claim of the sentence has read yet."""
        if not proposals:
            return False
        read = {key for _, key, _ in found.claims}
        return any(
            not p.rule.startswith("cooccurrence:") or self._relation_key(p.predicate) not in read
            for p in proposals
        )

    def _spent(self, found: _Found, proposal: FoundRelation) -> bool:
        """Whether a co-occurrence proposal re-uses a trigger another claim already took.

        "X in Bangalore has the motto N": once X motto N is claimed, Bangalore motto N is the
        same trigger word read twice. Mentions listed together ("aspirin and ibuprofen treat
        headache") share it legitimately and are kept.
        """
        if not proposal.rule.startswith("cooccurrence:"):
            return False
        key = self._relation_key(proposal.predicate)
        for claim_key in found.claims:
            pair, claimed, _ = claim_key
            if claimed != key:
                continue
            for end, other in ((proposal.subject, proposal.object), (proposal.object, proposal.subject)):
                if end in pair and other not in pair:
                    partner = next(iter(pair - {end}), end)
                    if not _listed_together(found.facts.text, found.mentions[partner], found.mentions[other]):
                        return True
        return False

    def _as_written(self, found: _Found, covered: set[int]) -> set[int]:
        """Step 4: "A <relation phrase> B" between neighbouring mentions the pipeline left unread."""
        text, mentions = found.facts.text, found.facts.mentions
        for a, b in itertools.pairwise(found.sentence.mentions):
            if a in covered or b in covered:
                continue
            between = words(text[mentions[a].end : mentions[b].start])
            while between and between[0] in _LEADING:
                between = between[1:]
            while between and between[-1] in _ARTICLES:
                between = between[:-1]
            hit = self.lexicon.first_phrase(between) if between else None
            if hit is not None and hit[0] == 0 and hit[1] == len(between):
                found.add(a, b, hit[2], found.negated_between(a, b), False, f"phrase:{hit[2]}:as_written")
                covered |= {a, b}
        return covered

    def _unread_without_mentions(self, facts: TextFacts, read: list[tuple[int, int]]) -> list[str]:
        """Relation words of sentences that name nothing ("The official colours are blue and
        orange."): the sentence says something no claim can read."""
        unread = []
        for start, end in facts.sentences:
            if any(start < e and s < end for s, e in read):
                continue
            plain = facts.text[start:end]
            unread += _relation_words(
                plain, (span for spans in self.lexicon.signals(plain).values() for span in spans)
            )
        return unread

    def _unread(self, found: _Found, plain: str, signals: dict[str, list[tuple[int, int]]]) -> list[str]:
        """Relation words of the sentence that no claim of it explains.

        A word is explained when the predicate of some claim of the sentence (or an
        inverse) is spoken of by that same word ("leader" for leaderName, though it is
        also a word of leaderTitle).
        """
        if not signals:
            return []
        claimed = {self._spoken_key(c.predicate) for c in found.claims.values()}
        explained = {
            span for name, spans in signals.items() if self._spoken_key(name) in claimed for span in spans
        }
        offset = found.sentence.start
        explained |= {(c.start - offset, c.end - offset) for c in found.claims.values()}
        explained |= _units(plain, found.claims.values(), offset)
        explained |= _type_nouns(plain, signals, found)
        unexplained = (
            (a, b)
            for spans in signals.values()
            for a, b in spans
            if not any(a < e and s < b for s, e in explained)
        )
        return sorted(set(_relation_words(plain, unexplained)))

    # ------------------------------------------------------------------ helpers
    def _phrase_between(
        self, found: _Found, a: int, b: int, predicate: str, plain: str, said: frozenset[str] = frozenset()
    ) -> bool:
        """Whether another relation's phrase or label word stands between the two mentions (then
        nothing is implicit: "Baymax first appeared in Big Hero 6" is no statement of its series)."""
        first, second = sorted((found.mentions[a], found.mentions[b]), key=lambda m: m.start)
        offset = found.sentence.start
        chars = list(plain)
        for claim in found.claims.values():  # words another claim already read say nothing of this pair
            for i in range(max(claim.start - offset, 0), min(claim.end - offset, len(chars))):
                chars[i] = " "
        between = "".join(chars[max(first.end - offset, 0) : max(second.start - offset, 0)])
        same = {predicate, *self.checker.inverses(predicate), *said}
        return any(
            self.lexicon.finder(r).search(between.lower()) for r in self.lexicon.phrases if r not in same
        )

    def _relates_to_sentence(self, found: _Found, entity: str) -> bool:
        """Whether the graph relates ``entity`` to any other entity the sentence's mentions may name."""
        return any(
            c != entity and self.checker.between(entity, c)
            for m in found.sentence.mentions
            for c in found.candidates[m]
        )

    def _relation_key(self, predicate: str) -> str:
        return min([predicate, *self.checker.inverses(predicate)])

    def _spoken_key(self, predicate: str) -> str:
        """One key for relations a text cannot tell apart: inverses, and relations whose labels
        differ only in case and spacing (DBpedia's ``fullname`` and ``fullName``)."""
        key = self._relation_key(predicate)
        return self._spoken.get(key, key)

    def _related(self, a: tuple[str, ...], b: tuple[str, ...]) -> list[Relation]:
        """Facts between any entity ``a`` may name and any ``b`` may name; one per direction and predicate.

        Two mentions of one entity may be related too: a fact can link an entity to itself
        ("X's full name is X").
        """
        seen: set[tuple[str, str, str]] = set()
        unique = []
        for s, o in itertools.product(a, b):
            for relation in self.checker.between(s, o):
                key = (relation.subject, relation.object, relation.predicate)
                if key not in seen:
                    seen.add(key)
                    unique.append(relation)
        return unique


def _with_unit(text: str, mention: FoundMention) -> FoundMention:
    """A number mention with the unit written after it ("2438.4" -> "2438.4 feet"), to link by."""
    if not is_number(mention.text):
        return mention
    end = unit_after(text, mention.end)
    return (
        mention
        if end == mention.end
        else mention.model_copy(update={"end": end, "text": text[mention.start : end]})
    )


def _demonym_adjectives(
    text: str, mentions: list[FoundMention], linked: list[LinkedMention], relation_words: frozenset[str]
) -> set[int]:
    """Demonyms linked to their place that modify a common noun after them ("the Turkish lira",
    "an American test pilot"): they name a thing of the place, not the place, so no claim about
    the place is read from them. Before a relation word ("a US national", "Italian born", "the
    Turkish capital") the demonym is the relation's other end and stays, and so does a place
    before a function word ("born in the U.S. in 1950": no noun is modified)."""
    dropped = set()
    for i, (mention, link) in enumerate(zip(mentions, linked, strict=True)):
        following = _NEXT_WORD.match(text, mention.end)
        if (
            link.method.startswith("neighbour:place")
            and following
            and following[1] not in relation_words
            and following[1] not in _FUNCTION_WORDS
        ):
            dropped.add(i)
    return dropped


def _relation_words(plain: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """The words at ``spans``, without capitalised ones: a capitalised word is part of a name the
    pipeline did not find ("United States Navy"), not a relation word."""
    return [w for a, b in spans if (w := plain[a:b].strip()) and not w[0].isupper()]


def _incomplete(result: TextClaims) -> bool:
    """Whether a reading leaves part of the text unread (see ``ClaimReader.read``)."""
    return (
        not result.claims
        or bool(result.unread)
        or any(m.entity_id is None for c in result.claims for m in (c.subject, c.object))
    )


def _drop(sentence: Sentence, dropped: set[int]) -> None:
    """Forget mentions that name no entity (see ``neighbour_link.py``) and their proposals."""
    sentence.mentions = [m for m in sentence.mentions if m not in dropped]
    sentence.proposals = [
        p for p in sentence.proposals if p.subject not in dropped and p.object not in dropped
    ]


def _units(plain: str, claims: Iterable[Claim], offset: int) -> set[tuple[int, int]]:
    """Spans (sentence offsets) of the word right after each number a claim reads ("3500.0 metres").

    That word is the number's unit or what it counts, said by the claim that reads the
    number, even when it is also a label word of another relation ("in_metres").
    """
    spans = set()
    for claim in claims:
        for mention in (claim.subject, claim.object):
            if mention.text[:1].isdigit():
                unit = _UNIT.match(plain, mention.end - offset)
                if unit is not None:
                    spans.add(unit.span(1))
    return spans


def _type_nouns(plain: str, signals: dict[str, list[tuple[int, int]]], found: _Found) -> set[tuple[int, int]]:
    """Spans of single relation words that only say what kind of thing a name is.

    A word right before a name after an article ("the film Big Hero 6", "the dish Arros
    negre") or right after a name at the end of its phrase ("the Apollo 11 mission.",
    "the 2014 season") names the kind of thing, not a relation: "club" is also a word of
    a player's club, "mission" of a crew's. The name itself is still read, or left
    uncovered, on its own.
    """
    offset = found.sentence.start
    starts = {found.mentions[m].start - offset for m in found.sentence.mentions}
    ends = {found.mentions[m].end - offset for m in found.sentence.mentions}
    raw = found.facts.text[offset : found.sentence.end]  # ``plain`` has the names blanked out
    spans = set()
    for a, b in (span for spans in signals.values() for span in spans):
        if " " in plain[a:b].strip():
            continue
        gap = len(raw[b:]) - len(raw[b:].lstrip())
        before = raw[:a].rstrip()
        kind_before_name = bool(gap) and b + gap in starts and f" {before.lower()}".endswith(_DETERMINERS)
        kind_after_name = bool(before) and len(before) in ends and _PHRASE_END.match(raw, b) is not None
        if kind_before_name or kind_after_name:
            spans.add((a, b))
    return spans


def _listed_together(text: str, a: FoundMention, b: FoundMention) -> bool:
    """Whether only list glue ("," "and" "or" "as well as") stands between the two mentions."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return all(word in _LIST_GLUE for word in words(text[first.end : second.start]))


def _as(mention: LinkedMention, entity_id: str) -> LinkedMention:
    if mention.entity_id == entity_id:
        return mention
    return mention.model_copy(update={"entity_id": entity_id, "method": mention.method + ":by_graph"})
