"""Random and inverse-degree walks: exact hops, no revisits, filters, determinism, coverage."""

from __future__ import annotations

from collections import Counter

import pytest

from kgsynth.errors import ConfigError, WalkError
from kgsynth.model import Entity, Relation
from kgsynth.store.snapshot import GraphSnapshot
from kgsynth.walks import WalkSpec, walk
from tests.walks.graphs import chain_graph

STRATEGIES = ["random", "inverse_degree"]


def _joined(path) -> bool:
    """Whether consecutive entities of a chain are the two ends of the relation between them."""
    return all(
        {relation.subject, relation.object} == {path.entities[i].id, path.entities[i + 1].id}
        for i, relation in enumerate(path.relations)
    )


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("hops", [1, 2, 3, 4])
def test_walk_chains_have_exactly_the_hops_asked(graph, strategy, hops):
    paths = list(walk(graph, WalkSpec(strategy=strategy, hops=hops, limit=40, seed=1)))
    assert len(paths) == 40
    assert {p.hops for p in paths} == {hops}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_walk_never_revisits_an_entity(graph, strategy):
    paths = walk(graph, WalkSpec(strategy=strategy, hops=4, limit=200, seed=2))
    assert all(len({e.id for e in p.entities}) == 5 for p in paths)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_walk_links_consecutive_entities_by_their_relation(graph, strategy):
    assert all(_joined(p) for p in walk(graph, WalkSpec(strategy=strategy, hops=3, limit=100, seed=3)))


def test_walk_uses_relations_backwards_as_stored(graph):
    paths = list(walk(graph, WalkSpec(hops=2, limit=100, seed=4)))
    backwards = [p for p in paths if p.relations[0].subject != p.entities[0].id]
    assert backwards and all(p.relations[0].object == p.entities[0].id for p in backwards)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_walk_same_seed_gives_same_paths(graph, strategy):
    spec = WalkSpec(strategy=strategy, hops=3, limit=30, seed=9)
    assert list(walk(graph, spec)) == list(walk(graph, spec))


def test_walk_different_seeds_give_different_paths(graph):
    first = list(walk(graph, WalkSpec(hops=3, limit=30, seed=1)))
    second = list(walk(graph, WalkSpec(hops=3, limit=30, seed=2)))
    assert first != second


def test_walk_from_store_matches_walk_from_graph_with_evidence(store, graph):
    spec = WalkSpec(hops=2, limit=20, seed=5)
    from_store = list(walk(GraphSnapshot.from_store(store), spec))
    assert from_store == list(walk(graph, spec))
    assert all(r.evidence for p in from_store for r in p.relations)


def test_walk_accepts_a_store_directly(store, graph):
    spec = WalkSpec(hops=2, limit=10, seed=5)
    assert list(walk(store, spec)) == list(walk(graph, spec))


def test_walk_allow_list_keeps_only_those_relations(graph):
    paths = walk(graph, WalkSpec(hops=2, limit=100, relations=("treats", "has_symptom")))
    assert {r.predicate for p in paths for r in p.relations} == {"treats", "has_symptom"}


def test_walk_deny_list_never_uses_those_relations(graph):
    paths = walk(graph, WalkSpec(hops=3, limit=200, exclude=("treats", "causes")))
    assert not {r.predicate for p in paths for r in p.relations} & {"treats", "causes"}


@pytest.mark.parametrize("setting", ["relations", "exclude"])
def test_walk_unknown_relation_lists_the_relations_present(graph, setting):
    with pytest.raises(
        WalkError,
        match=rf'relation "cures" \(in {setting}\) is not in this graph\. '
        r"Relations present: associated_with, causes, has_symptom, ",
    ):
        next(walk(graph, WalkSpec(**{setting: ("cures",)})))


def test_walk_min_confidence_skips_weaker_facts(graph):
    paths = walk(graph, WalkSpec(hops=2, limit=100, min_confidence=0.8))
    assert min(r.confidence for p in paths for r in p.relations) >= 0.8


