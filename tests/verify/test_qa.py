"""QA pair -> declarative statement, by the documented rules; and a QA record checked end to end."""

from __future__ import annotations

import pytest

from kgsynth.verify import check
from kgsynth.verify.lexicon import RelationLexicon
from kgsynth.verify.qa import qa_statement
from kgsynth.verify.read import answer_text
from tests.verify.conftest import SCHEMA

LEXICON = RelationLexicon(SCHEMA)


@pytest.mark.parametrize(
    ("question", "answer", "statement", "rule"),
    [
        ("What does aspirin treat?", "headache", "aspirin treats headache", "qa:wh_object"),
        ("Which drug treats headache?", "aspirin", "aspirin treats headache", "qa:wh_subject"),
        (
            "Which symptom is treated by aspirin?",
            "headache",
            "headache is treated by aspirin",
            "qa:wh_subject",
        ),
        ("What does warfarin interact with?", "aspirin", "warfarin interacts with aspirin", "qa:wh_object"),
        (
            "What did cocaine cause?",
            ["seizures", "tremor"],
            "cocaine caused seizures and tremor",
            "qa:wh_object",
        ),
        (
            "Where is Aarhus Airport located?",
            "Tirstrup",
            "Aarhus Airport is located in Tirstrup",
            "qa:wh_object",
        ),
        (
            "Who is the leader of Aarhus?",
            "Jacob Bundsgaard",
            "the leader of Aarhus is Jacob Bundsgaard",
            "qa:wh_copula",
        ),
        ("Does aspirin treat headache?", "Yes", "aspirin treats headache", "qa:yes_no"),
        ("Does aspirin treat headache?", "No.", "aspirin does not treat headache", "qa:yes_no"),
        ("Is aspirin an NSAID?", "no", "aspirin is not an NSAID", "qa:yes_no"),
        ("Can lithium cause tremor?", "yes", "lithium can cause tremor", "qa:yes_no"),
        (
            "Does aspirin treat headache?",
            "No, aspirin does not treat headache at all.",
            "aspirin does not treat headache at all.",
            "qa:answer_sentence",
        ),
        # a request for an explanation asserts nothing: "fever is related to ibuprofen" would
        # read as a causal claim, which the graph denies
        ("Explain how fever is related to ibuprofen.", "Ibuprofen treats fever.", "Ibuprofen treats fever.",
         "qa:explanation"),
        ("How is aspirin connected to warfarin? Explain.", "Aspirin interacts with warfarin.",
         "Aspirin interacts with warfarin.", "qa:explanation"),
        ("What links aspirin to fever?", "Aspirin treats influenza.", "Aspirin treats influenza.",
         "qa:explanation"),
        ("What is the relationship between aspirin and fever?", "Aspirin treats fever.",
         "Aspirin treats fever.", "qa:explanation"),
        ("How is aspirin taken?", "orally", "How is aspirin taken orally", "qa:fallback"),
    ],
)
def test_qa_statement_follows_the_rules(question, answer, statement, rule):
    made = qa_statement(question, answer_text(answer), LEXICON)
    assert (made.text, made.rule) == (statement, rule)


@pytest.mark.parametrize(
    ("answer", "status"),
    [("Yes", "supported"), ("No", "contradicted")],
)
def test_qa_yes_no_answer_sets_the_polarity_of_the_claim(graph, pipeline, answer, status):
    [result] = check(
        [{"question": "Does aspirin treat headache?", "answer": answer}], graph, pipeline=pipeline
    )
    assert result.status == status
    assert result.verdicts[0].claim.negated is (answer == "No")
