"""The claim pipeline: the ontology's extraction pipeline, whose gazetteer also knows the graph's names.

An ontology's lexicon names a few hundred well-known things; the graph may hold many
more (everything ingest found, or a whole RDF import), and a claim about an entity the
pipeline cannot see is never read. So by default the gazetteer is given the ontology's
lexicon followed by every stored entity's name and aliases (ontology entries win a
clash), written to a temporary lexicon file for ``kgsynth.nlp.build_pipeline``. Names
the lexicon format cannot hold (a tab, a newline, ``#``) and entities of types outside
the schema are left out and counted; a graph with more than ``max_names`` entities is
not read at all (a warning says so), which keeps start-up bounded on huge graphs.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path

from kgsynth.model import Schema
from kgsynth.nlp import ExtractionPipeline, build_pipeline
from kgsynth.nlp.pipeline import companion_file
from kgsynth.store.base import GraphStore

logger = logging.getLogger(__name__)

#: Graphs with more entities than this are not copied into the gazetteer.
DEFAULT_MAX_NAMES = 500_000
_UNSAFE = ("\t", "\n", "\r", "#")


def write_store_lexicon(
    store: GraphStore,
    schema: Schema,
    path: Path,
    *,
    base: Path | None = None,
    max_names: int = DEFAULT_MAX_NAMES,
) -> int:
    """Write ``base`` (a lexicon file) and then the store's entity names to ``path``; return names written."""
    lines: list[str] = [base.read_text(encoding="utf-8").rstrip("\n")] if base is not None else []
    rows, left_out = _entity_rows(store, {t.name for t in schema.entity_types}, max_names)
    if rows is None:
        logger.warning(
            "check: the graph has more than %d entities: their names are not added to the gazetteer "
            "(claims about entities the ontology lexicon does not know are not read)",
            max_names,
        )
        rows = []
    path.write_text("\n".join(lines + rows) + "\n", encoding="utf-8")
    if left_out:
        logger.info(
            "check: %d graph entities left out of the gazetteer (type outside the schema, or a name "
            "with a tab, newline or #)",
            left_out,
        )
    return len(rows)


def _entity_rows(store: GraphStore, known: set[str], max_names: int) -> tuple[list[str] | None, int]:
    """Lexicon rows for the stored entities, or None past ``max_names`` (read a page at a time)."""
    rows: list[str] = []
    left_out = seen = 0
    for page in store.iter_entities():
        seen += len(page)
        if seen > max_names:
            return None, left_out
        for entity in page:
            if entity.type not in known or any(c in entity.name for c in _UNSAFE) or not entity.name.strip():
                left_out += 1
                continue
            aliases = [
                a for a in entity.aliases if a.strip() and "|" not in a and not any(c in a for c in _UNSAFE)
            ]
            rows.append(
                "\t".join([entity.type, entity.name.strip(), *(["|".join(aliases)] if aliases else [])])
            )
    return rows, left_out


def claim_pipeline(
    schema: Schema,
    store: GraphStore | None = None,
    *,
    model: str = "auto",
    patterns: str | Path | None = None,
    ner_labels: Mapping[str, str] | None = None,
    store_names: bool = True,
    max_names: int = DEFAULT_MAX_NAMES,
) -> ExtractionPipeline:
    """The extraction pipeline for reading claims, its gazetteer seeded with the store's names.

    Raises:
        ConfigError / InputError: as ``kgsynth.nlp.build_pipeline``.
    """
    if store is None or not store_names:
        return build_pipeline(schema, patterns=patterns, model=model, ner_labels=ner_labels)
    with tempfile.TemporaryDirectory(prefix="kgsynth-check-") as folder:
        lexicon = Path(folder) / "lexicon.tsv"
        count = write_store_lexicon(
            store, schema, lexicon, base=companion_file(schema, ".lexicon.tsv"), max_names=max_names
        )
        logger.info("check: gazetteer seeded with %d graph entity names", count)
        return build_pipeline(schema, patterns=patterns, model=model, ner_labels=ner_labels, lexicon=lexicon)
