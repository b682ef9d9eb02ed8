"""Lexical rules for drugs, chemicals and diseases that no lexicon lists."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from kgsynth.model import Schema
from kgsynth.nlp import ExtractionPipeline
from kgsynth.nlp.candidates import candidates
from kgsynth.nlp.medical_terms import MedicalTerms, relation_verbs

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


def _parsed(words: list[str], pos: list[str], deps: list[str], heads: list[int]) -> Doc:
    """A Doc as the small model parses "Nicotine treats hypertension.": "treats" a noun compound."""
    return Doc(
        spacy.blank("en").vocab,
        words=words,
        pos=pos,
        deps=deps,
        heads=heads,
        sent_starts=[True] + [False] * (len(words) - 1),
    )


@pytest.mark.parametrize("verb", ["treats", "causes", "relieves"])
def test_disease_modifiers_stop_at_a_relation_verb(test_schema: Schema, verb: str) -> None:
    doc = _parsed(
        ["Nicotine", verb, "hypertension", "."],
        ["PROPN", "NOUN", "NOUN", "PUNCT"],
        ["compound", "compound", "ROOT", "punct"],
        [2, 2, 2, 2],
    )
    found = [(span.text, span.label_) for span in candidates(MedicalTerms(test_schema)(doc))]
    assert ("hypertension", "Disease") in found and not any(verb in text for text, _ in found)


def test_relation_verbs_are_the_schemas_third_person_verbs(test_schema: Schema) -> None:
    assert relation_verbs(test_schema) >= {"treats", "causes", "relieves", "leads", "pays"}


def test_tokenizer_splits_the_full_stop_after_a_lower_case_letter(
    blank_pipeline: ExtractionPipeline,
) -> None:
    facts = blank_pipeline.extract_one("Warfarin causes hepatitis b.")
    assert ("hepatitis b", "Disease") in [(m.text, m.type) for m in facts.mentions]
