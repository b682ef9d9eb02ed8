"""Entity resolution: which graph node a mention's name refers to, without quadratic work.

Steps, cheapest first, each recording its method and score:

1. exact: the normalised key (``model.normalise_name``, punctuation folded to spaces,
   last word singularised) of a known entity of the same type;
2. synonym: a known alias, or a lexicon synonym of the type, resolves to its canonical name;
3. abbreviation: an all-capital short name whose letters are the initials of a known name;
4. fuzzy: rapidfuzz similarity >= ``fuzzy_threshold`` against known names of the same type
   that share a blocking key (first three characters of the key, or its sorted word
   initials); names in other types or other blocks are never compared;
5. new: an entity with id ``model.entity_id(type, canonical)``, known from then on.

Shared by ingest (mentions -> nodes) and the fact checker (claim names -> nodes).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from kgsynth.model import Entity, Schema, entity_id, normalise_name
from kgsynth.nlp.lexicon import LexiconEntry
from kgsynth.nlp.morphology import singular

_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")


class Resolution(BaseModel):
    """Where a name landed: the entity id, its canonical name, how it was found and how well (0..1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entity_id: str
    canonical_name: str
    method: Literal["exact", "synonym", "abbreviation", "fuzzy", "new"]
    score: float = Field(ge=0.0, le=1.0)


def name_key(name: str) -> str:
    """Comparison key: case-folded, punctuation and spaces folded, last word singular."""
    folded = _SPACE.sub(" ", _PUNCT.sub(" ", normalise_name(name))).strip()
    return singular(folded) if folded else normalise_name(name)


def _initials(key: str) -> str:
    return "".join(word[0] for word in key.split() if word)


def _blocks(key: str) -> tuple[str, ...]:
    words = key.split()
    return (f"p:{key[:3]}", "i:" + "".join(sorted(w[0] for w in words))) if words else (f"p:{key[:3]}",)


class EntityResolver:
    """Maps (type, name) to entity ids consistently across documents and runs.

    Example::

        resolver = EntityResolver(schema)
        resolver.seed(store_entities)
        resolver.resolve("Drug", "Aspirins")   # Resolution(entity_id="Drug:aspirin", method="exact", ...)
    """

    def __init__(
        self, schema: Schema, *, fuzzy_threshold: float = 0.9, lexicon: Iterable[LexiconEntry] = ()
    ) -> None:
        self.schema = schema
        self.fuzzy_threshold = fuzzy_threshold
        self._exact: dict[tuple[str, str], tuple[str, str]] = {}
        self._alias: dict[tuple[str, str], tuple[str, str]] = {}
        self._initials: dict[tuple[str, str], tuple[str, str]] = {}
        self._blocks: dict[tuple[str, str], dict[str, tuple[str, str]]] = defaultdict(dict)
        for entry in lexicon:
            for synonym in entry.synonyms:
                self._alias.setdefault(
                    (entry.type, name_key(synonym)), (entity_id(entry.type, entry.name), entry.name)
                )

    def seed(self, entities: Iterable[Entity]) -> None:
        """Make known entities (e.g. from the store) resolvable, so incremental builds link to them."""
        for entity in entities:
            self._remember(entity.type, entity.id, entity.name)
            for alias in entity.aliases:
                self._alias.setdefault((entity.type, name_key(alias)), (entity.id, entity.name))

    def resolve(self, type: str, name: str) -> Resolution:
        """The entity ``name`` of ``type`` refers to; unknown names become new entities."""
        key = name_key(name)
        for table, method in ((self._exact, "exact"), (self._alias, "synonym")):
            hit = table.get((type, key))
            if hit is not None:
                return Resolution(entity_id=hit[0], canonical_name=hit[1], method=method, score=1.0)
        if _looks_like_acronym(name):
            hit = self._initials.get((type, name.replace(".", "").lower()))
            if hit is not None:
                return Resolution(entity_id=hit[0], canonical_name=hit[1], method="abbreviation", score=1.0)
        fuzzy = self._fuzzy(type, key)
        if fuzzy is not None:
            return fuzzy
        canonical = _canonical_form(name)
        new_id = entity_id(type, canonical)
        self._remember(type, new_id, canonical)
        return Resolution(entity_id=new_id, canonical_name=canonical, method="new", score=1.0)

    def _remember(self, type_name: str, id_: str, name: str) -> None:
        key = name_key(name)
        self._exact.setdefault((type_name, key), (id_, name))
        if len(key.split()) >= 2:
            self._initials.setdefault((type_name, _initials(key)), (id_, name))
        for block in _blocks(key):
            self._blocks[(type_name, block)].setdefault(key, (id_, name))

    def _fuzzy(self, type_name: str, key: str) -> Resolution | None:
        candidates: dict[str, tuple[str, str]] = {}
        for block in _blocks(key):
            candidates.update(self._blocks.get((type_name, block), {}))
        # Numbers are exact: "December 31, 2024" is another date than "December 31, 2025" (issue 11).
        digits = _DIGITS.findall(key)
        candidates = {k: v for k, v in candidates.items() if _DIGITS.findall(k) == digits}
        if not candidates or len(key) < 4:
            return None
        best = process.extractOne(
            key, list(candidates), scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold * 100
        )
        if best is None:
            return None
        id_, name = candidates[best[0]]
        return Resolution(entity_id=id_, canonical_name=name, method="fuzzy", score=round(best[1] / 100, 4))


_DIGITS = re.compile(r"\d+")


def _looks_like_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalnum() and sum(c.isupper() for c in letters) >= 2


def _canonical_form(name: str) -> str:
    """The name as written, whitespace collapsed and a lower-case plural made singular."""
    collapsed = " ".join(name.split())
    last = collapsed.rsplit(" ", 1)[-1]
    return singular(collapsed) if last.islower() else collapsed
