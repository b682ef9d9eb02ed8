"""The word lists that shape a question, read from ``questions.patterns.yaml`` beside the ontologies.

They live in a data file (not in code) so users can extend them: the determiners that make a
type noun a new unnamed entity ("a certain drug"), a reference back ("this drug") or the
entity asked for ("which drug"); the imperatives that ask for the noun phrase after them
("Name one drug ...") or for the unnamed entity just introduced ("Name one of them."); and
the separators of a list answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from kgsynth.errors import InputError
from kgsynth.nlp.pipeline import ONTOLOGY_DIRS

FILE_NAME = "questions.patterns.yaml"
_LISTS = (
    "generic_nouns",
    "ordinals",
    "ask_verbs",
    "ask_back",
    "asked_words",
    "relative_words",
    "between_words",
    "answer_separators",
)


@dataclass(frozen=True)
class QuestionWords:
    """The lists of ``questions.patterns.yaml`` (see the file for what each one means)."""

    new: tuple[str, ...]
    back: tuple[str, ...]
    asked: tuple[str, ...]
    generic_nouns: tuple[str, ...]
    ordinals: tuple[str, ...]
    ask_verbs: tuple[str, ...]
    ask_back: tuple[str, ...]
    asked_words: tuple[str, ...]
    relative_words: tuple[str, ...]
    between_words: tuple[str, ...]
    answer_separators: tuple[str, ...]


def question_words(path: str | Path | None = None) -> QuestionWords:
    """The shipped word lists, or those of ``path``.

    Raises:
        InputError: the file is missing, not YAML, or lacks a list (which one is named).
    """
    return _load(str(path) if path is not None else str(_shipped()))


def _shipped() -> Path:
    for folder in ONTOLOGY_DIRS:
        if (folder / FILE_NAME).is_file():
            return folder / FILE_NAME
    raise InputError(f"{FILE_NAME} is not installed beside the ontologies; reinstall kgsynth")


@lru_cache(maxsize=8)
def _load(path: str) -> QuestionWords:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the question words ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("determiners"), dict):
        raise InputError(f'{path}: expected a mapping with "determiners" and the word lists')
    determiners = data["determiners"]
    values: dict[str, tuple[str, ...]] = {}
    for key, source in [(k, determiners) for k in ("new", "back", "asked")] + [(k, data) for k in _LISTS]:
        items = source.get(key)
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise InputError(f'{path}: "{key}" must be a list of words')
        values[key] = tuple(i.lower() for i in items) if key != "answer_separators" else tuple(items)
    return QuestionWords(**values)
