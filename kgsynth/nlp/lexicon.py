"""Instance lexicons: named things of each ontology type, read from a small TSV file.

An ontology names classes and properties, not instances, so the gazetteer also reads an
optional lexicon kept next to the ontology (``ontologies/<name>.lexicon.tsv``). One entry
per line: ``Type<TAB>canonical name[<TAB>synonym|synonym...]``; ``#`` starts a comment.
Synonyms resolve to the canonical name, which is how "ASA" and "aspirin" become one node.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kgsynth.errors import InputError, choices
from kgsynth.model import Schema

logger = logging.getLogger(__name__)


class LexiconEntry(BaseModel):
    """One named instance of an ontology type, with the other names it goes by."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    name: str
    synonyms: tuple[str, ...] = ()


def read_lexicon(path: str | Path, schema: Schema) -> tuple[LexiconEntry, ...]:
    """Read a lexicon TSV; every type must be in ``schema``.

    Raises:
        InputError: naming the file and line of a malformed row or an unknown type.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the lexicon ({exc})") from exc
    entries: list[LexiconEntry] = []
    for number, line in enumerate(lines, 1):
        row = line.split("#", 1)[0].rstrip()
        if not row.strip():
            continue
        fields = row.split("\t")
        if len(fields) not in (2, 3) or not fields[1].strip():
            raise InputError(
                f"{path}, line {number}: expected 'Type<TAB>name[<TAB>synonym|...]', got {row[:80]!r}"
            )
        type_name = fields[0].strip()
        if not schema.has_entity_type(type_name):
            raise InputError(
                f'{path}, line {number}: entity type "{type_name}" is not in the ontology '
                f"{schema.name or ''}. Types present: {choices(t.name for t in schema.entity_types)}."
            )
        synonyms = tuple(s.strip() for s in fields[2].split("|") if s.strip()) if len(fields) == 3 else ()
        entries.append(LexiconEntry(type=type_name, name=fields[1].strip(), synonyms=synonyms))
    logger.debug("read %d lexicon entries from %s", len(entries), path)
    return tuple(entries)
