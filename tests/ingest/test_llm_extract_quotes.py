"""``names.find_spans`` and ``sentence_spans``: how an LLM's quote or name is found back in a chunk."""

from __future__ import annotations

import pytest

from kgsynth.ingest.llm_extract import sentence_spans
from kgsynth.names import find_spans

TEXT = "Aspirin treats \u201ctension\u201d headache \u2013 often. ASA is aspirin; aspirins too."


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("aspirin", ["Aspirin", "aspirin"]),  # whole words only: not inside "aspirins"
        (
            'ASPIRIN treats "tension"   headache - often',
            ["Aspirin treats \u201ctension\u201d headache \u2013 often"],
        ),
        ("  asa  ", ["ASA"]),
        ("spirin", []),
        ("aspirin treats migraine", []),
        ("", []),
    ],
)
def test_find_spans_returns_exact_offsets_after_normalisation(needle, expected) -> None:
    assert [TEXT[start:end] for start, end in find_spans(needle, TEXT)] == expected


def test_find_spans_matches_cjk_as_substrings() -> None:
    text = "阿司匹林可用于治疗头痛。阿司匹林与华法林合用。"
    assert find_spans("阿司匹林", text) == [(0, 4), (12, 16)]


def test_find_spans_maps_compatibility_forms_back_to_the_source_characters() -> None:
    text = "The \ufb01rst dose."  # "ﬁ" is one character that NFKC makes two
    (span,) = find_spans("first dose", text)
    assert text[span[0] : span[1]] == "\ufb01rst dose"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three", ["One.", "Two!", "Three"]),
        ("阿司匹林可用于治疗头痛。华法林可引起出血。", ["阿司匹林可用于治疗头痛。", "华法林可引起出血。"]),
        ("no end mark", ["no end mark"]),
    ],
)
def test_sentence_spans_split_english_and_chinese(text, expected) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


def test_find_spans_finds_a_latin_name_between_chinese_characters() -> None:
    text = "地高辛（digoxin）与hydroxychloroquine之间存在相互作用。"
    assert [text[s:e] for s, e in find_spans("hydroxychloroquine", text)] == ["hydroxychloroquine"]
    assert [text[s:e] for s, e in find_spans("digoxin", text)] == ["digoxin"]
