"""build_pipeline and ExtractionPipeline: model choice, errors, order, multiprocessing."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from kgsynth.errors import ConfigError, InputError
from kgsynth.model import Schema
from kgsynth.nlp import ExtractionPipeline, build_pipeline, language

TEXTS = [
    "Aspirin (ASA) is indicated for headache.",
    "Warfarin-induced seizures were not observed.",
    "Acme Corp. shall pay $5,000 on January 1, 2020.",
    "",
    "This Agreement shall be governed by the laws of the State of Delaware.",
] * 3


def test_blank_pipeline_names_its_model(blank_pipeline: ExtractionPipeline) -> None:
    assert blank_pipeline.model_name == "blank:en"


def test_blank_pipeline_has_the_kgsynth_components(blank_pipeline: ExtractionPipeline) -> None:
    assert blank_pipeline.nlp.pipe_names == [
        "sentencizer",
        "kgsynth_paragraphs",
        "kgsynth_gazetteer",
        "kgsynth_medical_terms",
        "kgsynth_legal_terms",
        "kgsynth_mentions",
        "kgsynth_relations",
    ]


def test_blank_fallback_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, test_schema: Schema
) -> None:
    monkeypatch.setattr(language, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="kgsynth.nlp.language"):
        build_pipeline(test_schema, model="blank")
        build_pipeline(test_schema, model="blank")
    assert [r.message.split(" (")[0] for r in caplog.records] == [
        "extraction runs on a blank English pipeline with rules only"
    ]


def test_unknown_model_is_refused(test_schema: Schema) -> None:
    with pytest.raises(ConfigError, match='spaCy model "en_core_web_xx" is not installed'):
        build_pipeline(test_schema, model="en_core_web_xx")


def test_missing_patterns_file_is_refused(test_schema: Schema, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r'patterns file ".*nothing\.yaml" does not exist'):
        build_pipeline(test_schema, model="blank", patterns=tmp_path / "nothing.yaml")


def test_malformed_lexicon_names_file_and_line(test_schema: Schema, tmp_path: Path) -> None:
    lexicon = tmp_path / "bad.tsv"
    lexicon.write_text("Drug\taspirin\nPlanet\tMars\n", encoding="utf-8")
    with pytest.raises(InputError, match=r'bad\.tsv, line 2: entity type "Planet" is not in the ontology'):
        build_pipeline(test_schema, model="blank", lexicon=lexicon)


def test_extract_yields_one_result_per_text_in_order(blank_pipeline: ExtractionPipeline) -> None:
    assert [f.text for f in blank_pipeline.extract(TEXTS)] == TEXTS


def test_extract_one_equals_extract(blank_pipeline: ExtractionPipeline) -> None:
    assert [blank_pipeline.extract_one(t) for t in TEXTS[:5]] == list(blank_pipeline.extract(TEXTS[:5]))


def test_mention_offsets_index_the_given_text(blank_pipeline: ExtractionPipeline) -> None:
    facts = blank_pipeline.extract_one(TEXTS[2])
    assert [TEXTS[2][m.start : m.end] for m in facts.mentions] == [m.text for m in facts.mentions]


def test_two_processes_give_the_same_facts_as_one(blank_pipeline: ExtractionPipeline) -> None:
    one = list(blank_pipeline.extract(TEXTS, n_process=1, batch_size=2))
    two = list(blank_pipeline.extract(TEXTS, n_process=2, batch_size=2))
    assert two == one


def test_pipeline_survives_pickling(blank_pipeline: ExtractionPipeline) -> None:
    nlp = pickle.loads(pickle.dumps(blank_pipeline.nlp))
    clone = ExtractionPipeline(nlp=nlp, model_name=blank_pipeline.model_name, schema=blank_pipeline.schema)
    assert clone.extract_one(TEXTS[0]) == blank_pipeline.extract_one(TEXTS[0])


def test_auto_falls_back_to_blank_when_no_model_is_installed(
    monkeypatch: pytest.MonkeyPatch, test_schema: Schema
) -> None:
    monkeypatch.setattr(language, "SMALL_ENGLISH", ("kgsynth_no_such_model",))
    assert build_pipeline(test_schema, model="auto").model_name == "blank:en"
