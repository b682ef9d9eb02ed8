"""The shipped medical patterns (ontologies/medical.patterns.yaml) on sentences once misread."""

from __future__ import annotations

import pytest

from kgsynth.nlp import ExtractionPipeline, build_pipeline
from kgsynth.ontology import load_ontology

from .conftest import relation_view


@pytest.fixture(scope="module")
def medical() -> ExtractionPipeline:
    return build_pipeline(load_ontology("medical"), model="blank")


def facts_of(pipeline: ExtractionPipeline, text: str) -> list[tuple[str, str, str, bool]]:
    return [(s, p, o, negated) for s, p, o, negated, _, _ in relation_view(pipeline.extract_one(text))]


@pytest.mark.parametrize(
    "text",
    [
        # a prohibition of use IS the contraindication (issue 11): stored positive, not negated
        "Atorvastatin should not be used in patients with active liver disease.",
        "Atorvastatin should not be given to patients with liver disease.",
        # a trigger phrase with its own "not" ("not recommended in") is not negated by it
        "Atorvastatin is not recommended in liver disease.",
    ],
)
def test_medical_prohibition_of_use_is_a_positive_contraindication(medical, text):
    assert facts_of(medical, text) == [("Atorvastatin", "contraindicated_for", "liver disease", False)]


def test_medical_denied_contraindication_stays_negated(medical):
    assert facts_of(medical, "Atorvastatin is not contraindicated in liver disease.") == [
        ("Atorvastatin", "contraindicated_for", "liver disease", True)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Penicillin allergy is common.",
        "Patients with penicillin allergy should not take amoxicillin.",
    ],
)
def test_medical_drug_allergy_is_not_the_drug_causing_a_disease(medical, text):
    # "penicillin allergy" is an allergy TO penicillin (issue 11), not "penicillin causes hypersensitivity"
    assert [f for f in facts_of(medical, text) if f[0].lower() == "penicillin"] == []


def test_medical_allergy_modifier_leaves_the_other_facts_of_its_sentence(medical):
    text = "Amoxicillin is contraindicated in patients with penicillin allergy."
    assert facts_of(medical, text) == [("Amoxicillin", "contraindicated_for", "allergy", False)]


def test_medical_drug_induced_disease_is_still_read(medical):
    assert facts_of(medical, "Penicillin-induced anaphylaxis was reported.") == [
        ("Penicillin", "causes", "anaphylaxis", False)
    ]
