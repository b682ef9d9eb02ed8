"""build(): offsets, resolution, schema checks, idempotence, replacement, resume, shards, remove.

Every test builds into a real SQLite store; extraction is the ``RegexPipeline`` test double
(same interface as kgsynth.nlp's pipeline, exact and instant), so each expected value below
follows from the input text alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgsynth.errors import ConfigError, ExtractionError, InputError, StoreError
from kgsynth.ingest import BuildProgress, Shard, build, remove
from kgsynth.model import GraphStats, Schema
from kgsynth.store import GraphStore, open_store
from tests.ingest.files import write_jsonl, write_pdf, write_pubtator
from tests.ingest.regex_pipeline import RegexPipeline

REPO = Path(__file__).resolve().parents[2]

CORPUS = {
    "a.txt": "Aspirin treats headache. Aspirin interacts with warfarin.",
    "b.txt": "Warfarin causes bleeding.\n\nLithium causes tremor.",
    "c.txt": "ASA causes bleeding. Aspirin treats migraine.",
    "d.txt": "Warfarin may cause bleeding. Aspirin does not treat tremor.",
    "e.txt": "Acetylsalicylic acid treats migraine.",
}


def write_corpus(folder: Path, files: dict[str, str] = CORPUS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    with open_store(str(tmp_path / "kg.db")) as graph:
        yield graph


def built(folder: Path, store: GraphStore, schema: Schema, **options: object):
    return build([folder], store, schema, pipeline=options.pop("pipeline", RegexPipeline()), **options)


def graph_of(store: GraphStore) -> tuple[GraphStats, list, list]:
    """Everything a build writes, comparable across stores."""
    relations = [r for page in store.iter_relations() for r in page]
    entities = [e for page in store.iter_entities() for e in page]
    return store.stats(), entities, relations


# --------------------------------------------------------------------------- what is written


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "jsonl", "pdf", "pubtator"])
def test_build_mentions_index_the_stored_text(
    tmp_path: Path, store: GraphStore, schema: Schema, fmt: str
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    sentence = "Aspirin treats headache."
    if fmt == "txt":
        (folder / "a.txt").write_text(f"Intro  line.\n\n  {sentence}\n", encoding="utf-8")
    elif fmt == "md":
        (folder / "a.md").write_text("# Intro line\n\n**Aspirin** treats *headache*.\n", encoding="utf-8")
    elif fmt == "html":
        html = f"<nav>Menu</nav><h1>Intro line</h1><p>{sentence}</p>"
        (folder / "a.html").write_text(html, encoding="utf-8")
    elif fmt == "jsonl":
        write_jsonl(folder / "a.jsonl", [{"id": "x", "text": f"Intro line.\n\n{sentence}"}])
    elif fmt == "pdf":
        write_pdf(folder / "a.pdf", ["Intro line.", sentence])
    else:
        write_pubtator(folder / "a.pubtator", [("123", "Intro line.", sentence)])
    built(folder, store, schema)
    (document_id,) = [m.document_id for m in store.mentions()][:1]
    text = store.get_document(document_id).text
    mentions = store.mentions(document_id=document_id)
    assert [(m.text, text[m.start : m.end], m.sentence) for m in mentions] == [
        ("Aspirin", "Aspirin", sentence),
        ("headache", "headache", sentence),
    ]


def test_build_evidence_spans_subject_to_object_within_the_sentence(
    tmp_path: Path, store: GraphStore, schema: Schema
) -> None:
    write_corpus(tmp_path / "docs", {"a.txt": "Intro. Today aspirin treats headache quickly."})
    built(tmp_path / "docs", store, schema)
    (relation,) = store.relations(predicate="treats")
    (evidence,) = relation.evidence
    text = store.get_document(evidence.document_id).text
    assert (text[evidence.start : evidence.end], evidence.sentence, evidence.extractor) == (
        "aspirin treats headache",
        "Today aspirin treats headache quickly.",
        "pattern:treats:regex",
    )


def test_build_resolves_aliases_to_one_entity(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    built(write_corpus(tmp_path / "docs"), store, schema)
    aspirin = store.get_entity("Drug:aspirin")
    assert (aspirin.name, sorted(aspirin.aliases)) == ("aspirin", ["ASA", "Acetylsalicylic acid"])
    assert store.stats().entities_by_type == {"Disease": 1, "Drug": 3, "Symptom": 3}


def test_build_keeps_negated_and_hedged_relations(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    built(write_corpus(tmp_path / "docs"), store, schema)
    negated = store.relations(negated=True)
    assert [(r.subject, r.predicate, r.object) for r in negated] == [
        ("Drug:aspirin", "treats", "Symptom:tremor")
    ]
    bleeding = store.holds("Drug:warfarin", "causes", "Symptom:bleeding")
    assert (bleeding.hedged, len(bleeding.evidence)) == (False, 2)  # read hedged once, plainly once


def test_build_orders_symmetric_relations_one_way(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    files = {"a.txt": "Aspirin interacts with warfarin.", "b.txt": "Warfarin interacts with aspirin."}
    built(write_corpus(tmp_path / "docs", files), store, schema)
    relations = store.relations(predicate="interacts_with")
    assert [(r.subject, r.object, len(r.evidence)) for r in relations] == [
        ("Drug:aspirin", "Drug:warfarin", 2)
    ]


def test_build_counts_what_the_schema_rejects_by_reason(
    tmp_path: Path, store: GraphStore, schema: Schema
) -> None:
    files = {"a.txt": "Headache treats aspirin. Aspirin cures migraine. Aspirin causes knee. Knee hurts."}
    report = built(write_corpus(tmp_path / "docs", files), store, schema)
    assert report.dropped == {
        "causes relations with an argument outside the ontology": 1,
        "cures relations (not in the ontology)": 1,
        "mentions of type BodyPart (not in the ontology)": 2,
        "treats relations with a Symptom subject (domain: Drug)": 1,
    }
    assert store.stats().relations == 0


def test_build_strict_refuses_a_document_with_a_dropped_fact(
    tmp_path: Path, store: GraphStore, schema: Schema
) -> None:
    files = {"a.txt": "Aspirin treats headache.", "b.txt": "Headache treats aspirin."}
    with pytest.raises(ExtractionError, match=r"b\.txt: dropped treats relations with a Symptom subject"):
        built(write_corpus(tmp_path / "docs", files), store, schema, strict=True)
    assert store.stats().documents == 1


def test_build_report_counts(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    report = built(write_corpus(tmp_path / "docs"), store, schema)
    counts = (report.documents_read, report.documents_built, report.chunks, report.mentions, report.relations)
    assert counts == (5, 5, 5, 18, 9)
    assert report.words == sum(len(text.split()) for text in CORPUS.values())


def test_build_progress_reports_each_document(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    seen: list[BuildProgress] = []
    built(write_corpus(tmp_path / "docs"), store, schema, progress=seen.append)
    assert [(p.documents, p.built) for p in seen] == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]


# --------------------------------------------------------------------------- bad input


def test_build_skips_bad_inputs_and_counts_them(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    folder = write_corpus(tmp_path / "docs", {"good.txt": "Aspirin treats headache."})
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02")
    write_jsonl(folder / "notes.jsonl", ["{broken", {"text": "Lithium causes tremor."}])
    report = built(folder, store, schema)
    assert (report.documents_built, report.skipped_count) == (2, 3)
    assert [str(s).removeprefix(folder.as_posix() + "/") for s in report.skipped] == [
        "binary.txt: binary file (contains NUL bytes), not text",
        "empty.txt: empty file",
        "notes.jsonl, line 1: not valid JSON (Expecting property name enclosed in double quotes, column 2)",
    ]


def test_build_strict_stops_at_the_first_bad_input(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    folder = write_corpus(tmp_path / "docs", {"a.txt": "Aspirin treats headache.", "b.txt": ""})
    with pytest.raises(InputError, match=r"b\.txt: empty file \(--strict stops"):
        built(folder, store, schema, strict=True)


def test_build_refuses_a_missing_path_before_writing(
    tmp_path: Path, store: GraphStore, schema: Schema
) -> None:
    folder = write_corpus(tmp_path / "docs")
    with pytest.raises(InputError, match=r'input ".*missing" does not exist'):
        build([folder, tmp_path / "missing"], store, schema, pipeline=RegexPipeline())
    assert (store.stats().documents, store.schema().entity_types) == (0, ())


# --------------------------------------------------------------------------- incremental semantics


def test_build_twice_leaves_identical_counts(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    folder = write_corpus(tmp_path / "docs")
    built(folder, store, schema)
    before = graph_of(store)
    pipeline = RegexPipeline()
    report = built(folder, store, schema, pipeline=pipeline)
    assert graph_of(store) == before
    assert (report.documents_built, report.documents_unchanged, pipeline.texts_seen) == (0, 5, 0)


def test_build_is_deterministic_across_stores(tmp_path: Path, schema: Schema) -> None:
    folder = write_corpus(tmp_path / "docs")
    graphs = []
    for name in ("one.db", "two.db"):
        with open_store(str(tmp_path / name)) as graph:
            built(folder, graph, schema)
            graphs.append(graph_of(graph))
    assert graphs[0] == graphs[1]


@pytest.mark.skipif(
    not hasattr(type(open_store(":memory:")), "document_ids"),
    reason="GraphStore.document_ids(source) is not in the SQLite backend yet (issue 3)",
)
def test_build_changed_document_replaces_its_old_facts(
    tmp_path: Path, store: GraphStore, schema: Schema
) -> None:
    files = {"a.txt": "Lithium causes tremor.", "b.txt": "Aspirin treats headache."}
    folder = write_corpus(tmp_path / "docs", files)
    built(folder, store, schema)
    (folder / "a.txt").write_text("Warfarin causes bleeding.", encoding="utf-8")
    report = built(folder, store, schema)
    assert (report.documents_built, report.documents_replaced) == (1, 1)
    assert store.holds("Drug:lithium", "causes", "Symptom:tremor") is None
    assert store.get_entity("Drug:lithium") is None
    assert store.holds("Drug:warfarin", "causes", "Symptom:bleeding") is not None
    assert store.stats().documents == 2


def test_build_resumes_after_a_crash_mid_build(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    folder = write_corpus(tmp_path / "docs", {**CORPUS, "c.txt": "ASA causes bleeding. CRASH HERE."})
    with pytest.raises(RuntimeError, match="simulated crash"):
        built(folder, store, schema, pipeline=RegexPipeline(fail_on="CRASH"))
    sources = sorted(Path(store.get_document(m.document_id).source).name for m in store.mentions())
    assert sorted(set(sources)) == ["a.txt", "b.txt"]
    report = built(folder, store, schema)
    assert (report.documents_built, report.documents_unchanged) == (3, 2)
    with open_store(str(tmp_path / "clean.db")) as clean:
        built(folder, clean, schema)
        assert graph_of(store) == graph_of(clean)


_KILL_AFTER_TWO = """
import os, pathlib, signal, sys
from kgsynth.ingest import build
from kgsynth.model import Schema
from kgsynth.store import open_store
from tests.ingest.regex_pipeline import RegexPipeline

