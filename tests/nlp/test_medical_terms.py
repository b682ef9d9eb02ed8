"""Lexical rules for drugs, chemicals and diseases that no lexicon lists."""

from __future__ import annotations

import pytest

from kgsynth.nlp import ExtractionPipeline

from .conftest import mention_view


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patients received metoprolol.", ("metoprolol", "Drug", "lexical:drug_stem")),
        ("Patients received atorvastatin.", ("atorvastatin", "Drug", "lexical:drug_stem")),
        (
            "Patients received haloperidol decanoate.",
            ("haloperidol decanoate", "Chemical", "lexical:chemical_name"),
        ),
        ("Patients received valproic acid.", ("valproic acid", "Chemical", "lexical:chemical_name")),
        ("Patients received lithium carbonate.", ("lithium carbonate", "Chemical", "lexical:chemical_name")),
        ("The patient developed hepatitis.", ("hepatitis", "Disease", "lexical:disease")),
        ("The patient developed acute renal failure.", ("acute renal failure", "Disease", "lexical:disease")),
        (
            "The patient developed congestive heart failure.",
            ("congestive heart failure", "Disease", "lexical:disease"),
        ),
    ],
)
def test_medical_terms_find_names_by_shape(
    blank_pipeline: ExtractionPipeline, text: str, expected: tuple
) -> None:
    found = [(m.text, m.type, m.method) for m in blank_pipeline.extract_one(text).mentions]
    assert expected in found


@pytest.mark.parametrize(
    "text",
    [
        "The routine examination was normal.",
        "Treatment failure was rare.",
        "The protein level and the baseline rate were stable.",
    ],
)
def test_medical_terms_ignore_ordinary_words(blank_pipeline: ExtractionPipeline, text: str) -> None:
    assert mention_view(blank_pipeline.extract_one(text)) == []


def test_disease_modifiers_stop_at_a_chemical(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("She had propranolol toxicity.")
    assert [(m.text, m.type) for m in facts.mentions] == [("propranolol", "Drug"), ("toxicity", "Disease")]
