"""One claim against the graph: supported, contradicted, not in the graph, or unlinkable, with evidence.

For a claim ``s -p-> o`` (polarity ``negated``), in this order:

1. ``unlinkable`` if either end names no graph entity (the reason names it);
2. the graph's facts about the claim, read in every equivalent form: ``o -p-> s`` when
   ``p`` is symmetric, ``o -q-> s`` when ``q`` is an inverse of ``p`` (declared on either
   side). A fact of the claim's polarity makes it ``supported``; only a fact of the
   opposite polarity (the graph stores "X does not cause Y", or the claim denies a fact
   the graph holds) makes it ``contradicted``. A positive fact of a sub-property
   (``RelationType.implies`` / ``implies_inverse``) also states the claim's relation: it
   supports the claim, or contradicts its denial; a negated one says nothing of it (that
   X is not an adverse effect of D does not mean D does not cause X);
3. ``contradicted`` when ``p`` (or an equivalent form) is functional and the graph gives
   the subject a different object; the conflicting facts are the evidence;
4. ``contradicted`` when an end's graph type cannot be of the relation's domain/range
   (neither type is a subclass of the other, per the schema);
5. ``supported`` through a path of two facts ``s - x - o`` when the statement names both
   relations on it (``context``: the predicates signalled in the same sentence), one of
   them ``p``; paths longer than two hops are not followed;
6. otherwise ``not_in_graph``, naming the relations that do link the two, if any.

Negative claims are checked by steps 1-2 only: the graph does not state absences.
Every equivalent form of a fact joins the same two entities, so the facts between a pair
are read once (two indexed lookups) and serve every claim about it; they are cached
(bounded) for the life of the checker, so the graph must not change while a check runs.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

from kgsynth.model import Claim, Relation, Schema, Verdict
from kgsynth.store.base import GraphStore

logger = logging.getLogger(__name__)

#: Most neighbours read per end when looking for a two-hop path.
PATH_NEIGHBOURS = 500
_CACHE_SIZE = 50_000

Form = tuple[str, str, str]
Pair = tuple[str, str]


class FactChecker:
    """Verifies claims against one store under one schema."""

    def __init__(
        self,
        store: GraphStore,
        schema: Schema,
        *,
        entity_type: Callable[[str], str | None] | None = None,
    ) -> None:
        self.store = store
        self.schema = schema
        self._relations = {r.name: r for r in schema.relation_types}
        self._entity_type = entity_type or self._type_from_store
        self._pairs_cache: OrderedDict[Pair, tuple[Relation, ...]] = OrderedDict()
        self._inverses: dict[str, list[str]] = {}
        self._implied_by: dict[str, tuple[tuple[str, bool], ...]] = {}

    # ------------------------------------------------------------------ public
    def verify(self, claim: Claim, context: frozenset[str] = frozenset()) -> Verdict:
        """The verdict on ``claim``; ``context`` names the relations its sentence speaks of."""
        missing = [m for m in (claim.subject, claim.object) if m.entity_id is None]
        if missing:
            names = " and ".join(f'"{m.text}"' + (f" ({m.type})" if m.type else "") for m in missing)
            return Verdict(status="unlinkable", claim=claim, reason=f"no graph entity for {names}")
        subject, object_ = claim.subject.entity_id, claim.object.entity_id
        assert subject is not None and object_ is not None
        positive, negative = self.facts(subject, claim.predicate, object_)
        same, opposite = (negative, positive) if claim.negated else (positive, negative)
        if same:
            return Verdict(
                status="supported", claim=claim, evidence=tuple(same), reason=_held(same, claim, self)
            )
        if opposite:
            what = "the fact" if claim.negated else "its negation"
            return Verdict(
                status="contradicted",
                claim=claim,
                evidence=tuple(opposite),
                reason=f"the graph states {what}",
            )
        if claim.negated:
            return self._not_in_graph(claim, subject, object_)
        conflict = self._functional_conflict(subject, claim.predicate, object_)
        if conflict:
            return Verdict(
                status="contradicted",
                claim=claim,
                evidence=tuple(conflict),
                reason=(
                    f"{conflict[0].predicate} is functional and the graph gives {conflict[0].subject} "
                    f"another value: {', '.join(r.object for r in conflict)}"
                ),
            )
        clash = self._type_clash(subject, claim.predicate, object_)
        if clash:
            return Verdict(status="contradicted", claim=claim, reason=clash)
        path = self.two_hop_path(subject, claim.predicate, object_, context)
        if path:
            return Verdict(
                status="supported",
                claim=claim,
                evidence=path,
                reason=f"two-hop path through {_middle(path, subject)}",
            )
        return self._not_in_graph(claim, subject, object_)

    def forms(self, subject: str, predicate: str, object_: str) -> list[Form]:
        """Every way the graph may store this fact: as given, reversed if symmetric, as an inverse."""
        forms = [(subject, predicate, object_)]
        relation = self._relations.get(predicate)
        if relation is not None and relation.symmetric:
            forms.append((object_, predicate, subject))
        for inverse in self.inverses(predicate):
            forms.append((object_, inverse, subject))
            if self._relations[inverse].symmetric:
                forms.append((subject, inverse, object_))
        return list(dict.fromkeys(forms))

    def inverses(self, predicate: str) -> list[str]:
        """Relations declared inverse of ``predicate``, from either side of the declaration."""
        found = self._inverses.get(predicate)
        if found is None:
            relation = self._relations.get(predicate)
            names = (
                [relation.inverse_of]
                if relation is not None and relation.inverse_of in self._relations
                else []
            )
            names += [r.name for r in self._relations.values() if r.inverse_of == predicate]
            found = self._inverses[predicate] = list(dict.fromkeys(n for n in names if n and n != predicate))
        return found

    def implying_forms(self, equivalent: list[Form]) -> list[Form]:
        """The forms of the sub-property facts that state a fact given in its ``equivalent`` forms
        (``forms()``; see ``RelationType.implies``)."""
        found: list[Form] = []
        for s, p, o in equivalent:
            for sub, reversed_ in self._implied_by_relations(p):
                stored = (o, sub, s) if reversed_ else (s, sub, o)
                found += self.forms(*stored)
        return [f for f in dict.fromkeys(found) if f not in equivalent]

    def predicates_for(self, predicate: str) -> list[str]:
        """Every predicate a stored fact may carry and still state ``predicate`` (sorted)."""
        equivalent = self.forms("s", predicate, "o")
        return sorted({p for _, p, _ in equivalent + self.implying_forms(equivalent)})

    def facts(self, subject: str, predicate: str, object_: str) -> tuple[list[Relation], list[Relation]]:
        """The stored ``(positive, negated)`` facts that state ``subject -predicate-> object``.

        Negated facts count only in an equivalent form: a denied sub-property denies nothing here.
        A sub-property fact counts only when both ends are of the relation's domain and range
        (subclasses included): with ``causes`` declared a sub-property of the inverse of
        ``adverse_effect_of`` (whose range is Drug), "benzene causes leukemia" does not make
        leukemia an adverse effect of benzene, a Chemical.
        """
        # Every form links the same two entities, so one lookup of the pair serves all.
        equivalent = self.forms(subject, predicate, object_)
        forms, implying = set(equivalent), set(self.implying_forms(equivalent))
        positive: list[Relation] = []
        negative: list[Relation] = []
        for relation in self.between(subject, object_):
            form = (relation.subject, relation.predicate, relation.object)
            if form in forms:
                (negative if relation.negated else positive).append(relation)
            elif form in implying and not relation.negated and self._ends_fit(subject, predicate, object_):
                positive.append(relation)
        return positive, negative

    def known(self, subject: str, predicate: str, object_: str) -> bool:
        """Whether the graph states this fact, or its negation, in any equivalent form."""
        positive, negative = self.facts(subject, predicate, object_)
        return bool(positive or negative)

    def between(self, a: str, b: str) -> tuple[Relation, ...]:
        """Every stored fact linking ``a`` and ``b``, either direction, either polarity."""
        key = (a, b) if a <= b else (b, a)
        hit = self._cached(key)
        if hit is None:
            found = self.store.relations(subject=a, object=b)
            if a != b:
                found += self.store.relations(subject=b, object=a)
            # A tuple: most pairs are unrelated, and every empty one is the same object.
            hit = self._remember(key, tuple(sorted(found, key=lambda r: (r.predicate, r.subject, r.negated))))
        return hit

    def two_hop_path(
        self, subject: str, predicate: str, object_: str, context: frozenset[str]
    ) -> tuple[Relation, ...]:
        """Two positive facts ``subject - x - object``: one of ``predicate``, the other of another
        relation named in ``context``; empty if there is none."""
        allowed = {predicate, *self.inverses(predicate)}
        others = set(context) - allowed
        if not others:
            return ()
        wanted = sorted(allowed | others)
        near_subject = self._neighbours_by_end(subject, wanted)
        near_object = self._neighbours_by_end(object_, wanted)
        for middle in sorted(set(near_subject) & set(near_object) - {subject, object_}):
            for first in near_subject[middle]:
                for second in near_object[middle]:
                    kinds = {first.predicate in allowed, second.predicate in allowed}
                    if kinds == {True, False}:
                        return (first, second)
        return ()

    # ------------------------------------------------------------------ steps
    def _implied_by_relations(self, predicate: str) -> tuple[tuple[str, bool], ...]:
        """Sub-properties of ``predicate``: ``(name, True)`` when it is a sub-property of the inverse."""
        found = self._implied_by.get(predicate)
        if found is None:
            found = self._implied_by[predicate] = self.schema.sub_properties(predicate)
        return found

    def _cached(self, key: Pair) -> tuple[Relation, ...] | None:
        hit = self._pairs_cache.get(key)
        if hit is not None:
            self._pairs_cache.move_to_end(key)
        return hit

    def _remember(self, key: Pair, found: tuple[Relation, ...]) -> tuple[Relation, ...]:
        self._pairs_cache[key] = found
        if len(self._pairs_cache) > _CACHE_SIZE:
            self._pairs_cache.popitem(last=False)
        return found

    def _functional_conflict(self, subject: str, predicate: str, object_: str) -> list[Relation]:
        for s, p, o in self.forms(subject, predicate, object_):
            relation = self._relations.get(p)
            if relation is None or not relation.functional:
                continue
            others = [r for r in self.store.relations(subject=s, predicate=p, negated=False) if r.object != o]
            if others:
                return others
        return []

    def fits(self, predicate: str, subject_type: str | None, object_type: str | None) -> bool:
        """Whether mentions of these types may be the relation's subject and object (subclasses count)."""
        relation = self._relations.get(predicate)
        if relation is None:
            return True
        return all(
            not allowed or type_name is None or any(self.schema.is_a(type_name, a) for a in allowed)
            for type_name, allowed in ((subject_type, relation.domain), (object_type, relation.range))
        )

    def _ends_fit(self, subject: str, predicate: str, object_: str) -> bool:
        """Whether the two entities' graph types are of the relation's domain and range."""
        return self.fits(predicate, self._entity_type(subject), self._entity_type(object_))

    def _type_clash(self, subject: str, predicate: str, object_: str) -> str:
        relation = self._relations.get(predicate)
        if relation is None:
            return ""
        for end, allowed, role in (
            (subject, relation.domain, "subject"),
            (object_, relation.range, "object"),
        ):
            type_name = self._entity_type(end)
            if type_name and allowed and not self._compatible(type_name, allowed):
                return f"{end} is a {type_name}, but the {role} of {predicate} must be {' or '.join(allowed)}"
        return ""

    def _compatible(self, type_name: str, allowed: tuple[str, ...]) -> bool:
        """Whether an entity of ``type_name`` could be one of ``allowed`` (unknown types: yes)."""
        if not self.schema.has_entity_type(type_name):
            return True
        return any(
            not self.schema.has_entity_type(a)
            or self.schema.is_a(type_name, a)
            or self.schema.is_a(a, type_name)
            for a in allowed
        )

    def _not_in_graph(self, claim: Claim, subject: str, object_: str) -> Verdict:
        linking = sorted({r.predicate for r in self.between(subject, object_)})
        reason = f"no {claim.predicate} fact links {subject} and {object_}"
        if linking:
            reason += f" (the graph links them by {', '.join(linking)})"
        return Verdict(status="not_in_graph", claim=claim, reason=reason)

    def _neighbours_by_end(self, entity: str, predicates: list[str]) -> dict[str, list[Relation]]:
        by_end: dict[str, list[Relation]] = {}
        for relation in self.store.neighbours(entity, predicates=predicates, limit=PATH_NEIGHBOURS):
            if relation.negated:
                continue
            other = relation.object if relation.subject == entity else relation.subject
            by_end.setdefault(other, []).append(relation)
        return by_end

    def _type_from_store(self, entity_id: str) -> str | None:
        entity = self.store.get_entity(entity_id)
        return entity.type if entity is not None else None


def _held(found: list[Relation], claim: Claim, checker: FactChecker) -> str:
    first = found[0]
    if first.predicate in checker.inverses(claim.predicate):
        return f"held as the inverse {first.predicate}"
    if first.predicate != claim.predicate:
        return f"held as {first.predicate}, which implies {claim.predicate}"
    if first.subject != claim.subject.entity_id:
        return f"held in the other direction ({first.predicate} is symmetric)"
    return "held as stated"


def _middle(path: tuple[Relation, ...], subject: str) -> str:
    first = path[0]
    return first.object if first.subject == subject else first.subject
