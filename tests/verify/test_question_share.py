"""What two named entities share, read as two statements about one entity (issue 11 part A).

"Do A and B share an adverse effect?" is no relation between A and B: it says some x is an
adverse effect of A and of B. Read as a relation between the two drugs it was contradicted
by their type (a drug is no adverse effect), and "No" was supported.
"""

from __future__ import annotations

import pytest

from kgsynth.model import Entity, GraphBatch, RelationType
from kgsynth.nlp import build_pipeline
from kgsynth.store import open_store
from kgsynth.verify import check
from kgsynth.verify.store_names import write_store_lexicon
from tests.verify.conftest import SCHEMA as BASE
from tests.verify.conftest import fact

SCHEMA = BASE.model_copy(
    update={
        "name": "share-fixture",
        "relation_types": (
            *BASE.relation_types,
            RelationType(
                name="adverse_effect_of",
                label="adverse effect of",
                domain=("Disease", "Symptom"),
                range=("Drug",),
                synonyms=("side effect of",),
            ),
        ),
    }
)
NAMES = {
    "Drug": ("amiodarone", "digoxin", "lisinopril"),
    "DrugClass": ("antiarrhythmic", "cardiac glycoside"),
    "Disease": ("myopathy", "pulmonary fibrosis", "heart failure", "atrial fibrillation", "hypertension"),
    "Symptom": ("nausea", "cough"),
}
FACTS = (
    fact("Disease:myopathy", "adverse_effect_of", "Drug:amiodarone"),
    fact("Disease:myopathy", "adverse_effect_of", "Drug:digoxin"),
    fact("Disease:pulmonary fibrosis", "adverse_effect_of", "Drug:amiodarone"),
    fact("Symptom:cough", "adverse_effect_of", "Drug:lisinopril"),
    fact("Drug:digoxin", "causes", "Symptom:nausea"),
    fact("Drug:lisinopril", "causes", "Symptom:nausea"),
    fact("Drug:amiodarone", "interacts_with", "Drug:digoxin"),
    fact("Drug:digoxin", "treats", "Disease:heart failure"),
    fact("Drug:digoxin", "treats", "Disease:atrial fibrillation"),
    fact("Drug:lisinopril", "treats", "Disease:heart failure"),
    fact("Drug:lisinopril", "treats", "Disease:hypertension"),
    fact("Drug:amiodarone", "belongs_to_class", "DrugClass:antiarrhythmic"),
    fact("Drug:digoxin", "belongs_to_class", "DrugClass:cardiac glycoside"),
)


@pytest.fixture(scope="module")
def share_graph(tmp_path_factory):
    """The fixture graph in a SQLite file, and a blank pipeline whose gazetteer knows its names."""
    folder = tmp_path_factory.mktemp("share")
    entities = tuple(Entity.make(type_, name) for type_, names in NAMES.items() for name in names)
    with open_store(str(folder / "kg.db")) as store:
        store.ensure_schema(SCHEMA)
        store.write(GraphBatch(entities=entities, relations=FACTS))
        write_store_lexicon(store, SCHEMA, folder / "lexicon.tsv")
        yield store, build_pipeline(SCHEMA, model="blank", lexicon=folder / "lexicon.tsv")


def checked(share_graph, question: str, answer: str, closed_world: bool = False):
    store, pipeline = share_graph
    records = [{"question": question, "answer": answer}]
    [result] = check(records, store, pipeline=pipeline, closed_world=closed_world)
    return result


SHARE_AE = "Do amiodarone and digoxin share an adverse effect?"
SHARE_NONE = "Do amiodarone and lisinopril share an adverse effect?"


@pytest.mark.parametrize(
    ("question", "answer", "closed_world", "status"),
    [
        # both have myopathy as an adverse effect
        (SHARE_AE, "Yes", False, "supported"),
        (SHARE_AE, "No", False, "contradicted"),
        ("Do amiodarone and digoxin have an adverse effect in common?", "Yes", False, "supported"),
        ("Do amiodarone and digoxin share a side effect?", "Yes", False, "supported"),
        # they share none: "yes" is not in the graph (in either world, as for other yes/no questions)
        (SHARE_NONE, "Yes", False, "not_fully_supported"),
        (SHARE_NONE, "Yes", True, "not_fully_supported"),
        # "no" is what the graph's absence says only in a closed world
        (SHARE_NONE, "No", False, "not_fully_supported"),
        # (held before too, through a misreading: test_share_relates_neither_name_to_the_other)
        (SHARE_NONE, "No", True, "supported"),
    ],
)
def test_share_yes_no_is_about_some_shared_entity(share_graph, question, answer, closed_world, status):
    assert checked(share_graph, question, answer, closed_world).status == status


def test_share_yes_is_supported_by_both_facts(share_graph):
    result = checked(share_graph, SHARE_AE, "Yes")
    held = {(r.subject, r.predicate, r.object) for v in result.verdicts for r in v.evidence}
    assert held == {
        ("Disease:myopathy", "adverse_effect_of", "Drug:amiodarone"),
        ("Disease:myopathy", "adverse_effect_of", "Drug:digoxin"),
    }


