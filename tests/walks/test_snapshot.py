"""GraphSnapshot: the arrays match the graph, lookups answer like the store, filters apply."""

from __future__ import annotations

import numpy as np
import pytest

from kgsynth.errors import WalkError
from kgsynth.model import Entity, Evidence, Relation
from kgsynth.store.snapshot import GraphSnapshot
from tests.walks.graphs import SCHEMA


def _keys(graph: GraphSnapshot) -> list[tuple[str, str, str, bool]]:
    return [graph.edge_key(k) for k in range(graph.n_relations)]


def test_snapshot_from_store_equals_snapshot_from_graph(store, graph):
    from_store = GraphSnapshot.from_store(store)
    assert _keys(from_store) == _keys(graph)


def test_snapshot_from_graph_ignores_input_order(batch, graph):
    shuffled = GraphSnapshot.from_graph(reversed(batch.entities), reversed(batch.relations), schema=SCHEMA)
    assert _keys(shuffled) == _keys(graph)


def test_snapshot_holds_every_relation_once(batch, graph):
    assert sorted(_keys(graph)) == sorted(r.key for r in batch.relations)


def test_snapshot_relation_from_store_carries_evidence(store, batch):
    snapshot = GraphSnapshot.from_store(store)
    expected = {r.key: r for r in batch.relations}
    assert [snapshot.relation(k) for k in (0, 5, 9)] == [expected[snapshot.edge_key(k)] for k in (0, 5, 9)]


def test_snapshot_relations_batch_keeps_order_and_repeats(store):
    snapshot = GraphSnapshot.from_store(store)
    assert [r.key for r in snapshot.relations([4, 1, 4])] == [snapshot.edge_key(k) for k in (4, 1, 4)]


def test_snapshot_out_and_in_edges_agree_with_edge_arrays(graph):
    for i in range(graph.n_entities):
        targets, preds, edges = graph.out_edges(i)
        assert list(graph.edge_subject[edges]) == [i] * len(edges)
        assert list(graph.edge_object[edges]) == list(targets)
        assert list(graph.edge_predicate[edges]) == list(preds)
        sources, _, in_edges = graph.in_edges(i)
        assert list(graph.edge_object[in_edges]) == [i] * len(in_edges)
        assert list(graph.edge_subject[in_edges]) == list(sources)


def test_snapshot_degree_counts_both_directions(batch, graph):
    node = graph.index(batch.relations[0].subject)
    expected = sum(
        node_id in (r.subject, r.object) for r in batch.relations for node_id in [graph.entity_id(node)]
    )
    assert graph.degree(node) == expected == graph.degrees()[node]


def test_snapshot_index_of_unknown_entity_names_it(graph):
    with pytest.raises(WalkError, match='entity "Drug:nope" is not in this graph'):
        graph.index("Drug:nope")


def test_snapshot_predicate_index_of_unknown_relation_lists_relations_present(graph):
    with pytest.raises(
        WalkError, match=r'relation "cures" is not in this graph\. Relations present: associated_with, '
    ):
        graph.predicate_index("cures")


def test_snapshot_entity_round_trips(batch, graph):
    entity = batch.entities[7]
    assert graph.entity(graph.index(entity.id)) == entity


@pytest.mark.parametrize(
    ("type_name", "expected"), [("Drug", 12), ("Chemical", 12), ("Disease", 12), ("Thing", 48)]
)
def test_snapshot_entities_of_type_includes_subclasses(graph, type_name, expected):
    members = graph.entities_of_type(type_name)
    assert len(members) == expected
    assert all(SCHEMA.is_a(graph.entity_type(i), type_name) for i in members)


def test_snapshot_has_fact_is_true_for_stored_facts(batch, graph):
    assert all(graph.has_fact(r.subject, r.predicate, r.object) for r in batch.relations)


def test_snapshot_has_fact_is_false_for_reversed_fact(batch, graph):
    treats = next(r for r in batch.relations if r.predicate == "treats")
    assert not graph.has_fact(treats.object, "treats", treats.subject)


def test_snapshot_objects_and_subjects_match_the_facts(batch, graph):
    treats = next(r for r in batch.relations if r.predicate == "treats")
    expected_objects = sorted(
        r.object for r in batch.relations if r.subject == treats.subject and r.predicate == "treats"
    )
    expected_subjects = sorted(
        r.subject for r in batch.relations if r.object == treats.object and r.predicate == "treats"
    )
    assert sorted(graph.objects(treats.subject, "treats")) == expected_objects
    assert sorted(graph.subjects("treats", treats.object)) == expected_subjects


def _polarity_graph(**filters: object) -> GraphSnapshot:
    a, b, c = (Entity.make("Drug", name) for name in ("a", "b", "c"))
    evidence = (Evidence(document_id="doc:x", extractor="test"),)
    relations = [
        Relation(subject=a.id, predicate="interacts_with", object=b.id, evidence=evidence),
        Relation(subject=a.id, predicate="interacts_with", object=c.id, negated=True),
        Relation(subject=b.id, predicate="interacts_with", object=c.id, hedged=True),
        Relation(subject=c.id, predicate="interacts_with", object=a.id, confidence=0.3),
    ]
    return GraphSnapshot.from_graph([a, b, c], relations, **filters)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 3),
        ({"include_negated": True}, 4),
        ({"include_hedged": False}, 2),
        ({"min_confidence": 0.5}, 2),
    ],
)
def test_snapshot_filters_relations(filters, expected):
    assert _polarity_graph(**filters).n_relations == expected


def test_snapshot_has_fact_tells_negated_from_positive():
    graph = _polarity_graph(include_negated=True)
    assert (
        graph.has_fact("Drug:a", "interacts_with", "Drug:c"),
        graph.has_fact("Drug:a", "interacts_with", "Drug:c", negated=True),
    ) == (False, True)


def test_snapshot_objects_skip_negated_facts():
    assert _polarity_graph(include_negated=True).objects("Drug:a", "interacts_with") == ["Drug:b"]


def test_snapshot_schema_gains_types_the_data_uses():
    graph = _polarity_graph()
    assert graph.schema.has_entity_type("Drug") and graph.schema.has_relation("interacts_with")


def test_snapshot_arrays_are_int32(graph):
    assert {graph.edge_subject.dtype, graph.edge_object.dtype, graph.edge_predicate.dtype} == {
        np.dtype(np.int32)
    }
