"""Small hand-made graphs for the generate and export tests: medical, legal, and untyped (RDF-like).

Each ``Fixture`` keeps the entities and relations it was built from, so a test can compute the
truth (a count, an absent fact) from the plain lists rather than from the code under test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from kgsynth.model import Entity, EntityType, Evidence, FactPath, Relation, RelationType, Schema
from kgsynth.store.snapshot import GraphSnapshot


@dataclass
class Fixture:
    """A graph as plain lists plus its snapshot."""

    entities: dict[str, Entity]
    relations: list[Relation]
    graph: GraphSnapshot
    symmetric: frozenset[str] = frozenset()

    def e(self, name: str) -> Entity:
        return self.entities[name]

    def holds(self, subject: str, predicate: str, object_: str) -> bool:
        """Truth from the plain relation list (positive facts; both ways for a symmetric relation)."""
        for r in self.relations:
            if r.predicate != predicate or r.negated:
                continue
            if (r.subject, r.object) == (subject, object_):
                return True
            if predicate in self.symmetric and (r.subject, r.object) == (object_, subject):
                return True
        return False

    def chain(self, *names: str) -> FactPath:
        """The chain path through the named entities, using the relation between each pair."""
        entities = [self.entities[n] for n in names]
        relations = []
        for a, b in itertools.pairwise(entities):
            relation = next(
                r for r in self.relations if {r.subject, r.object} == {a.id, b.id} and not r.negated
            )
            relations.append(relation)
        return FactPath(entities=tuple(entities), relations=tuple(relations), strategy="test", seed=0)

    def chains(self, max_hops: int = 3, limit: int = 400) -> Iterator[FactPath]:
        """Every simple chain path of 1..max_hops hops (either direction per hop), in a fixed order."""
        by_id = {e.id: e for e in self.entities.values()}
        adjacency: dict[str, list[tuple[Relation, str]]] = {}
        for r in self.relations:
            if r.negated:
                continue
            adjacency.setdefault(r.subject, []).append((r, r.object))
            adjacency.setdefault(r.object, []).append((r, r.subject))
        count = 0

        def extend(ids: list[str], rels: list[Relation]) -> Iterator[FactPath]:
            if rels:
                yield FactPath(
                    entities=tuple(by_id[i] for i in ids), relations=tuple(rels), strategy="test", seed=0
                )
            if len(rels) == max_hops:
                return
            for relation, other in adjacency.get(ids[-1], []):
                if other not in ids:
                    yield from extend([*ids, other], [*rels, relation])

        for start in sorted(by_id):
            for path in extend([start], []):
                yield path
                count += 1
                if count >= limit:
                    return


def _evidence(text: str) -> tuple[Evidence, ...]:
    return (Evidence(document_id="doc:fixture", start=0, end=len(text), sentence=text, extractor="test"),)


def _build(entities: list[Entity], triples: list[tuple[str, str, str]], schema: Schema | None) -> Fixture:
    by_name = {e.name: e for e in entities}
    relations = [
        Relation(
            subject=by_name[s].id, predicate=p, object=by_name[o].id, evidence=_evidence(f"{s} {p} {o}.")
        )
        for s, p, o in triples
    ]
    symmetric = frozenset(r.name for r in schema.relation_types if r.symmetric) if schema else frozenset()
    graph = GraphSnapshot.from_graph(entities, relations, schema=schema)
    return Fixture(by_name, relations, graph, symmetric)


MEDICAL_SCHEMA = Schema(
    name="medical-fixture",
    entity_types=(
        EntityType(name="Chemical"),
        EntityType(name="Drug", parents=("Chemical",)),
        EntityType(name="DrugClass"),
        EntityType(name="Disease"),
        EntityType(name="Symptom"),
    ),
    relation_types=(
        RelationType(name="treats", domain=("Drug",), range=("Disease", "Symptom")),
        RelationType(name="has_symptom", domain=("Disease",), range=("Symptom",)),
        RelationType(name="interacts_with", domain=("Drug",), range=("Drug",), symmetric=True),
        RelationType(name="belongs_to_class", domain=("Drug",), range=("DrugClass",), functional=True),
    ),
)


def medical() -> Fixture:
    """Seven drugs, seven diseases, five symptoms, three drug classes."""
    entities = [
        Entity.make("Drug", n)
        for n in ("aspirin", "ibuprofen", "warfarin", "lisinopril", "atorvastatin", "metformin", "omeprazole")
    ]
    entities += [
        Entity.make("Disease", n)
        for n in (
            "influenza",
            "migraine",
            "hypertension",
            "diabetes",
            "arthritis",
            "gastritis",
            "hyperlipidemia",
        )
    ]
    entities += [Entity.make("Symptom", n) for n in ("fever", "headache", "nausea", "fatigue", "joint pain")]
    entities += [Entity.make("DrugClass", n) for n in ("ACE inhibitor", "NSAID", "statins")]
    triples = [
        ("aspirin", "treats", "migraine"),
        ("aspirin", "treats", "influenza"),
        ("aspirin", "treats", "arthritis"),
        ("ibuprofen", "treats", "influenza"),
        ("ibuprofen", "treats", "arthritis"),
        ("lisinopril", "treats", "hypertension"),
        ("metformin", "treats", "diabetes"),
        ("omeprazole", "treats", "gastritis"),
        ("atorvastatin", "treats", "hyperlipidemia"),
        ("influenza", "has_symptom", "fever"),
        ("influenza", "has_symptom", "headache"),
        ("influenza", "has_symptom", "fatigue"),
        ("migraine", "has_symptom", "headache"),
        ("migraine", "has_symptom", "nausea"),
        ("hypertension", "has_symptom", "headache"),
        ("diabetes", "has_symptom", "fatigue"),
        ("arthritis", "has_symptom", "joint pain"),
        ("gastritis", "has_symptom", "nausea"),
        ("aspirin", "interacts_with", "warfarin"),
        ("ibuprofen", "interacts_with", "warfarin"),
        ("omeprazole", "interacts_with", "warfarin"),
        ("lisinopril", "interacts_with", "ibuprofen"),
        ("lisinopril", "belongs_to_class", "ACE inhibitor"),
        ("aspirin", "belongs_to_class", "NSAID"),
        ("ibuprofen", "belongs_to_class", "NSAID"),
        ("atorvastatin", "belongs_to_class", "statins"),
    ]
    return _build(entities, triples, MEDICAL_SCHEMA)


LEGAL_SCHEMA = Schema(
    name="legal-fixture",
    entity_types=(
        EntityType(name="Party"),
        EntityType(name="Person", parents=("Party",)),
        EntityType(name="Organization", parents=("Party",)),
        EntityType(name="Agreement"),
        EntityType(name="Jurisdiction"),
        EntityType(name="Date"),
        EntityType(name="Clause"),
        EntityType(name="Statute"),
        EntityType(name="Case"),
    ),
    relation_types=(
        RelationType(name="party_to", domain=("Party",), range=("Agreement",)),
        RelationType(name="governed_by", domain=("Agreement",), range=("Jurisdiction",), functional=True),
        RelationType(name="effective_date", domain=("Agreement",), range=("Date",), functional=True),
        RelationType(name="has_clause", domain=("Agreement",), range=("Clause",)),
        RelationType(name="cites", domain=("Case", "Agreement"), range=("Statute",)),
    ),
)


def legal() -> Fixture:
    """Five parties, four agreements, four jurisdictions, clauses, statutes and cases."""
    entities = [Entity.make("Organization", n) for n in ("Acme Corp", "Globex", "Initech")]
    entities += [Entity.make("Person", n) for n in ("Jane Doe", "John Roe")]
    entities += [
        Entity.make("Agreement", n)
        for n in (
            "Master Services Agreement",
            "Non-Disclosure Agreement",
            "Supply Agreement",
            "License Agreement",
        )
    ]
    entities += [Entity.make("Jurisdiction", n) for n in ("New York", "Delaware", "California", "Texas")]
    entities += [Entity.make("Date", n) for n in ("1 March 2020", "15 June 2021", "8 August 2022")]
    entities += [
        Entity.make("Clause", n)
        for n in ("termination clause", "confidentiality clause", "indemnification clause")
    ]
    entities += [Entity.make("Statute", n) for n in ("Sherman Act", "Clayton Act", "Lanham Act")]
    entities += [Entity.make("Case", n) for n in ("Smith v. Jones", "Doe v. Acme")]
    triples = [
        ("Acme Corp", "party_to", "Master Services Agreement"),
        ("Globex", "party_to", "Master Services Agreement"),
        ("Acme Corp", "party_to", "Non-Disclosure Agreement"),
        ("Jane Doe", "party_to", "Non-Disclosure Agreement"),
        ("Initech", "party_to", "Supply Agreement"),
        ("Globex", "party_to", "Supply Agreement"),
        ("John Roe", "party_to", "License Agreement"),
        ("Initech", "party_to", "License Agreement"),
        ("Master Services Agreement", "governed_by", "New York"),
        ("Non-Disclosure Agreement", "governed_by", "Delaware"),
        ("Supply Agreement", "governed_by", "California"),
        ("License Agreement", "governed_by", "New York"),
        ("Master Services Agreement", "effective_date", "1 March 2020"),
        ("Non-Disclosure Agreement", "effective_date", "15 June 2021"),
        ("Supply Agreement", "effective_date", "8 August 2022"),
        ("Master Services Agreement", "has_clause", "termination clause"),
        ("Master Services Agreement", "has_clause", "confidentiality clause"),
        ("Non-Disclosure Agreement", "has_clause", "confidentiality clause"),
        ("Supply Agreement", "has_clause", "indemnification clause"),
        ("Smith v. Jones", "cites", "Sherman Act"),
        ("Smith v. Jones", "cites", "Clayton Act"),
        ("Doe v. Acme", "cites", "Lanham Act"),
    ]
    return _build(entities, triples, LEGAL_SCHEMA)


def untyped() -> Fixture:
    """An RDF import with no types and no schema: relation names are all there is."""
    names = (
        "Berlin",
        "Germany",
        "Hamburg",
        "Munich",
        "Paris",
        "France",
        "Lyon",
        "Europe",
        "Angela Merkel",
        "Emmanuel Macron",
    )
    entities = [Entity(id=f"http://example.org/{n.replace(' ', '_')}", name=n) for n in names]
    triples = [
        ("Germany", "capital", "Berlin"),
        ("France", "capital", "Paris"),
        ("Berlin", "country", "Germany"),
        ("Hamburg", "country", "Germany"),
        ("Munich", "country", "Germany"),
        ("Paris", "country", "France"),
        ("Lyon", "country", "France"),
        ("Germany", "isPartOf", "Europe"),
        ("France", "isPartOf", "Europe"),
        ("Angela Merkel", "birthPlace", "Hamburg"),
        ("Emmanuel Macron", "birthPlace", "Paris"),
        ("Angela Merkel", "livesIn", "Berlin"),
        ("Emmanuel Macron", "livesIn", "Paris"),
    ]
    return _build(entities, triples, None)