@pytest.mark.parametrize(
    ("question", "answer", "closed_world"),
    [(SHARE_AE, "Yes", False), (SHARE_AE, "No", False), (SHARE_NONE, "No", True), (SHARE_NONE, "Yes", True)],
)
def test_share_relates_neither_name_to_the_other(share_graph, question, answer, closed_world):
    result = checked(share_graph, question, answer, closed_world)
    ends = [{v.claim.subject.entity_id, v.claim.object.entity_id} for v in result.verdicts]
    assert len(ends) == 2
    assert all(len(pair & {"Drug:amiodarone", "Drug:digoxin", "Drug:lisinopril"}) == 1 for pair in ends)


@pytest.mark.parametrize(
    ("question", "answer", "status"),
    [
        ("Name an adverse effect common to amiodarone and digoxin.", "myopathy", "supported"),
        # a type noun: every relation between a drug and a symptom is a reading (here: causes)
        ("Name a symptom shared by digoxin and lisinopril.", "nausea", "supported"),
        # no noun at all: any relation, the same for both (pulmonary fibrosis is amiodarone's only)
        ("What do amiodarone and digoxin have in common?", "pulmonary fibrosis", "not_fully_supported"),
    ],
)
def test_share_answer_fills_the_shared_entity(share_graph, question, answer, status):
    assert checked(share_graph, question, answer).status == status


def test_share_answer_makes_two_statements_and_no_others(share_graph):
    # read as text, the question also stated that the two drugs interact
    result = checked(share_graph, "What do amiodarone and digoxin have in common?", "myopathy")
    claims = [
        (v.claim.subject.entity_id, v.claim.predicate, v.claim.object.entity_id) for v in result.verdicts
    ]
    assert (result.status, claims) == (
        "supported",
        [
            ("Disease:myopathy", "adverse_effect_of", "Drug:amiodarone"),
            ("Disease:myopathy", "adverse_effect_of", "Drug:digoxin"),
        ],
    )


@pytest.mark.parametrize(
    ("answer", "status"),
    # a functional relation: two different classes refute a shared one
    [("Yes", "contradicted"), ("No", "supported")],
)
def test_share_of_a_functional_relation_is_refuted_by_other_values(share_graph, answer, status):
    assert checked(share_graph, "Do amiodarone and digoxin share a drug class?", answer).status == status


@pytest.mark.parametrize(
    ("question", "answer", "status"),
    [
        # shapes read right before the share reader existed, which it must keep (these held before)
        ("Which adverse effect do amiodarone and digoxin have in common?", "myopathy", "supported"),
        ("Which adverse effect do amiodarone and digoxin share?", "myopathy", "supported"),
        ("Which adverse effect do amiodarone and digoxin have in common?", "pulmonary fibrosis", "nfs"),
        ("Which adverse effect do amiodarone and digoxin have in common?", "cough", "nfs"),
        ("Name an adverse effect common to amiodarone and digoxin.", "pulmonary fibrosis", "nfs"),
        ("Name a symptom shared by digoxin and lisinopril.", "cough", "nfs"),
        ("What do digoxin and lisinopril have in common?", "heart failure", "supported"),
        ("How many adverse effects do amiodarone and digoxin share?", "1", "supported"),
        ("How many adverse effects do amiodarone and digoxin share?", "2", "nfs"),
        ("Is there a drug that treats both heart failure and hypertension?", "Yes", "supported"),
        ("Is there a drug that treats both atrial fibrillation and hypertension?", "Yes", "nfs"),
        ("Are heart failure and hypertension both treated with lisinopril?", "Yes", "supported"),
        ("Are heart failure and hypertension both treated with digoxin?", "Yes", "nfs"),
        ("Which disease do digoxin and lisinopril both treat?", "heart failure", "supported"),
        ("Which disease do digoxin and lisinopril both treat?", "hypertension", "nfs"),
    ],
)
def test_share_reader_keeps_what_was_read_before(share_graph, question, answer, status):
    expected = "not_fully_supported" if status == "nfs" else status
    assert checked(share_graph, question, answer).status == expected


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        ("Amiodarone and digoxin share the side effect myopathy.", ["supported", "supported"]),
        ("Amiodarone and digoxin share the side effect pulmonary fibrosis.", ["supported", "not_in_graph"]),
    ],
)
def test_share_statement_in_free_text_is_two_claims(share_graph, text, statuses):
    # read by the claim reader, the sentence also said that the two drugs interact
    store, pipeline = share_graph
    [result] = check([{"text": text}], store, pipeline=pipeline)
    value = text.removesuffix(".").split("side effect ")[1]
    claims = [(v.claim.subject.entity_id, v.claim.object.entity_id) for v in result.verdicts]
    assert claims == [(f"Disease:{value}", "Drug:amiodarone"), (f"Disease:{value}", "Drug:digoxin")]
    assert [v.status for v in result.verdicts] == statuses
