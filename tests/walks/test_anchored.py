"""Walks anchored on given entities: k-hop neighbourhoods, paths between two entities, stars."""

from __future__ import annotations

from collections import Counter

import pytest

from kgsynth.errors import WalkError
from kgsynth.walks import WalkSpec, walk


def _simple_paths(batch, start: str, hops: int, end: str | None = None) -> set[tuple[str, ...]]:
    """Every simple path (as relation ids) of ``hops`` hops from ``start``, by brute force."""
    touching: dict[str, list] = {}
    for relation in batch.relations:
        touching.setdefault(relation.subject, []).append((relation, relation.object))
        touching.setdefault(relation.object, []).append((relation, relation.subject))
    found: set[tuple[str, ...]] = set()

    def extend(nodes: list[str], relations: list[str]) -> None:
        if len(relations) == hops:
            if end is None or nodes[-1] == end:
                found.add(tuple(relations))
            return
        for relation, other in touching.get(nodes[-1], []):
            if other not in nodes:
                extend([*nodes, other], [*relations, relation.id])

    extend([start], [])
    return found


def _ids(path) -> tuple[str, ...]:
    return tuple(r.id for r in path.relations)


def _hub(batch) -> str:
    degree = Counter(x for r in batch.relations for x in (r.subject, r.object))
    return min(degree, key=lambda entity_id: (-degree[entity_id], entity_id))


@pytest.mark.parametrize("hops", [1, 2])
def test_khop_walk_yields_the_whole_neighbourhood_once(batch, graph, hops):
    start = _hub(batch)
    paths = list(walk(graph, WalkSpec(strategy="khop", start=start, hops=hops, limit=10_000)))
    assert sorted(map(_ids, paths)) == sorted(_simple_paths(batch, start, hops))


def test_khop_walk_starts_every_chain_at_the_seed(batch, graph):
    start = _hub(batch)
    paths = walk(graph, WalkSpec(strategy="khop", start=start, hops=3, limit=50))
    assert {p.entities[0].id for p in paths} == {start}


def test_khop_walk_finds_the_seed_by_name(batch, graph):
    entity = batch.entities[3]
    paths = walk(graph, WalkSpec(strategy="khop", start=entity.name.upper(), limit=5))
    assert {p.entities[0].id for p in paths} == {entity.id}


def test_khop_walk_without_start_says_what_to_give(graph):
    with pytest.raises(WalkError, match='strategy "khop" needs a start entity'):
        next(walk(graph, WalkSpec(strategy="khop")))


def test_khop_walk_unknown_start_names_it(graph):
    with pytest.raises(WalkError, match='start "Drug:nothing" is neither an entity id nor the name'):
        next(walk(graph, WalkSpec(strategy="khop", start="Drug:nothing")))


def _far_pair(batch) -> tuple[str, str]:
    """Two entities whose shortest path has 3 hops."""
    start = _hub(batch)
    near = {x for hops in (1, 2) for path in _simple_paths(batch, start, hops) for x in [path]}
    reach1 = {e for r in batch.relations for e in (r.subject, r.object) if start in (r.subject, r.object)}
    reach2 = {e for r in batch.relations for e in (r.subject, r.object) if {r.subject, r.object} & reach1}
    reach3 = {e for r in batch.relations for e in (r.subject, r.object) if {r.subject, r.object} & reach2}
    assert near
    return start, sorted(reach3 - reach2 - reach1)[0]


def test_between_walk_without_hops_gives_shortest_paths_first(batch, graph):
    start, end = _far_pair(batch)
    paths = list(walk(graph, WalkSpec(strategy="between", start=start, end=end, limit=10_000)))
    hops = [p.hops for p in paths]
    assert hops[0] == 3 and hops == sorted(hops) and max(hops) == 4


@pytest.mark.parametrize("hops", [3, 4])
def test_between_walk_with_hops_gives_every_path_of_that_length(batch, graph, hops):
    start, end = _far_pair(batch)
    paths = list(walk(graph, WalkSpec(strategy="between", start=start, end=end, hops=hops, limit=10_000)))
    assert sorted(map(_ids, paths)) == sorted(_simple_paths(batch, start, hops, end))


def test_between_walk_paths_run_from_start_to_end(batch, graph):
    start, end = _far_pair(batch)
    paths = walk(graph, WalkSpec(strategy="between", start=start, end=end, limit=50))
    assert {(p.entities[0].id, p.entities[-1].id) for p in paths} == {(start, end)}


def test_between_walk_too_few_hops_says_they_are_not_connected(batch, graph):
    start, end = _far_pair(batch)
    with pytest.raises(WalkError, match="are not connected within 2 hops"):
        next(walk(graph, WalkSpec(strategy="between", start=start, end=end, hops=2)))


def test_between_walk_needs_both_ends(graph):
    with pytest.raises(WalkError, match='strategy "between" needs both a start and an end'):
        next(walk(graph, WalkSpec(strategy="between", start="x")))


def test_star_walk_holds_every_fact_of_its_group(batch, graph):
    for path in walk(graph, WalkSpec(strategy="star", limit=30, seed=2)):
        centre, predicate = path.entities[0].id, path.relations[0].predicate
        outgoing = path.relations[0].subject == centre
        end = "subject" if outgoing else "object"
        group = {r.id for r in batch.relations if getattr(r, end) == centre and r.predicate == predicate}
        assert path.shape == "star" and set(_ids(path)) == group and len(path.entities) == path.hops + 1


def test_star_walk_skips_groups_above_max_size(graph):
    paths = walk(graph, WalkSpec(strategy="star", limit=100, max_size=2))
    assert max(p.hops for p in paths) <= 2


def test_star_walk_around_a_start_keeps_that_centre(batch, graph):
    start = _hub(batch)
    paths = walk(graph, WalkSpec(strategy="star", start=start, limit=20))
    assert {p.entities[0].id for p in paths} == {start}


def test_star_walk_with_no_group_small_enough_says_so(batch, graph):
    disease = next(r.subject for r in batch.relations if r.predicate == "has_symptom")
    spec = WalkSpec(strategy="star", start=disease, max_size=2, relations=("has_symptom",))
    with pytest.raises(WalkError, match=r"no entity has between 1 and 2 facts of one relation .* around "):
        next(walk(graph, spec))
