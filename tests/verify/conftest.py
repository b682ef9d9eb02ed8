"""A small medical graph in a real SQLite store, and a fast claim pipeline (blank spaCy + gazetteer)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kgsynth.model import (
    Claim,
    Entity,
    EntityType,
    Evidence,
    GraphBatch,
    LinkedMention,
    Relation,
    RelationType,
    Schema,
)
from kgsynth.nlp import ExtractionPipeline, build_pipeline
from kgsynth.nlp.facts import FoundMention
from kgsynth.store import GraphStore, open_store
from kgsynth.verify.store_names import write_store_lexicon

SCHEMA = Schema(
    name="verify-fixture",
    entity_types=(
        EntityType(name="Chemical"),
        EntityType(name="Drug", parents=("Chemical",)),
        EntityType(name="DrugClass"),
        EntityType(name="Disease"),
        EntityType(name="Symptom"),
    ),
    relation_types=(
        RelationType(
            name="treats",
            domain=("Drug",),
            range=("Disease", "Symptom"),
            inverse_of="treated_by",
            synonyms=("treat", "relieves"),
        ),
        RelationType(
            name="treated_by",
            label="treated by",
            domain=("Disease", "Symptom"),
            range=("Drug",),
            synonyms=("treated with",),
        ),
        RelationType(
            name="causes", domain=("Chemical",), range=("Disease", "Symptom"), synonyms=("induces",)
        ),
        RelationType(
            name="interacts_with", label="interacts with", domain=("Drug",), range=("Drug",), symmetric=True
        ),
        RelationType(
            name="belongs_to_class",
            label="belongs to class",
            domain=("Drug",),
            range=("DrugClass",),
            functional=True,
            synonyms=("is a",),
        ),
        RelationType(name="has_symptom", label="has symptom", domain=("Disease",), range=("Symptom",)),
    ),
)

ENTITIES = (
    Entity.make("Drug", "aspirin", aliases=("acetylsalicylic acid", "ASA")),
    Entity.make("Drug", "warfarin"),
    Entity.make("Drug", "ibuprofen"),
    Entity.make("Drug", "lithium"),
    Entity.make("Drug", "cocaine"),
    Entity.make("DrugClass", "NSAID"),
    Entity.make("DrugClass", "opioid"),
    Entity.make("Symptom", "headache"),
    Entity.make("Symptom", "tremor"),
    Entity.make("Disease", "migraine"),
    Entity.make("Disease", "seizure"),
)


def fact(
    subject: str, predicate: str, object_: str, negated: bool = False, doc: str = "doc:notes"
) -> Relation:
    """A relation read from one invented sentence of ``doc``."""
    sentence = f"{subject} {'does not ' if negated else ''}{predicate} {object_}."
    return Relation(
        subject=subject,
        predicate=predicate,
        object=object_,
        negated=negated,
        evidence=(
            Evidence(document_id=doc, start=0, end=len(sentence), sentence=sentence, extractor="fixture"),
        ),
    )


FACTS = (
    fact("Drug:aspirin", "treats", "Symptom:headache", doc="doc:aspirin-leaflet"),
    fact("Drug:aspirin", "treats", "Disease:migraine"),
    fact("Drug:warfarin", "interacts_with", "Drug:aspirin"),  # symmetric: stored one way only
    fact("Drug:aspirin", "belongs_to_class", "DrugClass:nsaid"),
    fact("Drug:cocaine", "causes", "Disease:seizure"),
    fact("Drug:ibuprofen", "causes", "Disease:seizure", negated=True),
    fact("Drug:lithium", "causes", "Symptom:tremor"),
)


@pytest.fixture
def graph(tmp_path):
    """The fixture graph in a SQLite file."""
    with open_store(str(tmp_path / "kg.db")) as store:
        store.ensure_schema(SCHEMA)
        store.write(GraphBatch(entities=ENTITIES, relations=FACTS))
        yield store


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory) -> ExtractionPipeline:
    """A blank-English claim pipeline whose gazetteer knows the fixture graph's names."""
    folder: Path = tmp_path_factory.mktemp("pipeline")
    with open_store(":memory:") as store:
        store.ensure_schema(SCHEMA)
        store.write(GraphBatch(entities=ENTITIES))
        write_store_lexicon(store, SCHEMA, folder / "lexicon.tsv")
    return build_pipeline(SCHEMA, model="blank", lexicon=folder / "lexicon.tsv")


def mention(text: str, entity_id: str | None, start: int = 0, type_: str | None = None) -> LinkedMention:
    """A mention linked by hand (``entity_id=None``: not linked)."""
    return LinkedMention(
        text=text,
        start=start,
        end=start + len(text),
        type=type_,
        entity_id=entity_id,
        method="name" if entity_id else "",
        score=1.0 if entity_id else 0.0,
    )


def claim(subject: LinkedMention, predicate: str, object_: LinkedMention, negated: bool = False) -> Claim:
    """A claim built by hand, spanning both mentions."""
    start, end = min(subject.start, object_.start), max(subject.end, object_.end)
    return Claim(
        text=f"{subject.text} {predicate} {object_.text}",
        start=start,
        end=end,
        subject=subject,
        predicate=predicate,
        object=object_,
        negated=negated,
    )


def found_mention(
    text: str,
    within: str,
    sentence: tuple[int, int] | None = None,
    *,
    last: bool = False,
    method: str = "ner:TEST",
) -> FoundMention:
    """A pipeline mention of ``text`` in ``within`` (its last occurrence if ``last``), typed Thing."""
    start = within.rindex(text) if last else within.index(text)
    start_sentence, end_sentence = sentence if sentence is not None else (0, len(within))
    return FoundMention(
        start=start,
        end=start + len(text),
        text=text,
        type="Thing",
        canonical=text,
        method=method,
        sentence_start=start_sentence,
        sentence_end=end_sentence,
    )


@contextmanager
def thing_graph(
    folder: Path, schema: Schema, names: dict[str, str], facts: tuple[tuple[str, str, str], ...]
) -> Iterator[tuple[GraphStore, ExtractionPipeline, dict[str, Entity]]]:
    """A store of ``Thing`` entities (key -> name) and facts between keys, with a blank pipeline whose
    gazetteer holds the store's names."""
    entities = {key: Entity.make("Thing", name) for key, name in names.items()}
    with open_store(str(folder / "kg.db")) as store:
        store.ensure_schema(schema)
        store.write(
            GraphBatch(
                entities=tuple(entities.values()),
                relations=tuple(
                    Relation(subject=entities[s].id, predicate=p, object=entities[o].id) for s, p, o in facts
                ),
            )
        )
        write_store_lexicon(store, schema, folder / "lexicon.tsv")
        yield store, build_pipeline(schema, model="blank", lexicon=folder / "lexicon.tsv"), entities