def _polar_graph() -> GraphSnapshot:
    """A triangle whose three facts are plain, negated and hedged."""
    a, b, c = (Entity.make("Drug", n) for n in "abc")
    facts = [
        Relation(subject=a.id, predicate="interacts_with", object=b.id),
        Relation(subject=b.id, predicate="interacts_with", object=c.id, negated=True),
        Relation(subject=c.id, predicate="interacts_with", object=a.id, hedged=True),
    ]
    return GraphSnapshot.from_graph([a, b, c], facts, include_negated=True, include_hedged=True)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({}, {(False, False)}),
        ({"include_negated": True}, {(False, False), (True, False)}),
        ({"include_hedged": True}, {(False, False), (False, True)}),
    ],
)
def test_walk_skips_negated_and_hedged_facts_unless_asked(flags, expected):
    paths = walk(_polar_graph(), WalkSpec(limit=60, **flags))
    assert {(r.negated, r.hedged) for p in paths for r in p.relations} == expected


def test_walk_more_hops_than_the_graph_has_says_how_far_it_got():
    batch = chain_graph(2)
    graph = GraphSnapshot.from_graph(batch.entities, batch.relations)
    with pytest.raises(WalkError, match=r"no chain for 3-hop random walks: .*\(the longest reached 2 hops\)"):
        next(walk(graph, WalkSpec(hops=3)))


def test_walk_on_graph_with_no_allowed_fact_says_so():
    batch = chain_graph(2)
    graph = GraphSnapshot.from_graph(batch.entities, batch.relations)
    with pytest.raises(WalkError, match="no fact of the graph fits the first step"):
        next(walk(graph, WalkSpec(min_confidence=1.0, exclude=("interacts_with",))))


def test_walk_coverage_decay_touches_more_facts_than_plain_sampling(graph):
    def touched(decay: float) -> int:
        paths = walk(graph, WalkSpec(limit=graph.n_relations, seed=0, coverage_decay=decay))
        return len({r.id for p in paths for r in p.relations})

    assert touched(0.01) >= touched(1.0) + graph.n_relations // 5


def test_walk_inverse_degree_steps_into_hubs_less_often():
    hub = Entity.make("Disease", "hub")
    leaves = [Entity.make("Drug", f"leaf {i}") for i in range(30)]
    facts = [Relation(subject=leaf.id, predicate="treats", object=hub.id) for leaf in leaves]
    facts += [
        Relation(subject=leaves[i].id, predicate="interacts_with", object=leaves[i + 1].id) for i in range(29)
    ]
    graph = GraphSnapshot.from_graph([hub, *leaves], facts)

    def hub_visits(strategy: str) -> int:
        paths = walk(graph, WalkSpec(strategy=strategy, hops=2, limit=500, coverage_decay=1.0))
        return Counter(e.id for p in paths for e in p.entities)[hub.id]

    assert hub_visits("inverse_degree") * 2 < hub_visits("random")


@pytest.mark.parametrize(
    ("setting", "value"), [("hops", 5), ("hops", 0), ("min_confidence", 1.5), ("colour", 1)]
)
def test_walk_spec_of_names_the_bad_setting(setting, value):
    with pytest.raises(ConfigError, match=f'walk setting "{setting}"'):
        WalkSpec.of(**{setting: value})


def test_walk_keeps_going_when_most_facts_lead_nowhere():
    # Ten facts form a chain; fifty isolated facts can never be part of a 3-hop chain. Once the
    # chain's facts are used, walks must not get stuck starting on the isolated ones.
    chain = chain_graph(10)
    pairs = [(Entity.make("Drug", f"lone {i}a"), Entity.make("Drug", f"lone {i}b")) for i in range(50)]
    facts = [
        *chain.relations,
        *(Relation(subject=a.id, predicate="interacts_with", object=b.id) for a, b in pairs),
    ]
    entities = [*chain.entities, *(e for pair in pairs for e in pair)]
    graph = GraphSnapshot.from_graph(entities, facts)
    assert len(list(walk(graph, WalkSpec(hops=3, limit=500, seed=1)))) == 500
