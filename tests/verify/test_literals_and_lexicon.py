"""Stored spellings of numbers and dates; relation words derived from a schema."""

from __future__ import annotations

import pytest

from kgsynth.model import RelationType, Schema
from kgsynth.verify.lexicon import RelationLexicon, relation_label, stem
from kgsynth.verify.literals import literal_forms


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("1,219", ["1219", "1219.0"]),
        ("4100", ["4100.0"]),
        ("4100.0", ["4100"]),
        ("52 minutes", ["52", "52.0"]),
        ("July 21 1998", ["1998-07-21"]),
        ("21st of July, 1998", ["1998-07-21"]),
        ("March 2009", ["2009-03"]),
        ("1998-07-21", []),
        ("aspirin", []),
    ],
)
def test_literals_forms_of_numbers_and_dates(text, forms):
    assert literal_forms(text) == forms


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("leaderName", "leader name"),
        ("ISBN_number", "isbn number"),
        ("was_a_crew_member_of", "was a crew member of"),
    ],
)
def test_lexicon_label_from_identifier(name, label):
    assert relation_label(RelationType(name=name)) == label


@pytest.mark.parametrize(
    ("word", "expected"),
    [("club", "club"), ("birth", "birth"), ("location", "locat"), ("contraindicated", "contraindica")],
)
def test_lexicon_stem_keeps_all_but_three_letters_of_long_words(word, expected):
    assert stem(word) == expected


LEXICON = RelationLexicon(
    Schema(
        relation_types=(
            RelationType(name="location"),
            RelationType(name="leaderName"),
            RelationType(name="contraindicated_for", label="contraindicated for"),
            RelationType(name="treats", synonyms=("controls",)),
        )
    )
)


@pytest.mark.parametrize(
    ("text", "relations"),
    [
        ("The airport is located in Tirstrup.", {"location"}),
        ("The leader of Aarhus is Jacob Bundsgaard.", {"leaderName"}),
        ("Its name is Aarhus.", set()),  # generic words never count
        ("Insulin controls diabetes.", {"treats"}),  # "controls" is not "contraindicated"
    ],
)
def test_lexicon_mentioned_relations(text, relations):
    assert LEXICON.mentioned(text) == relations


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("The memorial is made of red granite.", "material"),
        ("He served as a test pilot.", "occupation"),
        ("The league was won by Carpi.", "champions"),
        ("Locally it is known as Türk Şehitleri Anıtı.", "nativeName"),
    ],
)
def test_lexicon_paraphrases_of_label_words_signal_the_relation(text, relation):
    schema = Schema(
        relation_types=tuple(
            RelationType(name=n) for n in ("material", "occupation", "champions", "nativeName")
        )
    )
    assert relation in RelationLexicon(schema).mentioned(text)
