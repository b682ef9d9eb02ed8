"""build -> export --format jsonl -> import into an empty store gives the same graph, read for read.

The demo medical corpus is built with the real CLI (``--model blank``: rules and gazetteer, fast),
exported, and imported into a new SQLite store; every read a user can make must then agree:
stats, schema, documents, chunks, mentions, entities with aliases and types, relations with all
their evidence (issue 11). A second import of the same dump changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgsynth.cli import app
from kgsynth.store import open_store
from kgsynth.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "docs" / "medical"


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, ["-q", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> tuple[str, str, Path]:
    """(built store, re-imported store, the dump between them)."""
    folder = tmp_path_factory.mktemp("jsonl")
    built, again, dump = str(folder / "built.db"), str(folder / "again.db"), folder / "dump.jsonl"
    invoke("build", str(DEMO), "--ontology", "medical", "--model", "blank", "--store", built)
    invoke("export", "--format", "jsonl", "--store", built, "-o", str(dump))
    invoke("import", str(dump), "--store", again)
    return built, again, dump


def documents(store: SQLiteStore) -> list:
    return [document for page in store.iter_documents() for document in page]


def reads(store: SQLiteStore) -> dict[str, object]:
    """Everything a user can read back, in comparable form."""
    docs = documents(store)
    return {
        "documents": docs,
        "chunks": [store.chunks(document.id) for document in docs],
        "mentions": store.mentions(),
        "entities": [entity for page in store.iter_entities() for entity in page],
        "relations": [relation for page in store.iter_relations(with_evidence=True) for relation in page],
        "schema": store.schema(),
    }


def test_jsonl_roundtrip_keeps_the_stats(stores):
    built, again, _ = stores
    with open_store(built) as first, open_store(again) as second:
        assert first.stats().documents == 38
        assert second.stats() == first.stats()


@pytest.mark.parametrize("read", ["documents", "chunks", "mentions", "entities", "relations", "schema"])
def test_jsonl_roundtrip_keeps_every_read(stores, read):
    built, again, _ = stores
    with SQLiteStore(built) as first, SQLiteStore(again) as second:
        expected = reads(first)[read]
        assert expected  # the demo graph has some of each
        assert reads(second)[read] == expected


def test_jsonl_roundtrip_keeps_aliases_and_evidence(stores):
    built, again, _ = stores
    with SQLiteStore(again) as second:
        entities = reads(second)["entities"]
        relations = reads(second)["relations"]
    with open_store(built) as first:
        evidence = first.stats().evidence
    assert any(entity.aliases for entity in entities)
    assert sum(len(relation.evidence) for relation in relations) == evidence


def test_jsonl_dump_has_a_line_for_every_chunk_and_mention(stores):
    built, _, dump = stores
    kinds = [json.loads(line)["kind"] for line in dump.read_text(encoding="utf-8").splitlines()]
    with open_store(built) as store:
        stats = store.stats()
    assert (kinds.count("document"), kinds.count("chunk"), kinds.count("mention")) == (
        stats.documents,
        stats.chunks,
        stats.mentions,
    )


def test_jsonl_reimport_changes_nothing_and_counts_the_types(stores, tmp_path):
    built, again, dump = stores
    copy = tmp_path / "copy.db"
    copy.write_bytes(Path(again).read_bytes())
    report = json.loads(
        CliRunner().invoke(app, ["-q", "import", str(dump), "--store", str(copy), "--json"]).stdout
    )
    with open_store(built) as first, open_store(str(copy)) as second:
        assert second.stats() == first.stats()
        schema = first.schema()
    assert (report["entity_types"], report["relation_types"]) == (
        len(schema.entity_types),
        len(schema.relation_types),
    )
