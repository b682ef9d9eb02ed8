"""GraphLookup: reachable sets and name clashes, checked against the fixtures' plain relation lists."""

from __future__ import annotations

import pytest

from kgsynth.generate.aggregate import count_draft
from kgsynth.generate.draft import chain_hops
from kgsynth.generate.lookup import Direction, GraphLookup
from kgsynth.model import Entity, EntityType, FactPath, Relation, RelationType, Schema
from kgsynth.store.snapshot import GraphSnapshot
from tests.generate.graphs import Fixture, legal, medical, untyped

FIXTURES: dict[str, Fixture] = {"medical": medical(), "legal": legal(), "untyped": untyped()}


def reached_by_hand(fixture: Fixture, start: str, steps: list[Direction]) -> set[str]:
    frontier = {start}
    for step in steps:
        nxt: set[str] = set()
        for r in fixture.relations:
            if r.negated or r.predicate != step.predicate:
                continue
            if (step.forward or step.symmetric) and r.subject in frontier:
                nxt.add(r.object)
            if (not step.forward or step.symmetric) and r.object in frontier:
                nxt.add(r.subject)
        frontier = nxt
    return frontier


@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_reachable_is_every_end_of_the_same_relations_from_the_start(graph: str) -> None:
    fixture = FIXTURES[graph]
    lookup = GraphLookup(fixture.graph)
    checked = 0
    for path in fixture.chains(max_hops=3):
        steps = [lookup.direction(h.relation, h.source.id) for h in chain_hops(path)]
        start = path.entities[0].id
        reach = lookup.reachable(fixture.graph.index(start), steps)
        assert reach is not None
        assert {fixture.graph.entity_id(i) for i in reach} == reached_by_hand(fixture, start, steps)
        checked += 1
    assert checked > 20


def test_reachable_is_none_when_the_set_exceeds_the_limit() -> None:
    fixture = FIXTURES["medical"]
    lookup = GraphLookup(fixture.graph)
    influenza = fixture.graph.index(fixture.e("influenza").id)
    step = Direction("has_symptom", forward=True)
    assert lookup.reachable(influenza, [step], limit=2) is None
    assert len(lookup.reachable(influenza, [step], limit=3) or ()) == 3


def homonym_graph() -> GraphSnapshot:
    entities = [
        Entity.make("Drug", "Aspirin"),
        Entity.make("Chemical", "aspirin"),
        Entity.make("Drug", "warfarin"),
        Entity.make("Disease", "pain"),
    ]
    relation = Relation(subject=entities[0].id, predicate="treats", object=entities[3].id)
    return GraphSnapshot.from_graph(entities, [relation])


@pytest.mark.parametrize(
    ("node", "taken", "clashes"),
    [
        ("Drug:aspirin", {"Chemical:aspirin"}, True),
        ("Chemical:aspirin", {"Drug:aspirin", "Disease:pain"}, True),
        ("Drug:aspirin", {"Drug:warfarin", "Disease:pain"}, False),
        ("Drug:warfarin", {"Drug:aspirin", "Chemical:aspirin"}, False),
        ("Drug:aspirin", {"Drug:aspirin"}, False),
    ],
)
def test_name_clashes_with_a_taken_entity_of_the_same_name_ignoring_case(
    node: str, taken: set[str], clashes: bool
) -> None:
    graph = homonym_graph()
    lookup = GraphLookup(graph)
    assert lookup.name_clashes(graph.index(node), {graph.index(t) for t in taken}) is clashes


def adverse_effect_graph() -> GraphSnapshot:
    """fluconazole causes nothing directly; "hepatotoxicity adverse_effect_of fluconazole" says it does."""
    schema = Schema(
        entity_types=(EntityType(name="Drug"), EntityType(name="Disease")),
        relation_types=(
            RelationType(name="causes", domain=("Drug",), range=("Disease",)),
            RelationType(
                name="adverse_effect_of", domain=("Disease",), range=("Drug",), implies_inverse=("causes",)
            ),
        ),
    )
    drugs = [Entity.make("Drug", n) for n in ("acetaminophen", "methotrexate", "fluconazole")]
    liver = Entity.make("Disease", "hepatotoxicity")
    relations = [
        Relation(subject=drugs[0].id, predicate="causes", object=liver.id),
        Relation(subject=drugs[1].id, predicate="causes", object=liver.id),
        Relation(subject=liver.id, predicate="adverse_effect_of", object=drugs[1].id),  # says it again
        Relation(subject=liver.id, predicate="adverse_effect_of", object=drugs[2].id),
    ]
    return GraphSnapshot.from_graph([*drugs, liver], relations, schema=schema)


def test_a_relations_facts_include_its_sub_properties_once_per_entity() -> None:
    graph = adverse_effect_graph()
    lookup = GraphLookup(graph)
    liver = graph.index("Disease:hepatotoxicity")
    caused_by = Direction("causes", forward=False)
    nodes, _ = lookup.neighbours(liver, caused_by)
    names = sorted(graph.entity_name(n) for n in nodes.tolist())
    assert names == ["acetaminophen", "fluconazole", "methotrexate"]
    assert {graph.entity_name(n) for n in lookup.reachable(liver, [caused_by]) or ()} == set(names)
    assert len(lookup.ends(Direction("causes", forward=True))) == 1  # only hepatotoxicity is caused
    # the sub-property gains nothing from its super-property
    nodes, _ = lookup.neighbours(liver, Direction("adverse_effect_of", forward=True))
    assert sorted(graph.entity_name(n) for n in nodes.tolist()) == ["fluconazole", "methotrexate"]


def test_count_questions_count_sub_property_facts() -> None:
    graph = adverse_effect_graph()
    lookup = GraphLookup(graph)
    liver = graph.entity(graph.index("Disease:hepatotoxicity"))
    first = next(r for r in graph.relations(list(range(graph.n_relations))) if r.predicate == "causes")
    path = FactPath(
        entities=(liver, graph.entity(graph.index(first.subject))),
        relations=(first,),
        strategy="random",
        seed=0,
    )
    draft = count_draft(lookup, path)
    assert draft.answer == "3"
