"""A question's query against the graph: some entities for its unnamed ones make every statement hold.

Each answer is put in for the entity asked for, and the statements are matched as a path:
"Warfarin treats a certain disease. This disease is an adverse effect of a certain drug.
Name a drug that ..." holds when the graph has some disease d and drug x with those facts
(an unnamed entity must be of its noun's type). Statements are matched in any equivalent
form (symmetric, inverse; ``FactChecker.facts``). Verdicts, one per statement:

* every statement holds for one choice: all ``supported``, with the facts that make it so;
* otherwise the first statement no choice satisfies is judged by ``FactChecker.verify``
  when both its ends are named (so a functional relation with another value, a stated
  negation, or a type clash is ``contradicted``), else ``not_in_graph``; the statements
  before it that do hold are ``supported``;
* a count ("How many drugs cause nausea?" + 4) holds when the graph lists exactly that many
  distinct entities for the unnamed one asked for; more is ``contradicted``; fewer is
  ``not_in_graph`` (``contradicted`` under ``closed_world``);
* a comparison ("Which treats more symptoms, A or B?" + A) holds when the graph lists more for
  the chosen entity than for the other; otherwise ``not_in_graph`` (``contradicted`` under
  ``closed_world`` when it lists fewer);
* a yes/no question answered "no" denies its last statement for every entity the other
  statements describe: ``contradicted`` when the fact holds for some choice of the unnamed
  entities; else ``supported`` when the graph states the denial or, for a functional relation,
  another value; otherwise ``not_in_graph``, unless ``closed_world`` is set: then an absent
  fact supports "no", as kgsynth's own negative samples are made (README, "Known limits").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace

from kgsynth.model import Claim, LinkedMention, Relation, Verdict
from kgsynth.verify.factcheck import FactChecker
from kgsynth.verify.link import StoreLinker
from kgsynth.verify.question import Atom, Query
from kgsynth.verify.question_terms import Term

#: Most graph neighbours read per end when choosing an unnamed entity.
NEIGHBOURS = 500
#: Most choices of the unnamed entities tried for one query.
MAX_CHOICES = 200

Binding = dict[int, str]


@dataclass(frozen=True)
class _Found:
    binding: Binding
    evidence: tuple[tuple[Relation, ...], ...]


class QueryChecker:
    """Verifies queries read from QA pairs against one store."""

    def __init__(self, facts: FactChecker, linker: StoreLinker, *, closed_world: bool = False) -> None:
        self.facts = facts
        self.linker = linker
        self.closed_world = closed_world

    def verify(self, query: Query) -> list[Verdict]:
        """One verdict per statement of ``query`` (several answers: every answer's statements).

        A query whose statements have several readings (``Atom.readings``: "share a symptom")
        holds when one reading holds, and is refuted when every reading is; "no" holds when
        every reading is denied, and is refuted when one reading holds.
        """
        variants = _variants(query)
        if len(variants) == 1:
            return self._verify(query)
        results = [self._verify(v) for v in variants]
        held = [all(v.status == "supported" for v in r) for r in results]
        refuted = [any(v.status == "contradicted" for v in r) for r in results]
        if query.polarity is False:
            if any(refuted):
                return results[refuted.index(True)]
            return results[0] if all(held) else results[held.index(False)]
        if any(held):
            return results[held.index(True)]
        return results[0] if all(refuted) else results[refuted.index(False)]

    def _verify(self, query: Query) -> list[Verdict]:
        unlinked = [t for a in query.atoms for t in (a.subject, a.object) if t.kind == "entity" and not t.ids]
        unlinked += [t for t in query.answers if not t.ids]
        if unlinked:
            return [self._unlinkable(a, unlinked) for a in query.atoms]
        if query.count is not None:
            return [self._count(query)]
        if query.candidates:
            return [self._compare(query)]
        if query.polarity is False:
            return self._denied(query)
        if not query.answers:
            return self._holds(query, list(query.atoms))
        verdicts: list[Verdict] = []
        for answer in query.answers:
            atoms = [_filled(a, query.asked, answer) for a in query.atoms]
            verdicts += self._holds(query, atoms)
        return verdicts

    # ------------------------------------------------------------------ positive
    def _holds(self, query: Query, atoms: list[Atom]) -> list[Verdict]:
        if len(atoms) > 1 and not any(_has_var(a) for a in atoms):
            # named ends only ("A and B share the side effect X"): each statement has its own verdict
            return [self.facts.verify(self._claim(a, {})) for a in atoms]
        found = next(self._solve(atoms, {}), None)
        if found is not None:
            return [self._supported(a, found) for a in atoms]
        failing, partial = self._first_failing(atoms)
        verdicts = [self._supported(a, partial) for a in atoms[:failing]]
        verdicts.append(self._failed(atoms[failing], partial))
        return verdicts

    def _first_failing(self, atoms: list[Atom]) -> tuple[int, _Found]:
        best = _Found({}, ())
        for count in range(1, len(atoms) + 1):
            found = next(self._solve(atoms[:count], {}), None)
            if found is None:
                return count - 1, best
            best = found
        return len(atoms) - 1, best

    def _failed(self, atom: Atom, found: _Found) -> Verdict:
        subject, object_ = _ends(atom, found.binding)
        claim = self._claim(atom, found.binding)
        if subject is not None and object_ is not None:
            return self.facts.verify(claim)
        return Verdict(
            status="not_in_graph",
            claim=claim,
            reason=f"no {atom.predicate} fact links {_describe(atom.subject)} and {_describe(atom.object)} "
            "along the question's path",
        )

    # ------------------------------------------------------------------ how many, which more
    def _values(self, atoms: list[Atom], counted: int | None) -> dict[str, tuple[Relation, ...]]:
        """The distinct entities the counted variable takes over every way the atoms hold, with
        the facts that place each one."""
        values: dict[str, tuple[Relation, ...]] = {}
        for found in self._solve(atoms, {}):
            if counted in found.binding:
                held = tuple(r for relations in found.evidence for r in relations)
                values.setdefault(found.binding[counted], held)
        return values

    def _count(self, query: Query) -> Verdict:
        """ "How many drugs cause nausea?" + n: supported when the graph lists exactly n; contradicted
        when it lists more (their names are the evidence); fewer is "not in the graph" (the graph may
        lack some), or contradicted under ``closed_world``."""
        stated = query.count or 0
        values = self._values(list(query.atoms), query.counted)
        atom = next(a for a in query.atoms if query.counted in (a.subject.var, a.object.var))
        claim = self._claim(atom, {}).model_copy(
            update={"text": f"{query.text} {stated}", "rule": query.rule}
        )
        evidence = tuple(dict.fromkeys(r for held in values.values() for r in held))
        listed = f"the graph lists {len(values)}" + (f": {', '.join(sorted(values))}" if values else "")
        if len(values) == stated:
            return Verdict(status="supported", claim=claim, evidence=evidence, reason=listed)
        if len(values) > stated or self.closed_world:
            return Verdict(status="contradicted", claim=claim, evidence=evidence, reason=listed)
        return Verdict(status="not_in_graph", claim=claim, evidence=evidence, reason=listed)

    def _compare(self, query: Query) -> Verdict:
        """ "Which treats more symptoms, A or B?" + A: supported when the graph lists more for A than
        for B; otherwise contradicted under ``closed_world``, else "not in the graph"."""
        chosen = query.answers[0]
        counts = {}
        for candidate in query.candidates:
            # "Which causes more diseases": every fact of the relation counts, as the question's maker
            # counted them, whatever the type of the other end.
            atoms = [_untyped(_filled(a, query.asked, candidate), query.counted) for a in query.atoms]
            counts[candidate.text] = self._values(atoms, query.counted) if candidate.ids else {}
        mine = counts[chosen.text]
        most = max(len(v) for name, v in counts.items() if name != chosen.text)
        atom = next(a for a in query.atoms if query.asked in (a.subject.var, a.object.var))
        claim = self._claim(_filled(atom, query.asked, chosen), {}).model_copy(
            update={"text": f"{query.text} {chosen.text}", "rule": query.rule}
        )
        evidence = tuple(dict.fromkeys(r for held in mine.values() for r in held))
        reason = "the graph lists " + ", ".join(f"{len(v)} for {name}" for name, v in counts.items())
        if not chosen.ids:
            return Verdict(status="unlinkable", claim=claim, reason=f'no graph entity for "{chosen.text}"')
        if len(mine) > most:
            return Verdict(status="supported", claim=claim, evidence=evidence, reason=reason)
        status = "contradicted" if self.closed_world and len(mine) < most else "not_in_graph"
        return Verdict(status=status, claim=claim, evidence=evidence, reason=reason)

    # ------------------------------------------------------------------ "no"
    def _denied(self, query: Query) -> list[Verdict]:
        *context, last = query.atoms
        choices = list(self._choices(context))
        if not choices:
            return [*self._holds(query, list(context)), self._failed(last, _Found({}, ()))]
        holding = next((found for found in choices if self._holds_for(last, found)), None)
        if holding is not None:
            # "no" denies that any entity the question describes has the fact; one that has it refutes it.
            claim = self._claim(last, holding.binding, negated=True)
            evidence = next(self._solve([last], holding.binding)).evidence[0]
            stated = "the graph states the fact"
            denied = Verdict(status="contradicted", claim=claim, evidence=evidence, reason=stated)
            return [*(self._supported(a, holding) for a in context), denied]
        for found in choices:
            denial = self._denial(last, found)
            if denial is not None:
                return [*(self._supported(a, found) for a in context), denial]
        found = choices[0]
        claim = self._claim(last, found.binding, negated=True)
        reason = "the graph states neither the fact nor its denial"
        return [
            *(self._supported(a, found) for a in context),
            Verdict(status="not_in_graph", claim=claim, reason=reason),
        ]

    def _choices(self, context: list[Atom]) -> Iterator[_Found]:
        if not context:
            yield _Found({}, ())
            return
        yield from self._solve(context, {})

    def _denial(self, atom: Atom, found: _Found) -> Verdict | None:
        """A "no" that the graph supports for this choice of the unnamed entities, else None."""
        for subject, object_ in self._grounds(atom, found.binding):
            claim = self._claim(atom, found.binding, negated=True, ends=(subject, object_))
            positive, negative = self.facts.facts(subject, atom.predicate, object_)
            if positive:
                continue
            if negative:
                return Verdict(
                    status="supported", claim=claim, evidence=tuple(negative), reason="held as stated"
                )
            verdict = self.facts.verify(claim.model_copy(update={"negated": False}))
            if verdict.status == "contradicted":
                return Verdict(
                    status="supported", claim=claim, evidence=verdict.evidence, reason=verdict.reason
                )
            if self.closed_world:
                return Verdict(
                    status="supported",
                    claim=claim,
                    reason="absent from the graph (closed world: a yes/no answer of no)",
                )
        return None

    def _holds_for(self, atom: Atom, found: _Found) -> bool:
        return all(
            self.facts.facts(s, atom.predicate, o)[0] for s, o in self._grounds(atom, found.binding)
        ) and bool(self._grounds(atom, found.binding))

    def _grounds(self, atom: Atom, binding: Binding) -> list[tuple[str, str]]:
        subjects = _ids(atom.subject, binding)
        objects = _ids(atom.object, binding)
        return [(s, o) for s in subjects for o in objects]

    # ------------------------------------------------------------------ search
    def _solve(self, atoms: list[Atom], binding: Binding) -> Iterator[_Found]:
        """Every choice of the unnamed entities (up to ``MAX_CHOICES``) under which ``atoms`` hold."""
        found = self._search(atoms, list(range(len(atoms))), binding, {})
        for chosen, evidence in itertools.islice(found, MAX_CHOICES):
            yield _Found(chosen, tuple(evidence[i] for i in range(len(atoms))))

    def _search(
        self, atoms: list[Atom], todo: list[int], binding: Binding, evidence: dict[int, tuple[Relation, ...]]
    ) -> Iterator[tuple[Binding, dict[int, tuple[Relation, ...]]]]:
        if not todo:
            yield dict(binding), dict(evidence)
            return
        index = max(todo, key=lambda i: _bound_ends(atoms[i], binding))
        atom = atoms[index]
        if _bound_ends(atom, binding) == 0:
            return  # two unnamed ends with nothing to start from: the question gives no anchor
        rest = [i for i in todo if i != index]
        for subject, object_, held in self._matches(atom, binding):
            added = {}
            for term, value in ((atom.subject, subject), (atom.object, object_)):
                if term.kind == "var" and term.var not in binding:
                    if not self._of_type(value, term.type):
                        break
                    added[term.var] = value
            else:
                if len(set(added.values())) < len(added):
                    continue
                yield from self._search(atoms, rest, {**binding, **added}, {**evidence, index: held})

    def _matches(self, atom: Atom, binding: Binding) -> Iterator[tuple[str, str, tuple[Relation, ...]]]:
        subjects, objects = _ids(atom.subject, binding), _ids(atom.object, binding)
        if subjects and objects:
            for s in subjects:
                for o in objects:
                    positive = self.facts.facts(s, atom.predicate, o)[0]
                    if positive:
                        yield s, o, tuple(positive)
            return
        anchors, free_is_object = (subjects, True) if subjects else (objects, False)
        predicates = self.facts.predicates_for(atom.predicate)
        for anchor in anchors:
            neighbours = self.facts.store.neighbours(anchor, predicates=predicates, limit=NEIGHBOURS)
            for other in dict.fromkeys(r.object if r.subject == anchor else r.subject for r in neighbours):
                s, o = (anchor, other) if free_is_object else (other, anchor)
                positive = self.facts.facts(s, atom.predicate, o)[0]
                if positive:
                    yield s, o, tuple(positive)

    def _of_type(self, entity_id: str, type_name: str | None) -> bool:
        if type_name is None:
            return True
        found = self.linker.entity_type(entity_id)
        schema = self.facts.schema
        if found is None or not schema.has_entity_type(found) or not schema.has_entity_type(type_name):
            return True
        return schema.is_a(found, type_name)

    # ------------------------------------------------------------------ verdicts
    def _supported(self, atom: Atom, found: _Found) -> Verdict:
        evidence: tuple[Relation, ...] = ()
        for relations in found.evidence:
            if relations and self._is_evidence_of(atom, found.binding, relations):
                evidence = relations
                break
        return Verdict(
            status="supported",
            claim=self._claim(atom, found.binding),
            evidence=evidence,
            reason="held along the question's path" if _has_var(atom) else "held as stated",
        )

    def _is_evidence_of(self, atom: Atom, binding: Binding, relations: tuple[Relation, ...]) -> bool:
        ends = {relations[0].subject, relations[0].object}
        return all(any(i in ends for i in _ids(t, binding)) for t in (atom.subject, atom.object))

    def _claim(
        self, atom: Atom, binding: Binding, *, negated: bool = False, ends: tuple[str, str] | None = None
    ) -> Claim:
        subject = _mention(atom.subject, binding, ends[0] if ends else None)
        object_ = _mention(atom.object, binding, ends[1] if ends else None)
        return Claim(
            text=f"{atom.subject.text} {atom.predicate}{' (denied)' if negated else ''} {atom.object.text}",
            start=atom.start,
            end=atom.end,
            subject=subject,
            predicate=atom.predicate,
            object=object_,
            negated=negated,
            rule=atom.rule,
        )

    def _unlinkable(self, atom: Atom, unlinked: list[Term]) -> Verdict:
        names = " and ".join(dict.fromkeys(f'"{t.text}"' for t in unlinked))
        return Verdict(
            status="unlinkable", claim=self._claim(atom, {}), reason=f"no graph entity for {names}"
        )


def _filled(atom: Atom, asked: int | None, answer: Term) -> Atom:
    def fill(term: Term) -> Term:
        if term.kind == "var" and term.var == asked:
            return Term("entity", answer.text, answer.start, answer.end, answer.type or term.type, answer.ids)
        return term

    return replace(atom, subject=fill(atom.subject), object=fill(atom.object))


def _variants(query: Query) -> list[Query]:
    """The query under each joint reading of its statements (itself when they have none)."""
    count = max((len(a.readings) for a in query.atoms), default=0)
    if count <= 1:
        return [query]
    return [replace(query, atoms=tuple(_read_as(a, i) for a in query.atoms)) for i in range(count)]


def _read_as(atom: Atom, index: int) -> Atom:
    if not atom.readings:
        return atom
    predicate, swapped = atom.readings[index]
    subject, object_ = (atom.object, atom.subject) if swapped else (atom.subject, atom.object)
    return replace(atom, subject=subject, predicate=predicate, object=object_, readings=())


def _untyped(atom: Atom, var: int | None) -> Atom:
    def untyped(term: Term) -> Term:
        return replace(term, type=None) if term.kind == "var" and term.var == var else term

    return replace(atom, subject=untyped(atom.subject), object=untyped(atom.object))


def _ids(term: Term, binding: Binding) -> tuple[str, ...]:
    if term.kind == "entity":
        return term.ids
    return (binding[term.var],) if term.var in binding else ()


def _bound_ends(atom: Atom, binding: Binding) -> int:
    return sum(bool(_ids(t, binding)) for t in (atom.subject, atom.object))


def _ends(atom: Atom, binding: Binding) -> tuple[str | None, str | None]:
    subjects, objects = _ids(atom.subject, binding), _ids(atom.object, binding)
    return (subjects[0] if subjects else None, objects[0] if objects else None)


def _has_var(atom: Atom) -> bool:
    return atom.subject.kind == "var" or atom.object.kind == "var"


def _describe(term: Term) -> str:
    return f'"{term.text}"'


def _mention(term: Term, binding: Binding, chosen: str | None) -> LinkedMention:
    ids = _ids(term, binding)
    entity_id = chosen or (ids[0] if ids else None)
    method = "question:variable" if term.kind == "var" else "question:name"
    return LinkedMention(
        text=term.text,
        start=term.start,
        end=term.end,
        type=term.type,
        entity_id=entity_id,
        method=method if entity_id else "",
        score=1.0 if entity_id else 0.0,
    )
