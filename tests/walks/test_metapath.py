"""Meta-path walks: the pattern parser and typed, directed steps."""

from __future__ import annotations

import pytest

from kgsynth.errors import WalkError
from kgsynth.walks import MetaStep, WalkSpec, parse_pattern, walk
from tests.walks.graphs import SCHEMA


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("Drug -treats-> Disease", (MetaStep("Drug", "treats", True, "Disease"),)),
        ("Disease<-treats-Drug", (MetaStep("Disease", "treats", False, "Drug"),)),
        (
            "Drug -treats-> Disease -has_symptom-> *",
            (MetaStep("Drug", "treats", True, "Disease"), MetaStep("Disease", "has_symptom", True, "*")),
        ),
        ("* -*-> *", (MetaStep("*", "*", True, "*"),)),
    ],
)
def test_parse_pattern_reads_steps(pattern, expected):
    assert parse_pattern(pattern) == expected


@pytest.mark.parametrize(
    ("pattern", "position"),
    [
        ("Drug -treats> Disease", 5),
        ("Drug -treats->", 15),
        ("-treats-> Disease", 1),
        ("Drug", 5),
        ("Drug -treats-> Disease has_symptom Symptom", 23),
    ],
)
def test_parse_pattern_error_names_the_position(pattern, position):
    with pytest.raises(WalkError, match=rf'meta-path "{pattern}", position {position}: expected'):
        parse_pattern(pattern)


def test_parse_pattern_refuses_more_than_four_steps():
    with pytest.raises(WalkError, match="has 5 steps; at most 4"):
        parse_pattern("A -r-> B -r-> C -r-> D -r-> E -r-> F")


def _fits(path, pattern: str) -> bool:
    for i, step in enumerate(parse_pattern(pattern)):
        relation, here, there = path.relations[i], path.entities[i], path.entities[i + 1]
        subject, obj = (here, there) if step.forward else (there, here)
        if (relation.subject, relation.object) != (subject.id, obj.id):
            return False
        if step.relation != "*" and relation.predicate != step.relation:
            return False
        for entity, type_name in ((here, step.source), (there, step.target)):
            if type_name != "*" and not SCHEMA.is_a(entity.type, type_name):
                return False
    return True


@pytest.mark.parametrize(
    "pattern",
    [
        "Drug -treats-> Disease -has_symptom-> Symptom",
        "Symptom <-has_symptom- Disease <-treats- Drug",
        "Gene -associated_with-> Disease <-treats- Chemical -interacts_with-> Drug",
        "Drug -*-> *",
    ],
)
def test_metapath_walk_follows_the_pattern(graph, pattern):
    paths = list(walk(graph, WalkSpec(strategy="metapath", pattern=pattern, limit=50, seed=1)))
    assert len(paths) == 50 and all(_fits(p, pattern) for p in paths)


def test_metapath_walk_takes_its_hops_from_the_pattern(graph):
    spec = WalkSpec(strategy="metapath", pattern="Drug -treats-> Disease -has_symptom-> Symptom", limit=5)
    assert {p.hops for p in walk(graph, spec)} == {2}


def test_metapath_walk_refuses_hops_that_disagree_with_the_pattern(graph):
    spec = WalkSpec(strategy="metapath", pattern="Drug -treats-> Disease", hops=2)
    with pytest.raises(WalkError, match="has 1 steps but hops=2 was asked"):
        next(walk(graph, spec))


def test_metapath_walk_unknown_type_lists_the_types(graph):
    with pytest.raises(
        WalkError,
        match=r'entity type "Protein" \(in the meta-path\) is not in this graph\. '
        r"Types present: Chemical, Disease, Drug, Gene, Symptom\.",
    ):
        next(walk(graph, WalkSpec(strategy="metapath", pattern="Protein -treats-> Disease")))


def test_metapath_walk_unknown_relation_lists_the_relations(graph):
    with pytest.raises(WalkError, match=r'relation "cures" \(in pattern\) is not in this graph'):
        next(walk(graph, WalkSpec(strategy="metapath", pattern="Drug -cures-> Disease")))


def test_metapath_walk_without_pattern_says_what_to_give(graph):
    with pytest.raises(WalkError, match='strategy "metapath" needs a pattern'):
        next(walk(graph, WalkSpec(strategy="metapath")))


def test_metapath_walk_with_no_fact_for_the_first_step_says_so(graph):
    # Genes are only ever subjects of associated_with, so no fact leads from a symptom to a gene.
    with pytest.raises(
        WalkError, match='walks along "Symptom <-associated_with- Gene": no fact of the graph fits'
    ):
        next(walk(graph, WalkSpec(strategy="metapath", pattern="Symptom <-associated_with- Gene")))


def test_metapath_walk_with_no_complete_chain_says_how_far_walks_got(graph):
    pattern = "Drug -treats-> Disease <-associated_with- Gene -treats-> Disease"
    with pytest.raises(WalkError, match=r"no chain for walks along .* \(the longest reached 2 hops\)"):
        next(walk(graph, WalkSpec(strategy="metapath", pattern=pattern)))