def kill_after_two(progress):
    if progress.built == 2:
        os.kill(os.getpid(), signal.SIGKILL)

docs, db, schema = sys.argv[1:]
with open_store(db) as store:
    schema = Schema.model_validate_json(pathlib.Path(schema).read_text())
    build([docs], store, schema, pipeline=RegexPipeline(), progress=kill_after_two)
"""


def test_build_killed_with_sigkill_leaves_whole_documents_and_resumes(
    tmp_path: Path, schema: Schema
) -> None:
    folder = write_corpus(tmp_path / "docs")
    db = str(tmp_path / "kg.db")
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(schema.model_dump_json(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _KILL_AFTER_TWO, str(folder), db, str(schema_file)],
        cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120,
    )
    assert result.returncode == -9, result.stderr
    with open_store(db) as store:
        assert store.stats().documents == 2
        with open_store(str(tmp_path / "two.db")) as two:
            build([folder / "a.txt", folder / "b.txt"], two, schema, pipeline=RegexPipeline())
            assert graph_of(store) == graph_of(two)
        built(folder, store, schema)
        with open_store(str(tmp_path / "clean.db")) as clean:
            built(folder, clean, schema)
            assert graph_of(store) == graph_of(clean)


# --------------------------------------------------------------------------- shards


def test_build_shards_are_disjoint_and_cover_the_corpus(tmp_path: Path, schema: Schema) -> None:
    files = {f"{n:02d}.txt": f"Note {n}: aspirin treats headache." for n in range(12)}
    folder = write_corpus(tmp_path / "docs", files)
    shard_docs = []
    for index in range(3):
        with open_store(str(tmp_path / f"shard{index}.db")) as graph:
            built(folder, graph, schema, shard=Shard(index=index, count=3))
            shard_docs.append({m.document_id for m in graph.mentions()})
    assert sum(len(docs) for docs in shard_docs) == len(set().union(*shard_docs)) == 12


def test_build_shards_into_one_store_equal_a_full_build(tmp_path: Path, schema: Schema) -> None:
    folder = write_corpus(tmp_path / "docs")
    with open_store(str(tmp_path / "sharded.db")) as sharded, open_store(str(tmp_path / "full.db")) as full:
        reports = [built(folder, sharded, schema, shard=Shard(index=i, count=2)) for i in range(2)]
        built(folder, full, schema)
        assert graph_of(sharded) == graph_of(full)
    assert [r.documents_built + r.documents_other_shard for r in reports] == [5, 5]


# --------------------------------------------------------------------------- remove


def test_remove_deletes_the_document_and_facts_only_it_supported(
    tmp_path: Path, store: GraphStore, schema: Schema
) -> None:
    built(write_corpus(tmp_path / "docs"), store, schema)
    (lithium_doc,) = {m.document_id for m in store.mentions(entity_id="Symptom:tremor")} - {
        m.document_id for m in store.mentions(entity_id="Drug:aspirin")
    }
    report = remove(store, lithium_doc)
    assert (report.documents, report.relations, report.entities) == (1, 1, 1)  # lithium is named only there
    assert store.get_entity("Drug:lithium") is None
    assert store.holds("Drug:warfarin", "causes", "Symptom:bleeding") is not None  # also read in d.txt


def test_remove_unknown_document_is_refused(store: GraphStore) -> None:
    with pytest.raises(StoreError, match='no document "doc:nope"'):
        remove(store, "doc:nope")


def test_build_refuses_fewer_than_one_worker(tmp_path: Path, store: GraphStore, schema: Schema) -> None:
    with pytest.raises(ConfigError, match="workers must be at least 1, got 0"):
        built(write_corpus(tmp_path / "docs"), store, schema, workers=0)
