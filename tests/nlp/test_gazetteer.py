"""The gazetteer: lexicon names, their variants, and defined-term class labels."""

from __future__ import annotations

import pytest

from kgsynth.nlp import ExtractionPipeline

from .conftest import mention_view


@pytest.mark.parametrize(
    ("text", "surface", "type_name", "canonical"),
    [
        ("She took aspirin daily.", "aspirin", "Drug", "aspirin"),
        ("She took ASPIRIN daily.", "ASPIRIN", "Drug", "aspirin"),
        ("Aspirin helps.", "Aspirin", "Drug", "aspirin"),
        ("He had two seizures.", "seizures", "Disease", "seizure"),
        ("He had convulsions.", "convulsions", "Disease", "seizure"),
        ("She took acetylsalicylic acid.", "acetylsalicylic acid", "Drug", "aspirin"),
        ("Nitric oxide matters: it raised NO levels.", "NO", "Chemical", "nitric oxide"),
    ],
)
def test_gazetteer_finds_lexicon_names_and_variants(
    blank_pipeline: ExtractionPipeline, text: str, surface: str, type_name: str, canonical: str
) -> None:
    assert (surface, type_name, canonical, "gazetteer") in mention_view(blank_pipeline.extract_one(text))


def test_gazetteer_matches_short_abbreviations_only_in_their_case(blank_pipeline: ExtractionPipeline) -> None:
    assert mention_view(blank_pipeline.extract_one("There was no change.")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This Agreement starts today.", [("Agreement", "Agreement", "Agreement", "gazetteer:class")]),
        (
            "The Master Supply Agreement starts today.",
            [("Master Supply Agreement", "Agreement", "Master Supply Agreement", "gazetteer:class")],
        ),
        ("The drug was stopped.", []),
        ("Agreement was reached.", []),
    ],
)
def test_gazetteer_keeps_class_labels_only_as_defined_terms(
    blank_pipeline: ExtractionPipeline, text: str, expected: list
) -> None:
    assert mention_view(blank_pipeline.extract_one(text)) == expected


def test_bare_class_label_links_to_the_earlier_full_title(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("The Master Supply Agreement starts today. The Agreement ends in May.")
    assert [m.canonical for m in facts.mentions if m.type == "Agreement"] == ["Master Supply Agreement"] * 2
