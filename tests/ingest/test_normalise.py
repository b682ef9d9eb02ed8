"""Text normalisation: NFKC, whitespace, paragraph breaks."""

from __future__ import annotations

import pytest

from kgsynth.ingest import normalise_document_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﬁbrosis", "fibrosis"),  # ligature (NFKC)
        ("10\u00a0mg", "10 mg"),  # no-break space
        ("ＡＳＡ", "ASA"),  # full-width letters
        ("wrapped\nline", "wrapped line"),
        ("one\r\n\r\ntwo", "one\n\ntwo"),
        ("one\n \n\n\t\ntwo", "one\n\ntwo"),
        ("page one\fpage two", "page one\n\npage two"),
        ("  tabs\tand   spaces  ", "tabs and spaces"),
        ("bell\x07char", "bell char"),
        ("\n\n  \n", ""),
    ],
)
def test_normalise_document_text(raw: str, expected: str) -> None:
    assert normalise_document_text(raw) == expected


def test_normalise_document_text_is_idempotent() -> None:
    once = normalise_document_text("ﬁrst  line\nwrapped.\r\n\r\n\tSecond ¶ ＡＳＡ")
    assert normalise_document_text(once) == once
