"""Disease adjectives, development codes and eponyms read from word shape."""

from __future__ import annotations

import pytest

from kgsynth.nlp import ExtractionPipeline
from kgsynth.nlp.medical_shapes import adjective_nouns


def _found(pipeline: ExtractionPipeline, text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.type, m.method) for m in pipeline.extract_one(text).mentions]


@pytest.mark.parametrize(
    ("adjective", "noun"),
    [
        ("hypertensive", "hypertension"),
        ("psychotic", "psychosis"),
        ("cardiotoxic", "cardiotoxicity"),
        ("epileptic", "epilepsy"),
        ("diabetic", "diabetes"),
        ("parkinsonian", "parkinsonism"),
        ("edematous", "edema"),
    ],
)
def test_adjective_nouns_derive_the_disease_noun(adjective: str, noun: str) -> None:
    assert noun in [n for n, _strict in adjective_nouns(adjective)]


@pytest.mark.parametrize(
    ("text", "adjective"),
    [
        ("Spontaneously hypertensive rats were studied.", "hypertensive"),
        ("Sixty epileptic women took part.", "epileptic"),
        ("The nephrotoxic effects were dose dependent.", "nephrotoxic"),
        ("Three diabetic patients were seen.", "diabetic"),
    ],
)
def test_disease_adjective_is_a_disease_mention(
    blank_pipeline: ExtractionPipeline, text: str, adjective: str
) -> None:
    assert (adjective, "Disease", "lexical:disease_adjective") in _found(blank_pipeline, text)


@pytest.mark.parametrize(
    "text",
    [
        "Systemic exposure was measured.",
        "Antihypertensive drugs were stopped.",
        "Normotensive rats served as controls.",
        "Hypoglycemic agents were given.",
        "The pharmacokinetic study ended.",
    ],
)
def test_disease_adjective_ignores_look_alikes(blank_pipeline: ExtractionPipeline, text: str) -> None:
    assert [m for m in _found(blank_pipeline, text) if m[2] == "lexical:disease_adjective"] == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Rats received SM-5887 daily.", "SM-5887"),
        ("AMN082 was injected.", "AMN082"),
        ("The antagonist MK-801 was given.", "MK-801"),
    ],
)
def test_development_code_is_a_chemical(blank_pipeline: ExtractionPipeline, text: str, code: str) -> None:
    assert (code, "Chemical", "lexical:drug_code") in _found(blank_pipeline, text)


@pytest.mark.parametrize("text", ["CYP450 and P450 enzymes.", "MDA-MB-435 cells grew.", "In 1998 and 2004."])
def test_development_code_ignores_enzymes_cells_and_years(
    blank_pipeline: ExtractionPipeline, text: str
) -> None:
    assert [m for m in _found(blank_pipeline, text) if m[2] == "lexical:drug_code"] == []


@pytest.mark.parametrize(
    ("text", "disease"),
    [
        ("He had Kaposi's sarcoma.", "Kaposi's sarcoma"),
        ("She had Graves' disease.", "Graves' disease"),
        ("A case of Kearns-Sayre syndrome.", "Kearns-Sayre syndrome"),
    ],
)
def test_eponym_joins_its_disease(blank_pipeline: ExtractionPipeline, text: str, disease: str) -> None:
    assert (disease, "Disease", "lexical:disease") in _found(blank_pipeline, text)


def test_longest_drug_stem_decides(blank_pipeline: ExtractionPipeline) -> None:
    # "-navir" is a strong stem; the weak "-vir" alone would reject "indinavir".
    assert ("indinavir", "Drug", "lexical:drug_stem") in _found(blank_pipeline, "Patients took indinavir.")


@pytest.mark.parametrize("text", ["Perfusion defect was seen.", "The prothrombin time rose."])
def test_generic_heads_and_protein_names_are_not_mentions(
    blank_pipeline: ExtractionPipeline, text: str
) -> None:
    assert _found(blank_pipeline, text) == []
