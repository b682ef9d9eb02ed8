"""What a template sees: read-only views of the path's entities and hops, nothing else.

Templates never get the store or the snapshot, only these views and the few values the
factory prepared (counts, choices, the corrupted entity of a negative). An ``EntityView``
prints as the entity's name, exactly as the graph spells it, and carries its type label in the
template's language; a ``HopView`` is one relation of the path read in walking order, with the
``Phrase`` that says how the relation reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from kgsynth.generate.phrases import Phrase
from kgsynth.model import Entity, Relation


@dataclass(frozen=True)
class EntityView:
    """An entity for a template: ``{{ e }}`` prints ``e.ref``, its name as a sentence refers to it.

    ``ref`` is the name exactly as the graph spells it, with "the" in front for the types a pack
    lists as ``definite`` in English ("the Supply Agreement"); ``name`` is always the bare name.
    ``type_label`` reads "drug class" / "药物类别".
    """

    id: str
    name: str
    type: str
    type_label: str
    ref: str

    def __str__(self) -> str:
        return self.ref

    @classmethod
    def of(cls, entity: Entity, type_label: str, ref: str | None = None) -> EntityView:
        """View of ``entity`` with its type label (and reference form) resolved for the language."""
        return cls(entity.id, entity.name, entity.type, type_label, ref or entity.name)


@dataclass(frozen=True)
class HopView:
    """One relation of the path, read from ``source`` to ``target`` (the walking order).

    ``subject``/``object`` are the relation's own ends; ``forward`` says whether walking order
    agrees with them (``source is subject``).
    """

    source: EntityView
    target: EntityView
    subject: EntityView
    object: EntityView
    predicate: str
    label: str
    phrase: Phrase
    forward: bool
    functional: bool
    symmetric: bool
    negated: bool
    relation_id: str

    @classmethod
    def of(
        cls,
        relation: Relation,
        source: EntityView,
        target: EntityView,
        phrase: Phrase,
        *,
        functional: bool = False,
        symmetric: bool = False,
        relation_id: str = "",
    ) -> HopView:
        """View of ``relation`` walked from ``source`` to ``target``.

        A symmetric relation holds both ways, so it is always read forward from the source
        ("Which drug interacts with warfarin?", never "Which drug does warfarin interact with?"
        in one template and the reverse in another).
        """
        forward = symmetric or relation.subject == source.id
        subject, object_ = (source, target) if forward else (target, source)
        return cls(
            source=source,
            target=target,
            subject=subject,
            object=object_,
            predicate=relation.predicate,
            label=phrase.label,
            phrase=phrase,
            forward=forward,
            functional=functional,
            symmetric=symmetric,
            negated=relation.negated,
            relation_id=relation_id or relation.id,
        )


@dataclass(frozen=True)
class OptionView:
    """One choice of a multiple-choice question: its letter and entity."""

    letter: str
    entity: EntityView
    correct: bool

    def __str__(self) -> str:
        return f"{self.letter}. {self.entity.name}"


__all__ = ["EntityView", "HopView", "OptionView"]
