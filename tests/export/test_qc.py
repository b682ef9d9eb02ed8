"""Quality control: duplicate removal, answer-leak filter, balance caps."""

from __future__ import annotations

import itertools

import pytest
from datasketch import MinHash, MinHashLSH

from kgsynth.export import BalanceCaps, NearDuplicateFilter, leaks_answer
from kgsynth.export.qc import tokens
from kgsynth.model import Entity, FactPath, Relation, Sample


def sample(
    question: str,
    answer: str = "headache",
    type_name: str = "factoid",
    hops: int = 1,
    entities: tuple[str, ...] = ("aspirin", "headache"),
    predicate: str = "treats",
) -> Sample:
    ents = tuple(Entity.make("Thing", n) for n in entities)
    relations = tuple(
        Relation(subject=a.id, predicate=predicate, object=b.id) for a, b in itertools.pairwise(ents)
    )
    path = FactPath(entities=ents, relations=relations[:hops], strategy="test", seed=0)
    return Sample(
        id=f"sample:{question}",
        type=type_name,
        question=question,
        answer=answer,
        hops=hops,
        made_by="template:test/q.v1",
        path=path,
    )


LONG = " ".join(f"word{i}" for i in range(60))


def test_exact_duplicate_is_dropped_even_with_other_case_and_spacing() -> None:
    dedup = NearDuplicateFilter()
    assert dedup.accept(sample("What does aspirin treat?"))
    assert not dedup.accept(sample("what  does Aspirin treat ?"))
    assert dedup.dropped == {"exact_duplicate": 1}


def test_near_duplicate_is_dropped() -> None:
    dedup = NearDuplicateFilter(threshold=0.8)
    assert dedup.accept(sample(f"{LONG} first?"))
    assert not dedup.accept(sample(f"{LONG} second?"))
    assert dedup.dropped == {"near_duplicate": 1}


@pytest.mark.parametrize(
    "other",
    [
        "What does ibuprofen treat?",
        "Which disease has headache as a symptom?",
        "How many drugs treat headache?",
    ],
)
def test_different_questions_are_kept(other: str) -> None:
    dedup = NearDuplicateFilter()
    assert dedup.accept(sample("What does aspirin treat?"))
    assert dedup.accept(sample(other, answer="fever"))


def test_chinese_near_duplicates_are_found_by_character() -> None:
    dedup = NearDuplicateFilter(threshold=0.8)
    base = "阿司匹林可以用于治疗哪种疾病？请从以下选项中选出唯一正确的答案并说明理由，同时给出推理过程"
    assert dedup.accept(sample(base + "一"))
    assert not dedup.accept(sample(base + "二"))


def test_dedup_decisions_repeat_with_the_same_seed() -> None:
    questions = [f"{LONG} {i % 7}?" if i % 3 else f"question {i} about drug{i}?" for i in range(40)]
    runs = []
    for _ in range(2):
        dedup = NearDuplicateFilter(threshold=0.8, seed=5)
        runs.append([dedup.accept(sample(q, answer=str(i))) for i, q in enumerate(questions)])
    assert runs[0] == runs[1]


def shingles(text: str) -> set[bytes]:
    words = tokens(text)
    return {" ".join(words[i : i + 3]).encode() for i in range(max(1, len(words) - 2))}


@pytest.mark.parametrize(
    "text", ["What does aspirin treat? \x1f headache", "阿司匹林可以治疗哪种疾病", "one", LONG]
)
def test_dedup_signature_is_datasketchs_minhash_of_the_shingles(text: str) -> None:
    expected = MinHash(num_perm=64, seed=3)
    expected.update_batch(list(shingles(text)))
    dedup = NearDuplicateFilter(num_perm=64, seed=3)
    dedup.signature(tokens("warm the shingle cache with other words first"))
    assert list(dedup.signature(tokens(text))) == list(expected.hashvalues)


def test_dedup_drops_exactly_what_datasketchs_lsh_index_would_find() -> None:
    questions = [
        f"{LONG} {i % 5} and {i % 3}?" if i % 2 else f"{LONG[: 20 * (i % 9 + 1)]} q{i}" for i in range(60)
    ]
    dedup = NearDuplicateFilter(threshold=0.7, seed=2)
    index = MinHashLSH(threshold=0.7, num_perm=128)
    decisions, expected = [], []
    for i, question in enumerate(questions):
        decisions.append(dedup.accept(sample(question, answer="x")))
        signature = MinHash(num_perm=128, seed=2)
        signature.update_batch(list(shingles(f"{question} \x1f x")))
        exact = any(q == question for q in questions[:i])
        keep = not exact and not index.query(signature)
        if keep:
            index.insert(str(i), signature)
        expected.append(keep)
    assert decisions == expected
    assert False in decisions  # the list has near duplicates, so the comparison covers drops


@pytest.mark.parametrize(
    ("made", "leaks"),
    [
        (sample("What does aspirin treat?"), False),
        (sample("Does aspirin treat headache?", answer="Yes", type_name="yesno"), False),
        (sample("Is headache what aspirin treats?", answer="headache"), True),
        (
            sample(
                "Name a symptom of a disease that aspirin treats.",
                answer="nausea",
                type_name="multihop",
                hops=2,
                entities=("aspirin", "migraine", "nausea"),
            ),
            False,
        ),
        (
            sample(
                "Name a symptom of migraine, which aspirin treats.",
                answer="nausea",
                type_name="multihop",
                hops=2,
                entities=("aspirin", "migraine", "nausea"),
            ),
            True,
        ),
        (
            sample(
                "Is nausea a symptom of a disease aspirin treats, like Migraine?",
                answer="Yes",
                type_name="yesno",
                hops=2,
                entities=("aspirin", "migraine", "nausea"),
            ),
            True,
        ),
        (sample("What does aspirin treat? A. headache B. fever", type_name="mcq"), False),
        (sample("What does aspirinheadache treat?"), False),
    ],
)
def test_leaks_answer(made: Sample, leaks: bool) -> None:
    assert leaks_answer(made) is leaks


def test_balance_caps_per_relation_type() -> None:
    caps = BalanceCaps(per_relation=2)
    made = [sample(f"q{i}", entities=(f"drug{i}", f"disease{i}")) for i in range(3)]
    assert [caps.accept(s) for s in made] == [True, True, False]
    assert caps.dropped == {"per_relation_cap": 1}


def test_balance_caps_per_entity() -> None:
    caps = BalanceCaps(per_entity=2)
    made = [sample(f"q{i}", entities=("aspirin", f"disease{i}"), predicate=f"p{i}") for i in range(3)]
    assert [caps.accept(s) for s in made] == [True, True, False]
    assert caps.dropped == {"per_entity_cap": 1}


def test_balance_caps_count_only_the_centre_of_a_star() -> None:
    caps = BalanceCaps(per_entity=1)
    hub = Entity.make("Thing", "warfarin")
    for i in range(2):
        leaves = tuple(Entity.make("Thing", f"drug{i}{j}") for j in range(2))
        path = FactPath(
            entities=(Entity.make("Thing", f"centre{i}"), *leaves, hub),
            relations=(Relation(subject=f"Thing:centre{i}", predicate="interacts_with", object=hub.id),),
            shape="star",
            strategy="test",
            seed=0,
        )
        assert caps.accept(
            Sample(
                id=f"s{i}",
                type="count",
                question="How many?",
                answer="3",
                hops=1,
                made_by="template:test/c.v1",
                path=path,
            )
        )


def test_no_caps_accepts_everything() -> None:
    caps = BalanceCaps()
    assert all(caps.accept(sample(f"q{i}")) for i in range(50))
