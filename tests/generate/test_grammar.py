"""Grammar of rendered text: articles, plurals, capitals, spacing, and phrases from relation labels."""

from __future__ import annotations

import re

import pytest

from kgsynth.generate.grammar import (
    capitalise,
    indefinite_article,
    plural,
    plural_predicate,
    tidy,
    type_label,
    with_article,
    with_the,
    words_of,
)
from kgsynth.generate.phrases import english_phrase
from kgsynth.model import Sample
from tests.generate.test_factory import FIXTURES, all_samples


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("aspirin", "an aspirin"),
        ("ACE inhibitor", "an ACE inhibitor"),
        ("drug", "a drug"),
        ("NSAID", "an NSAID"),
        ("MRI scan", "an MRI scan"),
        ("DNA test", "a DNA test"),
        ("UN treaty", "a UN treaty"),
        ("hour", "an hour"),
        ("honest broker", "an honest broker"),
        ("European court", "a European court"),
        ("university", "a university"),
        ("uninsured party", "an uninsured party"),
        ("umbrella clause", "an umbrella clause"),
        ("one-off payment", "a one-off payment"),
        ("X-ray", "an X-ray"),
        ("8-hour shift", "an 8-hour shift"),
        ("11-year term", "an 11-year term"),
        ("18 month term", "an 18 month term"),
        ("1 year term", "a 1 year term"),
        ("the Supply Agreement", "the Supply Agreement"),
        ("an agreement", "an agreement"),
    ],
)
def test_with_article_picks_a_or_an_by_sound(phrase: str, expected: str) -> None:
    assert with_article(phrase) == expected


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("drug", "drugs"),
        ("drug class", "drug classes"),
        ("body part", "body parts"),
        ("party", "parties"),
        ("day", "days"),
        ("person", "people"),
        ("diagnosis", "diagnoses"),
        ("NSAID", "NSAIDs"),
        ("species", "species"),
        ("adverse effect of", "adverse effects of"),
        ("party to", "parties to"),
        ("box", "boxes"),
        ("entity", "entities"),
    ],
)
def test_plural_changes_the_head_noun(noun: str, expected: str) -> None:
    assert plural(noun) == expected


def test_plural_of_one_is_unchanged() -> None:
    assert plural("drug class", 1) == "drug class"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("a party to", "parties to"),
        ("an adverse effect of", "adverse effects of"),
        ("treated by", "treated by"),
    ],
)
def test_plural_predicate_agrees_with_a_plural_subject(phrase: str, expected: str) -> None:
    assert plural_predicate(phrase) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aspirin treats headache.", "Aspirin treats headache."),
        ("mRNA vaccines work.", "mRNA vaccines work."),
        ("iPhone sales", "iPhone sales"),
        ("“aspirin” is a drug.", "“Aspirin” is a drug."),
        ("ACE inhibitor", "ACE inhibitor"),
        ("2 drugs", "2 drugs"),
    ],
)
def test_capitalise_the_sentence_start_unless_mixed_case(text: str, expected: str) -> None:
    assert capitalise(text) == expected


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        ("  which  drug\n  treats headache ?  ", "en", "Which drug treats headache?"),
        ("name one ( or more ) drugs .", "en", "Name one (or more) drugs."),
        ("aspirin 可以 治疗 哪种 疾病 ？", "zh", "aspirin 可以 治疗 哪种 疾病？"),
        ("question\x1eA. one\x1eB. two", "en", "Question\nA. one\nB. two"),
    ],
)
def test_tidy_spacing_and_capitals(raw: str, language: str, expected: str) -> None:
    assert tidy(raw, language) == expected


def test_tidy_leaves_an_answer_uncapitalised() -> None:
    assert tidy("aspirin", sentence=False) == "aspirin"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("has_symptom", "has symptom"),
        ("birthPlace", "birth place"),
        ("ATCCode", "ATC code"),
        ("isPartOf", "is part of"),
    ],
)
def test_words_of_splits_snake_and_camel_case(name: str, expected: str) -> None:
    assert words_of(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"), [("DrugClass", "drug class"), ("Thing", "entity"), ("MRIScan", "MRI scan")]
)
def test_type_label_from_a_type_name(name: str, expected: str) -> None:
    assert type_label(name) == expected


def test_with_the_keeps_an_existing_article() -> None:
    assert (with_the("Supply Agreement"), with_the("The Agreement")) == (
        "the Supply Agreement",
        "The Agreement",
    )


@pytest.mark.parametrize(
    ("label", "kind", "form"),
    [
        ("treats", "verb", "treat"),
        ("interacts_with", "verb", "interact with"),
        ("causes", "verb", "cause"),
        ("treated_by", "be", "treated by"),
        (
            "located in the administrative territorial entity",
            "be",
            "located in the administrative territorial entity",
        ),
        ("party_to", "be", "a party to"),
        ("adverse_effect_of", "be", "an adverse effect of"),
        ("isPartOf", "be", "part of"),
        ("member of sports team", "be", "a member of sports team"),
        ("has_symptom", "has", "symptom"),
        ("effective_date", "noun", "effective date"),
        ("birthPlace", "noun", "birth place"),
        ("belongs_to_class", "opaque", ""),
        ("starring", "opaque", ""),
    ],
)
def test_english_phrase_from_a_relation_label(label: str, kind: str, form: str) -> None:
    phrase = english_phrase(label)
    assert phrase.kind == kind
    assert {"verb": phrase.verb, "be": phrase.be, "has": phrase.noun, "noun": phrase.noun, "opaque": ""}[
        kind
    ] == form


# ------------------------------------------------------------------ grammar of generated English

_ARTICLE_WORD = re.compile(r"\b(a|an) ([\w“\"'-]+)")


def _english_texts() -> list[str]:
    texts = []
    for fixture in FIXTURES.values():
        sample: Sample
        for sample in all_samples(fixture, "en"):
            texts.append(sample.question)
            texts.extend(step.text for step in sample.reasoning)
    return texts


@pytest.fixture(scope="module")
def english_texts() -> list[str]:
    return _english_texts()


def test_generated_articles_agree_with_the_next_word(english_texts: list[str]) -> None:
    wrong = [
        text
        for text in english_texts
        for article, word in _ARTICLE_WORD.findall(text)
        if article != indefinite_article(word)
    ]
    assert wrong == []


def test_generated_text_never_says_a_aspirin(english_texts: list[str]) -> None:
    assert not [t for t in english_texts if re.search(r"\ba (aspirin|ACE|influenza|arthritis)\b", t)]


def test_generated_text_has_no_double_spaces_or_space_before_punctuation(english_texts: list[str]) -> None:
    assert not [t for t in english_texts if "  " in t or re.search(r" [?.,!;:]", t)]


def test_generated_sentences_start_with_a_capital(english_texts: list[str]) -> None:
    assert not [t for t in english_texts if t[0].islower()]


def test_generated_sentences_end_with_punctuation(english_texts: list[str]) -> None:
    assert not [t for t in english_texts if t.split("\n")[0][-1] not in ".?"]


def test_generated_lisinopril_class_reads_an_ace_inhibitor(english_texts: list[str]) -> None:
    assert "Lisinopril is an ACE inhibitor." in english_texts
