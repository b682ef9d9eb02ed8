"""names_in: the one definition of "this text names that entity" for generation and QC."""

from __future__ import annotations

import pytest

from kgsynth.names import names_in


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("aspirin", "Does Aspirin treat fever?", True),
        ("aspirin", "Is aspirin-like relief enough?", True),
        ("ASA", "What does asa cause?", True),
        ("pain", "Which painkiller treats it?", False),
        ("lithium", "What does lithium_carbonate treat?", False),
        ("", "anything", False),
        ("阿司匹林", "阿司匹林可以治疗什么?", True),
        ("阿司匹林", "布洛芬可以治疗什么?", False),
        # a Latin name right against Chinese characters is still a whole word
        ("digoxin", "请解释nausea与digoxin之间的联系。", True),
        ("digoxin", "与digoxins之间", False),
        ("nausea", "请解释nausea与digoxin之间的联系。", True),
    ],
)
def test_names_in_matches_whole_words_case_insensitively(name, text, expected):
    assert names_in(name, text) is expected
