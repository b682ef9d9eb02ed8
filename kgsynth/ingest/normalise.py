"""Unicode and whitespace normalisation of a document's text, before it is stored.

The normalised text is what ``Document.text`` holds, and every offset kgsynth records (chunks,
mentions, evidence) indexes it; so no mapping back to the raw file is needed to show a span.
Paragraph breaks survive as ``"\\n\\n"`` because the chunker splits on them; every other run of
whitespace, single line breaks of hard-wrapped text included, becomes one space so that
sentences wrapped across lines read as one sentence.
"""

from __future__ import annotations

import re
import unicodedata

#: A blank line (possibly holding spaces) between two lines: a paragraph break.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_WHITESPACE = re.compile(r"\s+")
#: C0/C1 control characters other than tab and newline (form feeds and the like from PDFs or
#: old text files); they become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

PARAGRAPH_SEPARATOR = "\n\n"


def normalise_document_text(raw: str) -> str:
    """NFKC-normalise ``raw``, keep paragraph breaks as ``"\\n\\n"``, collapse all other whitespace.

    Example:
        >>> normalise_document_text("ﬁrst  line\\nwrapped.\\r\\n\\r\\n\\tSecond ¶")
        'first line wrapped.\\n\\nSecond ¶'
    """
    text = unicodedata.normalize("NFKC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _CONTROL.sub(" ", text)
    paragraphs = (_WHITESPACE.sub(" ", block).strip() for block in _PARAGRAPH_BREAK.split(text))
    return PARAGRAPH_SEPARATOR.join(p for p in paragraphs if p)
