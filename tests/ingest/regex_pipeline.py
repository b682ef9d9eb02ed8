"""A test double of ``kgsynth.nlp.ExtractionPipeline``: same interface, exact and instant.

It finds mentions from a small gazetteer and relations of the form ``X <verb> Y`` between two
neighbouring mentions of one sentence, by regular expression. The ingest tests use it so that
what they assert about loading, offsets, resolution, batching and resume does not depend on
a statistical model; the real pipeline is exercised by the CLI tests and the benchmark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts

#: surface form -> entity type, or (entity type, canonical name).
TERMS: dict[str, str | tuple[str, str]] = {
    "aspirin": "Drug",
    "ASA": ("Drug", "aspirin"),
    "acetylsalicylic acid": ("Drug", "aspirin"),
    "warfarin": "Drug",
    "lithium": "Drug",
    "headache": "Symptom",
    "bleeding": "Symptom",
    "tremor": "Symptom",
    "migraine": "Disease",
    "knee": "BodyPart",  # not in the fixture schema: its mentions are dropped
}

#: verb phrase -> predicate ("cures" is not in the fixture schema: dropped as unknown).
VERBS = {
    "treats": "treats",
    "treat": "treats",
    "causes": "causes",
    "cause": "causes",
    "interacts with": "interacts_with",
    "cures": "cures",
}

_SENTENCE = re.compile(r"[^\s.!?][^.!?\n]*[.!?]?")


class RegexPipeline:
    """Gazetteer mentions and ``X [does not|may] <verb> Y`` relations; ``fail_on`` simulates a crash."""

    model_name = "regex-test-double"

    def __init__(self, fail_on: str | None = None) -> None:
        self.fail_on = fail_on
        self.texts_seen = 0
        names = sorted(TERMS, key=len, reverse=True)
        self._terms = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
        verbs = "|".join(re.escape(v) for v in VERBS)
        self._link = re.compile(rf"^\s+(does not |may )?({verbs})\s+$", re.IGNORECASE)

    def extract(self, texts: Iterable[str], n_process: int = 1, batch_size: int = 64) -> Iterator[TextFacts]:
        for text in texts:
            if self.fail_on is not None and self.fail_on in text:
                raise RuntimeError(f"simulated crash on {self.fail_on!r}")
            self.texts_seen += 1
            yield self._facts(text)

    def _facts(self, text: str) -> TextFacts:
        mentions: list[FoundMention] = []
        relations: list[FoundRelation] = []
        for sentence in _SENTENCE.finditer(text):
            first = len(mentions)
            for match in self._terms.finditer(text, sentence.start(), sentence.end()):
                mentions.append(self._mention(match, sentence))
            for i in range(first, len(mentions) - 1):
                link = self._link.match(text[mentions[i].end : mentions[i + 1].start])
                if link:
                    relations.append(self._relation(i, link, sentence))
        return TextFacts(text=text, mentions=tuple(mentions), relations=tuple(relations))

    @staticmethod
    def _mention(match: re.Match[str], sentence: re.Match[str]) -> FoundMention:
        surface = match.group()
        term, entry = next((k, v) for k, v in TERMS.items() if k.lower() == surface.lower())
        type_name, canonical = entry if isinstance(entry, tuple) else (entry, term)  # as a gazetteer does
        return FoundMention(
            start=match.start(), end=match.end(), text=surface, type=type_name, canonical=canonical,
            method="gazetteer", sentence_start=sentence.start(), sentence_end=sentence.end(),
        )

    @staticmethod
    def _relation(index: int, link: re.Match[str], sentence: re.Match[str]) -> FoundRelation:
        cue = (link.group(1) or "").strip().lower()
        verb = link.group(2).lower()
        return FoundRelation(
            subject=index, object=index + 1, predicate=VERBS[verb], negated=cue == "does not",
            hedged=cue == "may", confidence=0.9, rule=f"pattern:{VERBS[verb]}:regex",
            sentence_start=sentence.start(), sentence_end=sentence.end(),
        )
