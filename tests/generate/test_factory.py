"""SampleFactory: each question type is grounded in the graph, and runs are reproducible.

The truth each test compares with (counts, absent facts, types) is computed from the fixture's
plain relation list, not from the snapshot code the factory uses.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from kgsynth.errors import ConfigError
from kgsynth.generate import QUESTION_TYPES, SampleFactory, hops_for
from kgsynth.model import Entity, Evidence, FactPath, Relation, Sample, content_hash
from kgsynth.store.snapshot import GraphSnapshot
from tests.generate.graphs import MEDICAL_SCHEMA, Fixture, legal, medical, untyped

FIXTURES = {"medical": medical(), "legal": legal(), "untyped": untyped()}


def samples(
    fixture: Fixture,
    type_name: str,
    *,
    language: str = "en",
    pack: str = "auto",
    seeds: range = range(3),
    max_hops: int = 3,
) -> list[Sample]:
    """Samples of one type from every chain of the fixture, for each seed (memoised: read-only)."""
    name = next(k for k, v in FIXTURES.items() if v is fixture)
    return _made(name, type_name, language, pack, (seeds.start, seeds.stop), max_hops)


@cache
def _made(
    graph: str, type_name: str, language: str, pack: str, seeds: tuple[int, int], max_hops: int
) -> list[Sample]:
    fixture = FIXTURES[graph]
    made = []
    for seed in range(*seeds):
        factory = SampleFactory(fixture.graph, pack=pack, language=language, seed=seed)
        for path in fixture.chains(max_hops=max_hops):
            sample = factory.make(path, type_name)
            if sample is not None:
                made.append(sample)
    return made


def all_samples(fixture: Fixture, language: str = "en") -> list[Sample]:
    return [s for t in QUESTION_TYPES for s in samples(fixture, t, language=language, seeds=range(1, 3))]


# ------------------------------------------------------------------ every type, every graph


@pytest.mark.parametrize("graph", sorted(FIXTURES))
@pytest.mark.parametrize("type_name", QUESTION_TYPES)
def test_factory_makes_each_type_on_each_graph(graph: str, type_name: str) -> None:
    made = list(samples(FIXTURES[graph], type_name, seeds=range(1)))
    assert made, f"no {type_name} sample from the {graph} graph"
    assert {s.type for s in made} == {type_name}


@pytest.mark.parametrize("graph", sorted(FIXTURES))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_check_reverifies_against_the_graph(graph: str, language: str) -> None:
    fixture = FIXTURES[graph]
    checked = 0
    for sample in all_samples(fixture, language):
        for check in sample.checks:
            assert fixture.holds(check.subject, check.predicate, check.object) == (check.expect == "holds"), (
                sample.question,
                check,
            )
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_every_reasoning_step_cites_a_relation_of_the_path(graph: str) -> None:
    for sample in all_samples(FIXTURES[graph]):
        ids = {r.id for r in sample.path.relations}
        assert sample.reasoning and {step.relation_id for step in sample.reasoning} <= ids
        assert all(step.text.endswith(".") for step in sample.reasoning)


@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_every_cited_triple_is_checked_as_holding(graph: str) -> None:
    for sample in all_samples(FIXTURES[graph]):
        held = {(c.subject, c.predicate, c.object) for c in sample.checks if c.expect == "holds"}
        assert {(r.subject, r.predicate, r.object) for r in sample.path.relations} <= held


# ------------------------------------------------------------------ factoid and multi-hop


def test_factoid_answers_with_the_far_end_and_names_the_near_end() -> None:
    fixture = FIXTURES["medical"]
    factory = SampleFactory(fixture.graph, pack="medical")
    sample = factory.make(fixture.chain("lisinopril", "hypertension"), "factoid")
    assert sample is not None
    assert sample.answer == "hypertension"
    assert "lisinopril" in sample.question
    assert [s.text for s in sample.reasoning] == ["Lisinopril treats hypertension."]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_multihop_question_never_names_an_intermediate_entity(graph: str, language: str) -> None:
    made = list(samples(FIXTURES[graph], "multihop", language=language))
    assert made
    for sample in made:
        assert 2 <= sample.hops <= 3
        assert sample.answer == sample.path.entities[-1].name
        for middle in sample.path.entities[1:-1]:
            assert middle.name.casefold() not in sample.question.casefold(), sample.question


def test_multihop_question_names_its_start_entity() -> None:
    for sample in samples(FIXTURES["medical"], "multihop"):
        assert sample.path.entities[0].name.casefold() in sample.question.casefold()


# ------------------------------------------------------------------ yes/no negatives


def _negatives(graph: str, language: str = "en") -> list[Sample]:
    return [
        s
        for s in samples(FIXTURES[graph], "yesno", language=language, seeds=range(3))
        if s.label == "negative"
    ]


@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_yesno_negative_claims_a_triple_the_graph_lacks(graph: str) -> None:
    fixture = FIXTURES[graph]
    negatives = _negatives(graph)
    assert len(negatives) >= 5
    for sample in negatives:
        absent = [c for c in sample.checks if c.expect == "absent"]
        assert absent
        for check in absent:
            assert not fixture.holds(check.subject, check.predicate, check.object)
        assert sample.answer == "No"


@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_yesno_negative_swaps_in_an_entity_of_the_same_type(graph: str) -> None:
    fixture = FIXTURES[graph]
    by_id = {e.id: e for e in fixture.entities.values()}
    for sample in _negatives(graph):
        corrupted = by_id[sample.meta["corrupted"]]
        assert corrupted.type == sample.path.entities[-1].type
        assert corrupted.name in sample.question


def test_yesno_multihop_negative_fits_no_chain_from_the_start() -> None:
    """No entity reached by the same relations from the start may be the corrupted one."""
    fixture = FIXTURES["medical"]
    for sample in _negatives("medical"):
        if sample.hops < 2:
            continue
        reached = {sample.path.entities[0].id}
        for i, relation in enumerate(sample.path.relations):
            forward = relation.subject == sample.path.entities[i].id
            reached = {
                (r.object if forward else r.subject)
                for r in fixture.relations
                if r.predicate == relation.predicate and (r.subject if forward else r.object) in reached
            } | (
                {
                    r.subject
                    for r in fixture.relations
                    if r.predicate == relation.predicate and r.object in reached
                }
                if relation.predicate in fixture.symmetric
                else set()
            )
        assert sample.meta["corrupted"] not in reached


def test_yesno_negative_on_a_functional_relation_is_a_contradiction() -> None:
    kinds = {
        s.meta["negative_kind"]
        for s in _negatives("legal")
        if s.path.relations[-1].predicate == "governed_by"
        and s.path.relations[-1].subject == s.path.entities[-2].id
    }
    assert kinds == {"functional"}


def test_yesno_positive_answers_yes_about_the_true_end() -> None:
    positives = [s for s in samples(FIXTURES["medical"], "yesno") if s.label == "positive"]
    assert positives
    for sample in positives:
        assert sample.answer == "Yes"
        assert all(c.expect == "holds" for c in sample.checks)
        assert sample.path.entities[-1].name in sample.question


def test_yesno_over_a_stored_negated_fact_is_a_negative_citing_it() -> None:
    aspirin, ulcer = Entity.make("Drug", "aspirin"), Entity.make("Disease", "peptic ulcer")
    denied = Relation(
        subject=aspirin.id,
        predicate="treats",
        object=ulcer.id,
        negated=True,
        evidence=(Evidence(document_id="doc:1", extractor="test"),),
    )
    graph = GraphSnapshot.from_graph([aspirin, ulcer], [denied], schema=MEDICAL_SCHEMA, include_negated=True)
    path = FactPath(entities=(aspirin, ulcer), relations=(denied,), strategy="test", seed=0)
    sample = SampleFactory(graph, pack="medical").make(path, "yesno")
    assert sample is not None
    assert (sample.label, sample.answer, sample.meta["negative_kind"]) == ("negative", "No", "negated")
    assert [(c.negated, c.expect) for c in sample.checks] == [(True, "holds")]
    assert sample.reasoning[0].text == "Aspirin does not treat peptic ulcer."


@pytest.mark.parametrize("language", ["en", "zh"])
def test_yesno_makes_both_labels(language: str) -> None:
    labels = {s.label for s in samples(FIXTURES["medical"], "yesno", language=language)}
    assert labels == {"positive", "negative"}


# ------------------------------------------------------------------ multiple choice


@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_mcq_distractors_are_same_type_and_unlinked(graph: str) -> None:
    fixture = FIXTURES[graph]
    by_name = {e.name: e for e in fixture.entities.values()}
    made = list(samples(fixture, "mcq"))
    assert made
    for sample in made:
        known, answer = sample.path.entities
        relation = sample.path.relations[0]
        forward = relation.subject == known.id
        assert sample.answer == answer.name and answer.name in sample.choices
        assert len(sample.choices) >= 3
        for choice in sample.choices:
            if choice == answer.name:
                continue
            wrong = by_name[choice]
            assert wrong.type == answer.type
            s, o = (known.id, wrong.id) if forward else (wrong.id, known.id)
            assert not fixture.holds(s, relation.predicate, o), (sample.question, choice)


def test_mcq_lists_its_options_with_letters_and_records_the_right_letter() -> None:
    for sample in samples(FIXTURES["medical"], "mcq"):
        letter = sample.meta["answer_choice"]
        assert f"{letter}. {sample.answer}" in sample.question
        assert sample.question.count("\n") == len(sample.choices)


# ------------------------------------------------------------------ counting and comparison


@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_count_answer_is_the_true_number_of_distinct_neighbours(graph: str) -> None:
    fixture = FIXTURES[graph]
    made = list(samples(fixture, "count", seeds=range(1)))
    assert made
    for sample in made:
        centre = sample.path.entities[0].id
        first = sample.path.relations[0]
        forward = first.subject == centre
        symmetric = first.predicate in fixture.symmetric
        truth = {
            r.object
            for r in fixture.relations
            if r.predicate == first.predicate and r.subject == centre and (forward or symmetric)
        }
        truth |= {
            r.subject
            for r in fixture.relations
            if r.predicate == first.predicate and r.object == centre and (not forward or symmetric)
        }
        assert sample.answer == str(len(truth))
        assert {e.id for e in sample.path.entities[1:]} == truth
        assert len(sample.checks) == len(truth) == len(sample.reasoning)


def test_count_asks_how_many_drugs_interact_with_the_centre() -> None:
    fixture = FIXTURES["medical"]
    factory = SampleFactory(fixture.graph, pack="medical", seed=0)
    sample = factory.make(fixture.chain("warfarin", "aspirin"), "count")
    assert sample is not None
    assert sample.answer == "3"
    assert sample.question in {
        "How many drugs interact with warfarin?",
        "With how many drugs does warfarin have a known interaction?",
    }


def test_count_skips_a_functional_relation_read_forward() -> None:
    fixture = FIXTURES["medical"]
    factory = SampleFactory(fixture.graph, pack="medical")
    assert factory.make(fixture.chain("lisinopril", "ACE inhibitor"), "count") is None
    assert factory.skipped == {"count: belongs_to_class is functional, so the count is always 1": 1}


def _neighbours(fixture: Fixture, entity_id: str, predicate: str, forward: bool) -> set[str]:
    symmetric = predicate in fixture.symmetric
    out = {
        r.object
        for r in fixture.relations
        if r.predicate == predicate and r.subject == entity_id and (forward or symmetric)
    }
    return out | {
        r.subject
        for r in fixture.relations
        if r.predicate == predicate and r.object == entity_id and (not forward or symmetric)
    }


@pytest.mark.parametrize("graph", sorted(FIXTURES))
def test_comparison_answer_is_true_by_independent_count(graph: str) -> None:
    fixture = FIXTURES[graph]
    made = list(samples(fixture, "comparison"))
    assert {s.meta["mode"] for s in made} == {"more", "shared"}
    for sample in made:
        a, b = sample.path.entities[:2]
        assert a.type == b.type
        first = sample.path.relations[0]
        forward = first.subject == a.id
        mine, theirs = (_neighbours(fixture, x.id, first.predicate, forward) for x in (a, b))
        if sample.meta["mode"] == "more":
            assert len(mine) != len(theirs)
            assert sample.answer == (a if len(mine) > len(theirs) else b).name
        else:
            assert sample.answer == ("Yes" if mine & theirs else "No")
            assert sample.label == ("positive" if mine & theirs else "negative")


# ------------------------------------------------------------------ ids, determinism, provenance


def test_same_seed_gives_identical_samples() -> None:
    first = [
        s.model_dump()
        for t in QUESTION_TYPES
        for s in _made.__wrapped__("medical", t, "en", "auto", (7, 8), 2)
    ]
    again = [
        s.model_dump()
        for t in QUESTION_TYPES
        for s in _made.__wrapped__("medical", t, "en", "auto", (7, 8), 2)
    ]
    assert len(first) > 100
    assert first == again


def test_different_seeds_change_some_samples() -> None:
    fixture = FIXTURES["medical"]
    one = [s.question for s in samples(fixture, "yesno", seeds=range(1, 2))]
    two = [s.question for s in samples(fixture, "yesno", seeds=range(2, 3))]
    assert one != two


def test_sample_does_not_depend_on_what_the_factory_made_before() -> None:
    fixture = FIXTURES["medical"]
    path = fixture.chain("aspirin", "migraine", "nausea")
    fresh = SampleFactory(fixture.graph, seed=3).make(path, "yesno")
    used = SampleFactory(fixture.graph, seed=3)
    for other in fixture.chains(max_hops=2):
        used.make(other, "yesno")
    assert fresh == used.make(path, "yesno")


def test_sample_id_is_the_hash_of_its_content() -> None:
    for sample in samples(FIXTURES["legal"], "factoid", seeds=range(1)):
        expected = content_hash(
            sample.type, sample.question, sample.answer, *(r.id for r in sample.path.relations)
        )
        assert sample.id == "sample:" + expected


def test_made_by_names_pack_template_and_version() -> None:
    for sample in all_samples(FIXTURES["medical"]):
        assert re.fullmatch(r"template:(generic|medical)/[a-z_.]+\.v\d+", sample.made_by), sample.made_by


def test_sample_path_keeps_entity_names_and_evidence() -> None:
    for sample in all_samples(FIXTURES["legal"]):
        assert all(e.name for e in sample.path.entities)
        assert all(r.evidence and r.evidence[0].sentence for r in sample.path.relations)


# ------------------------------------------------------------------ packs, languages, errors


@pytest.mark.parametrize(
    ("graph", "pack"), [("medical", "medical"), ("legal", "legal"), ("untyped", "generic")]
)
def test_auto_pack_follows_the_graph_relations(graph: str, pack: str) -> None:
    assert SampleFactory(FIXTURES[graph].graph).pack == pack


def test_untyped_graph_questions_read_relation_names_as_words() -> None:
    fixture = FIXTURES["untyped"]
    sample = SampleFactory(fixture.graph).make(fixture.chain("Angela Merkel", "Hamburg"), "factoid")
    assert sample is not None
    assert sample.question in {
        "What is the birth place of Angela Merkel?",
        "Angela Merkel has which birth place?",
    }


def test_hops_path_outside_the_type_range_is_skipped_with_the_reason() -> None:
    fixture = FIXTURES["medical"]
    factory = SampleFactory(fixture.graph)
    assert factory.make(fixture.chain("aspirin", "migraine"), "multihop") is None
    assert factory.skipped == {"multihop: needs 2-4 hops, path has 1": 1}


@pytest.mark.parametrize(
    ("type_name", "hops"),
    [
        ("factoid", (1, 1)),
        ("multihop", (2, 4)),
        ("yesno", (1, 4)),
        ("mcq", (1, 1)),
        ("count", (1, 1)),
        ("comparison", (1, 1)),
    ],
)
def test_hops_for_each_type(type_name: str, hops: tuple[int, int]) -> None:
    assert hops_for(type_name) == hops


def test_unknown_question_type_names_the_valid_types() -> None:
    with pytest.raises(
        ConfigError, match=re.escape('question type "essay" is not known. Types: factoid, multihop')
    ):
        hops_for("essay")


def test_unknown_language_names_the_languages_of_the_pack() -> None:
    with pytest.raises(
        ConfigError, match=re.escape('language "fr" has no templates in pack medical. Languages: en, zh')
    ):
        SampleFactory(FIXTURES["medical"].graph, pack="medical", language="fr")


def test_unknown_pack_names_the_shipped_packs() -> None:
    with pytest.raises(
        ConfigError,
        match=re.escape(
            '"veterinary" is neither a shipped pack nor a folder. Shipped packs: generic, legal, medical'
        ),
    ):
        SampleFactory(FIXTURES["medical"].graph, pack="veterinary")
