"""QA pairs read as queries over the graph (issue 11 part A): answer put in, polarity, options, paths."""

from __future__ import annotations

import pytest

from kgsynth.model import Entity, GraphBatch
from kgsynth.verify import check
from tests.verify.conftest import fact


def verdict(graph, pipeline, question: str, answer: str, **options) -> tuple[str, list[str]]:
    [result] = check([{"question": question, "answer": answer}], graph, pipeline=pipeline, **options)
    return result.status, [v.status for v in result.verdicts]


@pytest.mark.parametrize(
    ("question", "answer", "status"),
    [
        # a question is no claim until its answer is put into it
        ("Name one symptom that aspirin treats.", "headache", "supported"),
        ("Name one symptom that aspirin treats.", "tremor", "not_fully_supported"),
        ("Which drug causes tremor?", "lithium", "supported"),
        ("Which drug causes tremor?", "cocaine", "not_fully_supported"),
        # the wh-phrase is the object: "Which disease does aspirin treat?"
        ("Which disease does aspirin treat?", "migraine", "supported"),
        ("Which disease does cocaine cause?", "migraine", "not_fully_supported"),
        # a relation stated in the passive
        ("Name a symptom that is treated by aspirin.", "headache", "supported"),
        ("Name a drug that headache is treated by.", "aspirin", "supported"),
        ("Name a drug that headache is treated by.", "lithium", "not_fully_supported"),
    ],
)
def test_question_answer_is_put_into_the_question(graph, pipeline, question, answer, status):
    assert verdict(graph, pipeline, question, answer)[0] == status


@pytest.mark.parametrize(
    ("question", "answer", "status"),
    [
        ("Does aspirin treat headache?", "Yes", "supported"),
        ("Does aspirin treat headache?", "No", "contradicted"),
        # the graph states "ibuprofen does not cause seizure"
        ("Does ibuprofen cause seizure?", "No", "supported"),
        ("Does ibuprofen cause seizure?", "Yes", "contradicted"),
        # open world: an absent fact neither supports nor contradicts "no"
        ("Does aspirin treat tremor?", "No", "not_fully_supported"),
        ("Does aspirin treat tremor?", "Yes", "not_fully_supported"),
        # a functional relation with another value supports "no"
        ("Does aspirin belong to class opioid?", "No", "supported"),
    ],
)
def test_yes_no_polarity_applies_to_the_questions_proposition(graph, pipeline, question, answer, status):
    assert verdict(graph, pipeline, question, answer)[0] == status


def test_yes_no_closed_world_reads_an_absent_fact_as_no(graph, pipeline):
    assert verdict(graph, pipeline, "Does aspirin treat tremor?", "No", closed_world=True)[0] == "supported"
    assert verdict(graph, pipeline, "Does aspirin treat headache?", "No", closed_world=True)[0] == (
        "contradicted"
    )


MCQ = "Which of these drugs causes tremor?\nA. aspirin\nB. lithium\nC. warfarin"


@pytest.mark.parametrize(
    ("answer", "status"),
    [("B", "supported"), ("B. lithium", "supported"), ("lithium", "supported"), ("A", "not_fully_supported")],
)
def test_multiple_choice_answer_is_the_chosen_option(graph, pipeline, answer, status):
    assert verdict(graph, pipeline, MCQ, answer)[0] == status


def test_multiple_choice_other_options_are_no_claims(graph, pipeline):
    assert verdict(graph, pipeline, MCQ, "B")[1] == ["supported"]


@pytest.mark.parametrize(
    ("question", "answer", "status"),
    [
        (
            "Warfarin interacts with a certain drug. Name a symptom that this drug treats.",
            "headache",
            "supported",
        ),
        (
            "Warfarin interacts with a certain drug. Name a symptom that this drug treats.",
            "tremor",
            "not_fully_supported",
        ),
        ("A certain drug treats migraine. Does that drug interact with warfarin?", "Yes", "supported"),
        (
            "A certain drug treats migraine. Does that drug interact with lithium?",
            "Yes",
            "not_fully_supported",
        ),
    ],
)
def test_unnamed_middle_entity_is_verified_as_a_path(graph, pipeline, question, answer, status):
    assert verdict(graph, pipeline, question, answer)[0] == status


def test_unnamed_entity_must_have_its_nouns_type(graph, pipeline):
    # headache is treated by aspirin, but "a certain disease" cannot be the symptom headache
    question = "Aspirin treats a certain disease. Name a drug that interacts with aspirin."
    assert verdict(graph, pipeline, question, "warfarin")[0] == "supported"
    question = "A certain disease is treated by warfarin. Name a drug that interacts with warfarin."
    assert verdict(graph, pipeline, question, "aspirin")[0] == "not_fully_supported"


def test_generic_noun_phrase_is_a_variable_not_a_graph_entity_named_so(graph, pipeline):
    # An entity named just "drug" (as a build used to make of "the Drug") with a functional class:
    # linking "a certain drug" to it would contradict through belongs_to_class.
    generic = Entity.make("Drug", "drug")
    graph.write(
        GraphBatch(entities=(generic,), relations=(fact(generic.id, "belongs_to_class", "DrugClass:opioid"),))
    )
    question = "A certain drug belongs to class NSAID. Name a drug that this drug interacts with."
    assert verdict(graph, pipeline, question, "warfarin") == ("supported", ["supported", "supported"])


