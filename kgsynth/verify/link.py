"""Entity linking against the store: a mention's name -> the graph entity it names, with method and score.

Steps, first hit wins, each recorded in ``LinkedMention.method``:

1. ``name`` / ``alias``: the store's exact lookup of the mention's canonical name and of
   its surface text (which can differ: a lexicon may normalise "impotence" to "sexual
   dysfunction"), and of a number's or date's stored spellings ("1,219" -> "1219.0",
   "July 21 1998" -> "1998-07-21", see ``literals.py``), restricted to the mention's type
   and its subclasses; an amount with a unit ("8,000 feet") is also looked up in the other
   units of its dimension ("2438.4"), and a stored number it finds is kept only when it says
   the same amount in the unit the number or its relation implies (``units.py``);
2. ``name:any_type`` / ``alias:any_type``: the same exact lookup in any type, because the
   extractor's type guess ("tremor" as a Disease) may differ from the graph's (a Symptom);
3. ``fuzzy``: the store's fuzzy lookup within the mention's type, rescored on
   accent-folded names ("Huseyin Butuner" ~ "Hüseyin Bütüner"); score >= ``min_score``.

A name several entities answer to ("impotence": one concept's name, another's alias) is
linked to the best match and keeps the others as ``candidates``: the claim reader lets the graph choose
the one the sentence's fact is about (method ``...:ambiguous``). A name nobody matches
stays unlinked (``entity_id=None``), and its claims are ``unlinkable``. Results are
cached per (type, canonical name, surface text): a checked corpus names the same
entities over and over. The linker also remembers each linked entity's graph type,
which the fact checker needs for domain/range checks.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass

from rapidfuzz import fuzz

from kgsynth.model import ROOT_TYPE, EntityMatch, LinkedMention, Schema, normalise_name
from kgsynth.names import fold_accents
from kgsynth.nlp.facts import FoundMention
from kgsynth.store.base import GraphStore
from kgsynth.verify.literals import (
    Amount,
    amount_forms,
    literal_forms,
    read_amount,
    read_stored,
    states_amount,
)
from kgsynth.verify.units import Unit, relation_unit

logger = logging.getLogger(__name__)

DEFAULT_MIN_SCORE = 0.9
#: Most entities one ambiguous name is linked to.
MAX_CANDIDATES = 5
_CACHE_SIZE = 100_000
#: Near matches this much below ``min_score`` are fetched, then rescored without accents.
_FOLD_SLACK = 0.1
#: Most relations read to learn the unit of a stored number.
_UNIT_RELATIONS = 20


@dataclass(frozen=True)
class Link:
    """Where a name landed: the best entity (or None), how, how well, and equally good alternatives."""

    entity_id: str | None
    method: str = ""
    score: float = 0.0
    candidates: tuple[str, ...] = ()


_UNLINKED = Link(None)


class StoreLinker:
    """Links mentions to store entities, caching every answer."""

    def __init__(
        self,
        store: GraphStore,
        schema: Schema | None = None,
        *,
        fuzzy: bool = True,
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> None:
        self.store = store
        self.schema = schema if schema is not None else store.schema()
        self._is_a_cache: dict[tuple[str, str], bool] = {}
        self.fuzzy = fuzzy
        self.min_score = min_score
        self._cache: OrderedDict[tuple[str, str, str], Link] = OrderedDict()
        self._types: dict[str, str] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._units: dict[str, tuple[Unit | None, ...]] = {}

    def link(self, mention: FoundMention) -> LinkedMention:
        """The mention with the entity it names (or ``entity_id=None``), how it was found and the score."""
        found = self.resolve(mention.type, mention.canonical, mention.text)
        return LinkedMention(
            text=mention.text,
            start=mention.start,
            end=mention.end,
            type=mention.type,
            entity_id=found.entity_id,
            method=found.method,
            score=found.score,
        )

    def resolve(self, type_name: str | None, canonical: str, surface: str = "") -> Link:
        """Where a name of ``type_name`` lands in the graph."""
        key = (type_name or "", canonical, surface)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        found = self._lookup(type_name, canonical, surface)
        self._cache[key] = found
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    def names(self, entity_id: str) -> tuple[str, ...]:
        """The entity's name and aliases (empty when the store lacks it)."""
        if entity_id not in self._names:
            entity = self.store.get_entity(entity_id)
            self._names[entity_id] = (entity.name, *entity.aliases) if entity is not None else ()
            if entity is not None:
                self._types[entity_id] = entity.type
        return self._names[entity_id]

    def entity_type(self, entity_id: str) -> str | None:
        """The graph type of a linked entity (from the lookup, else from the store)."""
        if entity_id not in self._types:
            entity = self.store.get_entity(entity_id)
            if entity is None:
                return None
            self._types[entity_id] = entity.type
        return self._types[entity_id]

    def _lookup(self, type_name: str | None, canonical: str, surface: str) -> Link:
        names: list[str] = []
        for name in (canonical, surface):  # the same name differently cased is looked up once
            if name and name.strip() and all(normalise_name(name) != normalise_name(n) for n in names):
                names.append(name)
        names += [form for form in literal_forms(surface or canonical) if form not in names]
        amount = read_amount(surface or canonical)
        if amount is not None:
            names += [form for form in amount_forms(amount) if form not in names]
        typed = type_name if type_name and type_name != ROOT_TYPE else None
        # One lookup in every type, split here: the mention's type (and subclasses) first, any other
        # type only when that finds nothing. Cheaper than asking the store twice.
        matches = [m for n in names for m in self.store.find_entities(n, limit=2 * MAX_CANDIDATES)]
        if amount is not None:  # in a unit that agrees first, then numbers of unknown unit (``literals.py``)
            ranks = {m.entity.id: self._agreement(m.entity.id, m.entity.name, amount) for m in matches}
            matches = sorted((m for m in matches if ranks[m.entity.id]), key=lambda m: -ranks[m.entity.id])
        of_type = [m for m in matches if typed is None or self._is_a(m.entity.type, typed)]
        found = self._exact(of_type, "") or self._exact(matches, ":any_type")
        if found is not None:
            return found
        if self.fuzzy:
            for name in names[:2]:
                found = self._fuzzy(name, typed)
                if found is not None and (amount is None or self._agreement_of(found, amount)):
                    return found
        logger.debug("link: no entity for %r (%s)", canonical, type_name)
        return _UNLINKED

    def _agreement(self, entity_id: str, name: str, amount: Amount) -> int:
        """2 if the entity is a stored number that says ``amount`` in its unit (``literals.py``), 1 if
        it is the same number of unknown unit or no number at all (a name found as written), else 0."""
        stored = read_stored(name)
        if stored is None:
            return 1
        units = (stored.unit,) if stored.carries_unit else self._relation_units(entity_id)
        if any(unit is not None and states_amount(amount, stored.value, unit) for unit in units):
            return 2
        return int((not units or None in units) and states_amount(amount, stored.value, None))

    def _agreement_of(self, found: Link, amount: Amount) -> int:
        entity_id = found.entity_id or ""
        return self._agreement(entity_id, next(iter(self.names(entity_id)), ""), amount)

    def _relation_units(self, entity_id: str) -> tuple[Unit | None, ...]:
        """The units the relations to a stored number imply (``units.py``), one per relation."""
        if entity_id not in self._units:
            relations = {r.name: r for r in self.schema.relation_types}
            self._units[entity_id] = tuple(
                relation_unit(r.predicate, relations[r.predicate].label if r.predicate in relations else "")
                for r in self.store.neighbours(entity_id, direction="in", limit=_UNIT_RELATIONS)
            )
        return self._units[entity_id]

    def _is_a(self, type_name: str, ancestor: str) -> bool:
        key = (type_name, ancestor)
        if key not in self._is_a_cache:
            self._is_a_cache[key] = self.schema.is_a(type_name, ancestor)
        return self._is_a_cache[key]

    def _fuzzy(self, name: str, typed: str | None) -> Link | None:
        """The best near match within the type, scored on accent-folded names ("Huseyin" ~ "Hüseyin")."""
        matches = self.store.find_entities(
            name, type=typed, fuzzy=True, limit=MAX_CANDIDATES, min_score=self.min_score - _FOLD_SLACK
        )
        folded = _fold(name)
        scored = sorted(
            ((max(m.score, fuzz.ratio(folded, _fold(m.entity.name)) / 100), m) for m in matches),
            key=lambda pair: -pair[0],
        )
        if not scored or scored[0][0] < self.min_score:
            return None
        score, best = scored[0]
        self._types[best.entity.id] = best.entity.type
        return Link(
            entity_id=best.entity.id,
            method=best.method,
            score=round(min(score, 1.0), 4),
            candidates=(best.entity.id,),
        )

    def _exact(self, matches: list[EntityMatch], suffix: str) -> Link | None:
        """The best exact match, with every other exact match (a name, another's alias) as a candidate."""
        first: dict[str, EntityMatch] = {}
        for match in matches:
            first.setdefault(match.entity.id, match)
        unique = list(first.values())[:MAX_CANDIDATES]
        if not unique:
            return None
        method = unique[0].method + suffix + (":ambiguous" if len(unique) > 1 else "")
        return self._remember(unique, method)

    def _remember(self, matches: list[EntityMatch], method: str) -> Link:
        for match in matches:
            self._types[match.entity.id] = match.entity.type
        ids = tuple(m.entity.id for m in matches)
        return Link(entity_id=ids[0], method=method, score=matches[0].score, candidates=ids)


def _fold(name: str) -> str:
    """Case-folded, accents removed: "Hüseyin Bütüner" -> "huseyin butuner"."""
    return fold_accents(normalise_name(name))
