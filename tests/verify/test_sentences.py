"""Sentences regrouped from the pipeline's facts: a split inside a name is undone."""

from __future__ import annotations

import pytest

from kgsynth.nlp.facts import FoundMention, TextFacts
from kgsynth.verify.sentences import sentences
from tests.verify.conftest import found_mention

TEXT = "1634: The Bavarian Crisis was written by Eric Flint. It is a novel by Eric Flint."


def _mention(text: str, sentence: tuple[int, int], occurrence: int = 0) -> FoundMention:
    return found_mention(text, TEXT, sentence, last=occurrence > 0, method="gazetteer")


@pytest.mark.parametrize(
    ("split_inside_name", "expected"),
    [
        (True, [(0, 52, [0, 1]), (53, 82, [2])]),  # the parser ended a sentence after "1634:"
        (False, [(0, 52, [0, 1]), (53, 82, [2])]),
    ],
)
def test_sentences_split_inside_a_name_is_joined(split_inside_name, expected):
    first = (0, 5) if split_inside_name else (0, 52)
    second = (6, 52) if split_inside_name else (0, 52)
    facts = TextFacts(
        text=TEXT,
        mentions=(
            _mention("1634: The Bavarian Crisis", first),
            _mention("Eric Flint", second),
            _mention("Eric Flint", (53, 82), occurrence=1),
        ),
    )
    assert [(s.start, s.end, s.mentions) for s in sentences(facts)] == expected
