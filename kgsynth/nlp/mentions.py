"""Picks the final, non-overlapping mentions from all candidates and links short forms.

Precedence when candidates overlap: knowledge-based finders (lexicon gazetteer, term
rules) over abbreviations over defined-term class labels over statistical NER; within a
tier the longer span wins, then the earlier one. Short forms defined in the text ("(ASA)",
'(the "Company")') become mentions wherever they recur, with the long form's type and
canonical name, and a bare class label ("the Agreement") is linked to the nearest earlier
full mention of its type ("Endorsement Agreement"). The result is written to ``doc.ents``
(so token patterns can match on it) and, with methods and canonical names, to
``doc._.kgsynth_mentions``, which survives ``Doc.to_bytes`` for multiprocessing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from kgsynth.nlp.abbreviations import find_definitions, is_abbreviation_of
from kgsynth.nlp.candidates import CANDIDATES, candidates

MENTIONS_ATTR = "kgsynth_mentions"
if not Doc.has_extension(MENTIONS_ATTR):
    Doc.set_extension(MENTIONS_ATTR, default=None)


@dataclass(frozen=True)
class Pick:
    """A chosen mention over tokens ``start:end``."""

    start: int
    end: int
    type: str
    canonical: str
    method: str

    def overlaps(self, other: Pick) -> bool:
        return self.start < other.end and other.start < self.end


@Language.factory("kgsynth_mentions")
def make_mentions(nlp: Language, name: str) -> MentionPicker:
    """spaCy factory: resolve candidate overlaps, link abbreviations, set ``doc.ents``."""
    return MentionPicker()


class MentionPicker:
    """Turns ``doc.spans["kgsynth_candidates"]`` into the document's mentions."""

    def __call__(self, doc: Doc) -> Doc:
        picks = choose(_as_picks(candidates(doc)))
        picks = _link_class_labels(doc, _link_definitions(doc, _confirmed_short_forms(doc, picks)))
        doc.set_ents([Span(doc, p.start, p.end, label=p.type) for p in picks], default="outside")
        doc._.set(MENTIONS_ATTR, [[p.start, p.end, p.type, p.canonical, p.method] for p in picks])
        if CANDIDATES in doc.spans:
            del doc.spans[CANDIDATES]
        return doc


def _tier(method: str) -> int:
    if method.startswith(("gazetteer:class",)):
        return 2
    if method.startswith(("gazetteer", "lexical", "legal")):
        return 0
    if method.startswith("abbreviation"):
        return 1
    return 3


def choose(picks: list[Pick]) -> list[Pick]:
    """Non-overlapping picks by precedence tier, then length, then position; returned in text order."""
    chosen: list[Pick] = []
    for pick in sorted(picks, key=lambda p: (_tier(p.method), p.start - p.end, p.start)):
        if not any(pick.overlaps(other) for other in chosen):
            chosen.append(pick)
    return sorted(chosen, key=lambda p: p.start)


def _as_picks(spans: list[Span]) -> list[Pick]:
    return [Pick(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in spans]


def _confirmed_short_forms(doc: Doc, picks: list[Pick]) -> list[Pick]:
    """Drop lexicon short forms ("RA", "TD") when the text never names their long form.

    Two-letter abbreviations stand for many things ("RA": rheumatoid arthritis,
    retinoic acid, right atrium); a text that means the lexicon's reading names it in full
    somewhere, usually where it defines the short form.
    """
    named = {p.canonical.lower() for p in picks if _surface(doc, p).lower() == p.canonical.lower()}
    return [p for p in picks if not (_ambiguous_short(doc, p) and p.canonical.lower() not in named)]


def _ambiguous_short(doc: Doc, pick: Pick) -> bool:
    text = _surface(doc, pick)
    return pick.method == "gazetteer" and len(text) <= 2 and text.isupper() and text != pick.canonical


def _surface(doc: Doc, pick: Pick) -> str:
    return doc[pick.start : pick.end].text


def _link_definitions(doc: Doc, picks: list[Pick]) -> list[Pick]:
    by_end = {p.end: p for p in picks}
    extra: list[Pick] = []
    for definition in find_definitions(doc, set(by_end)):
        long = by_end[definition.long_end]
        short = " ".join(definition.short)
        if not definition.quoted:
            long = _long_form(doc, long, short)
            if long is None:
                continue
        method = "abbreviation:defined_term" if definition.quoted else "abbreviation"
        extra.append(Pick(definition.start, definition.end, long.type, long.canonical, method))
        extra += [
            Pick(start, start + len(definition.short), long.type, long.canonical, method)
            for start in _occurrences(doc, definition.short, after=definition.end)
        ]
    if not extra:
        return picks
    # A short form the text defines means what the text says: "retinoic acid (RA)" overrides
    # the lexicon's "RA" (rheumatoid arthritis) everywhere in this text.
    defined = {" ".join(t.text for t in doc[p.start : p.end]) for p in extra if p.method == "abbreviation"}
    kept = [p for p in picks if " ".join(t.text for t in doc[p.start : p.end]) not in defined]
    return choose(kept + extra)


def _long_form(doc: Doc, mention: Pick, short: str) -> Pick | None:
    """The mention, or the mention with the words before it, that ``short`` abbreviates.

    "levodopa-induced dyskinesia (LID)": the mention is "dyskinesia", the long form takes in
    "levodopa-induced" too (at most ``len(short) + 5`` words, never crossing a sentence start).
    """
    sent_start = doc[mention.start].sent.start
    for start in range(mention.start, max(sent_start, mention.start - len(short) - 5) - 1, -1):
        text = doc[start : mention.end].text
        if is_abbreviation_of(short, text) and text[:1].lower() == short[:1].lower():
            if start == mention.start:
                return mention
            return Pick(start, mention.end, mention.type, text, mention.method)
    return None


def _occurrences(doc: Doc, words: tuple[str, ...], after: int) -> list[int]:
    n = len(words)
    return [
        i
        for i in range(after, len(doc) - n + 1)
        if doc[i].text == words[0] and tuple(t.text for t in doc[i : i + n]) == words
    ]


def _link_class_labels(doc: Doc, picks: list[Pick]) -> list[Pick]:
    """A bare class label ("the Agreement") names the nearest earlier fuller mention of its type."""
    last_full: dict[str, Pick] = {}
    linked = []
    for pick in picks:
        if pick.method == "gazetteer:class" and pick.end - pick.start == 1 and pick.type in last_full:
            pick = replace(pick, canonical=last_full[pick.type].canonical)
        elif pick.end - pick.start > 1 or not pick.method.startswith("gazetteer:class"):
            last_full[pick.type] = pick
        linked.append(pick)
    return linked
