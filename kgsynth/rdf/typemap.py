"""Class and property IRIs -> kgsynth entity-type and relation names, strict or derived.

Given a schema (from an ontology), every class and predicate an import uses must be in it:
matched by IRI, or by the IRI an export minted for a type that has none. Without one, types
are derived: an IRI the store's schema already knows keeps its name; any other gets its local
name made an identifier, with ``_2``, ``_3``... when two IRIs would share one. Names are given
in IRI order, so the same file always yields the same schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import OWL

from kgsynth.model import ROOT_TYPE, EntityType, RelationType, Schema
from kgsynth.rdf.names import identifier, local_name, minted_schema_name, unique_identifier

#: The type of resources without a class, added to a schema that needs and lacks it.
ROOT_ENTITY_TYPE = EntityType(name=ROOT_TYPE, iri=str(OWL.Thing), label="thing")


@dataclass(frozen=True)
class TypeInfo:
    """What the file says about a class or property besides its IRI."""

    label: str = ""
    parents: tuple[str, ...] = ()  # superclass IRIs (classes only)
    symmetric: bool = False
    functional: bool = False


@dataclass
class _Names:
    """IRI -> name for one kind (entity types or relations), with the unknown IRIs seen."""

    known: dict[str, str]
    base_names: frozenset[str]
    names_without_iri: frozenset[str]
    taken: set[str]
    assigned: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, entries: Iterable[EntityType | RelationType]) -> _Names:
        entries = list(entries)
        names = frozenset(e.name for e in entries)
        return cls(
            known={e.iri: e.name for e in entries if e.iri},
            base_names=names,
            names_without_iri=frozenset(e.name for e in entries if not e.iri),
            taken=set(names),
        )

    def resolve(self, iri: str, *, derive: bool) -> str | None:
        """The name for ``iri``; None (and the IRI recorded as unknown) if it has none and ``derive`` is off.

        Besides an exact IRI match, a base entry matches by name when the IRI is one we minted
        for that name, or when the entry has no IRI and the IRI's local name is its name.
        """
        if iri in self.assigned:
            return self.assigned[iri]
        name = self.known.get(iri)
        minted = minted_schema_name(iri)
        if (
            name is None
            and minted is not None
            and (minted in self.base_names or (derive and minted not in self.taken))
        ):
            name = minted
        if name is None and identifier(local_name(iri)) in self.names_without_iri:
            name = identifier(local_name(iri))
        if name is None and derive:
            name = unique_identifier(local_name(iri), self.taken)
        if name is None:
            self.unknown.append(iri)
            return None
        self.taken.add(name)
        self.assigned[iri] = name
        return name


class TypeMap:
    """Names for the classes and predicates of one import, and the schema they add up to.

    Args:
        base: the schema to match IRIs against (the given ontology, or what the store holds).
        strict: whether an IRI outside ``base`` is an error (a schema was given) rather than
            a new type to derive.
    """

    def __init__(self, base: Schema, *, strict: bool) -> None:
        self.base = base
        self.strict = strict
        self._types = _Names.of(base.entity_types)
        self._relations = _Names.of(base.relation_types)
        self._type_info: dict[str, TypeInfo] = {}
        self._relation_info: dict[str, TypeInfo] = {}

    def add_classes(self, classes: dict[str, TypeInfo]) -> None:
        """Name every class IRI in ``classes`` (in IRI order, so names are stable)."""
        for iri in sorted(classes):
            if self._types.resolve(iri, derive=not self.strict) is not None:
                self._type_info[iri] = classes[iri]

    def add_relations(self, predicates: dict[str, TypeInfo]) -> None:
        """Name every predicate IRI in ``predicates`` (in IRI order)."""
        for iri in sorted(predicates):
            if self._relations.resolve(iri, derive=not self.strict) is not None:
                self._relation_info[iri] = predicates[iri]

    def type_name(self, iri: str) -> str | None:
        """The entity type named for class ``iri`` (None if it was unknown under a strict schema)."""
        return self._types.assigned.get(iri)

    def relation_name(self, iri: str) -> str | None:
        """The relation named for predicate ``iri`` (None if it was unknown under a strict schema)."""
        return self._relations.assigned.get(iri)

    @property
    def unknown_classes(self) -> list[str]:
        """Class IRIs a strict schema lacks, sorted."""
        return sorted(set(self._types.unknown))

    @property
    def unknown_predicates(self) -> list[str]:
        """Predicate IRIs a strict schema lacks, sorted."""
        return sorted(set(self._relations.unknown))

    def schema(self, *, with_root: bool = False) -> Schema:
        """``base`` plus every type and relation derived for this import.

        ``with_root`` adds the root type (``Thing``, for resources without a class) when the
        schema lacks it: a store refuses entity types its schema does not list.
        """
        root = Schema(entity_types=(ROOT_ENTITY_TYPE,) if with_root else ())
        if self.strict:
            return self.base.merge(root)
        base_types = {t.name for t in self.base.entity_types} | {ROOT_TYPE}
        base_relations = {r.name for r in self.base.relation_types}
        derived = Schema(
            entity_types=tuple(
                self._entity_type(iri, name)
                for iri, name in sorted(self._types.assigned.items())
                if name not in base_types
            ),
            relation_types=tuple(
                self._relation_type(iri, name)
                for iri, name in sorted(self._relations.assigned.items())
                if name not in base_relations
            ),
        )
        return self.base.merge(derived).merge(root)

    def _entity_type(self, iri: str, name: str) -> EntityType:
        info = self._type_info.get(iri, TypeInfo())
        parents = tuple(
            sorted({p for p in (self._types.assigned.get(i) for i in info.parents) if p and p != name})
        )
        return EntityType(
            name=name, iri="" if minted_schema_name(iri) else iri, label=info.label, parents=parents
        )

    def _relation_type(self, iri: str, name: str) -> RelationType:
        info = self._relation_info.get(iri, TypeInfo())
        return RelationType(
            name=name,
            iri="" if minted_schema_name(iri) else iri,
            label=info.label,
            symmetric=info.symmetric,
            functional=info.functional,
        )
