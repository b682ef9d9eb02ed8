"""synthesize: exactly n samples, every cited fact in the store, deterministic, as asked, or a clear error."""

from __future__ import annotations

import io
from collections import Counter
from importlib import metadata

import pytest

from kgsynth.errors import ConfigError, GenerationError, WalkError
from kgsynth.export import write_samples
from kgsynth.model import Sample
from kgsynth.pipeline.synthesize import SynthesisSpec, synthesize, type_plan
from kgsynth.store import GraphStore

ALL_TYPES = ("factoid", "multihop", "yesno", "mcq", "count", "comparison")


def _make(store: GraphStore, **settings) -> list[Sample]:
    return list(synthesize(store, SynthesisSpec(**settings)))


def _fact_in_store(store: GraphStore, subject: str, predicate: str, object_: str, negated: bool) -> bool:
    return bool(store.relations(subject=subject, predicate=predicate, object=object_, negated=negated))


def _reverifies(store: GraphStore, sample: Sample) -> bool:
    """Every relation on the path is stored; every check holds or is absent as it says."""
    for relation in sample.path.relations:
        stored = store.relations(
            subject=relation.subject,
            predicate=relation.predicate,
            object=relation.object,
            negated=relation.negated,
        )
        if stored != [relation]:
            return False
    for check in sample.checks:
        present = _fact_in_store(store, check.subject, check.predicate, check.object, check.negated)
        if present != (check.expect == "holds"):
            return False
    return True


@pytest.mark.parametrize("n", [1, 7, 150])
def test_synthesize_makes_exactly_n_samples(store, n):
    assert len(_make(store, n=n, types=ALL_TYPES)) == n


def test_synthesize_every_cited_fact_reverifies_against_the_store(store):
    samples = _make(store, n=240, hops=(1, 3), types=ALL_TYPES, seed=3)
    assert [s.id for s in samples if not _reverifies(store, s)] == []


def test_synthesize_every_reasoning_step_cites_a_fact_of_the_sample(store):
    samples = _make(store, n=120, types=ALL_TYPES, seed=4)
    for sample in samples:
        cited = {r.id for r in sample.path.relations}
        assert sample.reasoning and {step.relation_id for step in sample.reasoning} <= cited


def _jsonl(store: GraphStore, seed: int) -> str:
    out = io.StringIO()
    write_samples(synthesize(store, SynthesisSpec(n=80, types=ALL_TYPES, seed=seed)), out, "raw")
    return out.getvalue()


def test_synthesize_same_seed_gives_identical_jsonl_bytes(store):
    assert _jsonl(store, 11) == _jsonl(store, 11)


def test_synthesize_different_seed_gives_different_samples(store):
    assert _jsonl(store, 11) != _jsonl(store, 12)


@pytest.mark.parametrize(
    ("hops", "types"),
    [
        ((2, 2), ("multihop", "yesno")),
        ((3, 3), ("multihop",)),
        ((1, 1), ("factoid", "mcq")),
        ((2, 4), ("yesno",)),
    ],
)
def test_synthesize_honours_the_hop_range(store, hops, types):
    samples = _make(store, n=40, hops=hops, types=types)
    assert {s.hops for s in samples} <= set(range(hops[0], hops[1] + 1))
    assert all(s.path.hops == s.hops for s in samples)


def test_synthesize_spreads_hops_over_the_range(store):
    samples = _make(store, n=90, hops=(2, 4), types=("multihop",))
    assert set(Counter(s.hops for s in samples)) == {2, 3, 4}


def test_synthesize_spreads_types_evenly(store):
    counts = Counter(s.type for s in _make(store, n=100, types=ALL_TYPES))
    assert set(counts) == set(ALL_TYPES) and max(counts.values()) - min(counts.values()) <= 1


def test_synthesize_deny_list_keeps_those_relations_out(store):
    samples = _make(store, n=100, types=ALL_TYPES, exclude=("treats", "has_symptom"))
    assert not {r.predicate for s in samples for r in s.path.relations} & {"treats", "has_symptom"}


def test_synthesize_allow_list_keeps_only_those_relations(store):
    samples = _make(store, n=60, hops=(1, 2), types=("factoid", "yesno"), relations=("associated_with",))
    assert {r.predicate for s in samples for r in s.path.relations} == {"associated_with"}


def test_synthesize_unknown_relation_lists_the_relations_present(store):
    with pytest.raises(WalkError, match=r'relation "cures" .* Relations present: associated_with, causes'):
        synthesize(store, SynthesisSpec(n=5, exclude=("cures",)))


def test_synthesize_records_version_seed_and_spec_hash(store):
    spec = SynthesisSpec(n=5, seed=9)
    samples = list(synthesize(store, spec))
    assert {(s.meta["kgsynth_version"], s.meta["seed"], s.meta["spec_hash"]) for s in samples} == {
        (metadata.version("kgsynth"), "9", spec.fingerprint())
    }


def test_synthesize_more_hops_than_the_graph_has_says_so(short_store):
    result = synthesize(short_store, SynthesisSpec(n=5, hops=(3, 3), types=("multihop",)))
    with pytest.raises(
        GenerationError, match=r"made 0 of 5 samples, then the graph could not give a 3-hop path"
    ):
        list(result)


def test_synthesize_too_few_facts_for_n_says_how_many_were_made(short_store):
    result = synthesize(short_store, SynthesisSpec(n=50, hops=(1, 1), types=("factoid",), max_failures=200))
    with pytest.raises(GenerationError, match=r"made \d+ of 50 samples, then 200 attempts in a row"):
        list(result)


def test_synthesize_report_counts_what_was_made(store):
    result = synthesize(store, SynthesisSpec(n=30, types=("factoid", "multihop")))
    samples = list(result)
    assert result.report.by_type == Counter(s.type for s in samples)
    assert result.report.by_hops == Counter(s.hops for s in samples)
    assert result.report.made == 30 and result.report.coverage is not None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"types": ("factoid",), "hops": (2, 3)}, "question type factoid needs 1-1 hops, outside --hops 2-3"),
        ({"types": ("riddle",)}, 'question type "riddle" is not known'),
        ({"hops": (0, 3)}, "hops must be a range within 1-4"),
        ({"hops": (3, 1)}, "hops must be a range within 1-4"),
        ({"n": 0}, "generation setting n:"),
    ],
)
def test_synthesis_spec_of_names_the_bad_setting(settings, message):
    with pytest.raises(ConfigError, match=message):
        SynthesisSpec.of(**{"n": 5, **settings})


def test_type_plan_interleaves_types_with_counts_differing_by_one():
    plan = type_plan(("a", "b", "c"), 8)
    assert plan == ["a", "b", "c", "a", "b", "c", "a", "b"]