def test_answer_after_a_reasoning_chain_is_the_final_answer_line(graph, pipeline):
    answer = "Reasoning:\n1. Lithium causes tremor.\nAnswer: lithium"
    assert verdict(graph, pipeline, "Which drug causes tremor?", answer)[0] == "supported"


def test_question_that_cannot_be_read_falls_back_to_a_statement(graph, pipeline):
    # no relation phrase at all: checked the old way, as "question answer"
    status, claims = verdict(graph, pipeline, "Tell me about aspirin.", "headache")
    assert (status, claims) == ("not_fully_supported", [])


@pytest.mark.parametrize(
    ("question", "answer", "status"),
    [
        # "Name one of them" asks for the unnamed entity just introduced; "conditions" may be of any type
        ("Aspirin can treat several conditions. Name one of them.", "migraine", "supported"),
        ("Aspirin can treat several conditions. Name one of them.", "tremor", "not_fully_supported"),
        # "the drug class of X" is the relation, not an unnamed drug class
        ("Warfarin interacts with a certain drug. Name the drug class of this drug.", "NSAID", "supported"),
        (
            "Warfarin interacts with a certain drug. Name the drug class of this drug.",
            "opioid",
            "contradicted",
        ),
        (
            "The drug class of a certain drug is NSAID. Which symptom does that drug treat?",
            "headache",
            "supported",
        ),
        ("Warfarin interacts with a certain drug. Is NSAID the drug class of this drug?", "Yes", "supported"),
        # a relative clause on the middle entity: two statements in one sentence
        ("Name a drug that interacts with a drug that treats migraine.", "warfarin", "supported"),
        ("Name a drug that interacts with a drug that treats migraine.", "lithium", "not_fully_supported"),
    ],
)
def test_question_shapes_of_kgsynths_own_templates(graph, pipeline, question, answer, status):
    assert verdict(graph, pipeline, question, answer)[0] == status


@pytest.mark.parametrize(
    ("question", "answer", "status"),
    [
        ("Which of these is a symptom of migraine?\nA. tremor\nB. headache", "B", "supported"),
        ("Which of these is a symptom of migraine?\nA. tremor\nB. headache", "A", "not_fully_supported"),
        # "as a symptom" names the relation, it is no second unnamed symptom
        ("Which of these diseases has headache as a symptom?\nA. seizure\nB. migraine", "B", "supported"),
        (
            "Which of these diseases has headache as a symptom?\nA. seizure\nB. migraine",
            "A",
            "not_fully_supported",
        ),
    ],
)
def test_question_which_of_these_takes_the_type_of_its_noun(graph, pipeline, question, answer, status):
    graph.write(GraphBatch(relations=(fact("Disease:migraine", "has_symptom", "Symptom:headache"),)))
    assert verdict(graph, pipeline, question, answer)[0] == status


@pytest.mark.parametrize(
    ("question", "answer", "closed_world", "status"),
    [
        # a count holds when the graph lists exactly that many (aspirin treats migraine and headache)
        ("How many diseases does aspirin treat?", "1", False, "supported"),
        ("How many conditions does aspirin treat?", "2", False, "supported"),
        ("How many drugs cause tremor?", "one", False, "supported"),
        ("With how many drugs does warfarin interact?", "1", False, "supported"),
        # the graph lists more than stated: refuted in any world
        ("How many conditions does aspirin treat?", "1", False, "contradicted"),
        # fewer than stated: the graph may lack some, unless it is read as closed
        ("How many conditions does aspirin treat?", "3", False, "not_fully_supported"),
        ("How many conditions does aspirin treat?", "3", True, "contradicted"),
    ],
)
def test_question_count_is_checked_against_the_graphs_count(
    graph, pipeline, question, answer, closed_world, status
):
    assert verdict(graph, pipeline, question, answer, closed_world=closed_world)[0] == status


@pytest.mark.parametrize(
    ("question", "answer", "closed_world", "status"),
    [
        ("Which treats more conditions, aspirin or lithium?", "aspirin", False, "supported"),
        ("Which treats more conditions, aspirin or lithium?", "lithium", False, "not_fully_supported"),
        ("Which treats more conditions, aspirin or lithium?", "lithium", True, "contradicted"),
        ("Which of headache and tremor do more drugs treat?", "headache", False, "supported"),
        ("Which of headache and tremor do more drugs treat?", "tremor", True, "contradicted"),
        # the words after "more" name the relation counted
        ("Which has more known interactions, warfarin or lithium?", "warfarin", False, "supported"),
        ("Which has more known interactions, warfarin or lithium?", "lithium", True, "contradicted"),
        # "both A and B": one unnamed entity that each of them is related to
        ("Is there a drug that treats both headache and migraine?", "Yes", False, "supported"),
        ("Is there a disease that both aspirin and warfarin treat?", "Yes", False, "not_fully_supported"),
        ("Is there a disease that both aspirin and warfarin treat?", "No", True, "supported"),
    ],
)
def test_question_comparison_counts_each_entity(graph, pipeline, question, answer, closed_world, status):
    assert verdict(graph, pipeline, question, answer, closed_world=closed_world)[0] == status
