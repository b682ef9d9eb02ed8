"""``Draft``: the facts of one sample-to-be, decided before any template is rendered.

Each question-type module (``chain``, ``negatives``, ``distractors``, ``aggregate``) turns a
``FactPath`` into a ``Draft``: the path the sample will carry, the relations its reasoning
cites, the checks that re-verify it, and the values its template needs. Deciding the facts
apart from the wording keeps every grounding rule (a negative is absent from the graph, a
distractor is unconnected, a count is the true count) in plain Python that tests can check
without reading any template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kgsynth.model import Entity, FactPath, Relation, TripleCheck


class Skip(Exception):
    """This path cannot make this question type; ``reason`` is counted in ``SampleFactory.skipped``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Hop:
    """A relation walked from ``source`` to ``target``: what template patterns are matched against."""

    relation: Relation
    source: Entity
    target: Entity


@dataclass
class Draft:
    """Everything about a sample except its wording."""

    type: str
    path: FactPath
    hops: tuple[Hop, ...]
    cited: tuple[Relation, ...]
    checks: tuple[TripleCheck, ...]
    entities: dict[str, Entity] = field(default_factory=dict)
    entity_lists: dict[str, tuple[Entity, ...]] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)
    answer: str = ""
    answer_word: Literal["yes", "no"] | None = None
    label: Literal["positive", "negative"] = "positive"
    mode: str | None = None
    hidden: tuple[Entity, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)


_IDS: dict[tuple[str, str, str, bool], str] = {}
#: Relation ids remembered before the cache is emptied; hashing them is a hot spot of a run.
_ID_CACHE = 200_000


def rid(relation: Relation) -> str:
    """``relation.id``, remembered: the same facts are cited by many samples of a run."""
    key = relation.key
    found = _IDS.get(key)
    if found is None:
        if len(_IDS) >= _ID_CACHE:
            _IDS.clear()
        found = _IDS[key] = relation.id
    return found


def chain_hops(path: FactPath) -> tuple[Hop, ...]:
    """The hops of a chain path in walking order."""
    return tuple(
        Hop(relation, path.entities[i], path.entities[i + 1]) for i, relation in enumerate(path.relations)
    )


def holds(relation: Relation) -> TripleCheck:
    """A check that ``relation`` (with its polarity) is in the graph."""
    return TripleCheck.model_construct(  # built from a validated Relation: no need to validate again
        subject=relation.subject,
        predicate=relation.predicate,
        object=relation.object,
        negated=relation.negated,
        expect="holds",
    )


def absent(subject: str, predicate: str, object_: str, *, symmetric: bool = False) -> tuple[TripleCheck, ...]:
    """Checks that the positive fact ``subject -predicate-> object`` is not in the graph.

    A symmetric relation is checked both ways: either direction would make the fact hold.
    """
    checks = [TripleCheck(subject=subject, predicate=predicate, object=object_, expect="absent")]
    if symmetric and subject != object_:
        checks.append(TripleCheck(subject=object_, predicate=predicate, object=subject, expect="absent"))
    return tuple(checks)


def oriented(source: str, target: str, forward: bool) -> tuple[str, str]:
    """(subject, object) of a relation walked from ``source`` to ``target``."""
    return (source, target) if forward else (target, source)


__all__ = ["Draft", "Hop", "Skip", "absent", "chain_hops", "holds", "oriented", "rid"]
