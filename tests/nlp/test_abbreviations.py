"""Short forms defined in the text and linked to their long form."""

from __future__ import annotations

import pytest

from kgsynth.nlp import ExtractionPipeline
from kgsynth.nlp.abbreviations import is_abbreviation_of

from .conftest import mention_view


@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [
        ("ASA", "acetylsalicylic acid", True),
        ("VPA", "valproic acid", True),
        ("LID", "levodopa-induced dyskinesia", True),
        ("CsA", "cyclosporin A", True),
        ("XYZ", "valproic acid", False),
        ("AV", "valproic acid", False),
        ("12", "twelve", False),
    ],
)
def test_is_abbreviation_of_follows_schwartz_hearst(short: str, long: str, expected: bool) -> None:
    assert is_abbreviation_of(short, long) is expected


def test_abbreviation_recurring_later_gets_the_long_form(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("Valproic acid (VPA) was given. Later VPA was stopped.")
    assert mention_view(facts)[1:] == [
        ("VPA", "Chemical", "Valproic acid", "abbreviation"),
        ("VPA", "Chemical", "Valproic acid", "abbreviation"),
    ]


def test_abbreviation_long_form_may_extend_before_the_mention(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("Warfarin-associated hepatitis (WAH) is rare. WAH resolved.")
    assert [(m.text, m.type, m.canonical) for m in facts.mentions if m.text == "WAH"] == [
        ("WAH", "Disease", "Warfarin-associated hepatitis")
    ] * 2


def test_letters_that_do_not_match_are_not_an_abbreviation(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one("Valproic acid (XYZ) was given. Later XYZ was stopped.")
    assert [m.text for m in facts.mentions] == ["Valproic acid"]


def test_quoted_defined_term_links_a_party(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one('Acme Holdings, Inc. (the "Supplier") sells. The Supplier ships.')
    assert [(m.text, m.type, m.canonical, m.method) for m in facts.mentions if m.text == "Supplier"] == [
        ("Supplier", "Organization", "Acme Holdings, Inc.", "abbreviation:defined_term")
    ] * 2


def test_short_form_defined_in_the_text_overrides_the_lexicon(blank_pipeline: ExtractionPipeline) -> None:
    # The test lexicon reads "NO" as nitric oxide; this text defines it otherwise.
    facts = blank_pipeline.extract_one("Rats got nitrous oxide (NO) gas. Later NO was stopped.")
    assert [(m.text, m.canonical) for m in facts.mentions if m.text == "NO"] == [
        ("NO", "nitrous oxide"),
        ("NO", "nitrous oxide"),
    ]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("NO was measured.", []),
        ("Nitric oxide rose; NO fell.", ["NO"]),
    ],
)
def test_lexicon_short_form_needs_its_long_form_in_the_text(
    blank_pipeline: ExtractionPipeline, text: str, kept: list[str]
) -> None:
    assert [m.text for m in blank_pipeline.extract_one(text).mentions if m.text == "NO"] == kept
