"""build() with the real kgsynth.nlp pipeline (blank model: rules and gazetteer) on the demo corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgsynth.ingest import build
from kgsynth.nlp import build_pipeline
from kgsynth.ontology import load_ontology
from kgsynth.store import open_store

DEMO = Path(__file__).resolve().parents[2] / "examples" / "docs"


@pytest.fixture(scope="module")
def medical_pipeline():
    return build_pipeline(load_ontology("medical"), model="blank")


def test_build_demo_mentions_and_evidence_index_the_stored_text(tmp_path: Path, medical_pipeline) -> None:
    with open_store(str(tmp_path / "kg.db")) as store:
        build([DEMO / "medical"], store, medical_pipeline.schema, pipeline=medical_pipeline)
        texts = {m.document_id: store.get_document(m.document_id).text for m in store.mentions()}
        mentions = store.mentions()
        evidence = [e for page in store.iter_relations() for r in page for e in r.evidence]
    assert len(texts) == 38 and mentions and evidence
    assert all(texts[m.document_id][m.start : m.end] == m.text for m in mentions)
    assert all(m.text in m.sentence and m.sentence in texts[m.document_id] for m in mentions)
    assert all(e.sentence in texts[e.document_id] for e in evidence)


def test_build_with_two_workers_writes_the_same_graph_as_one(tmp_path: Path, medical_pipeline) -> None:
    graphs = []
    for workers in (1, 2):
        with open_store(str(tmp_path / f"w{workers}.db")) as store:
            schema = medical_pipeline.schema
            build([DEMO / "medical"], store, schema, pipeline=medical_pipeline, workers=workers)
            graphs.append((store.stats(), [r for page in store.iter_relations() for r in page]))
    assert graphs[0] == graphs[1]
