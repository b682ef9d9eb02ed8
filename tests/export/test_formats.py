"""Export formats: the shape of each, provenance kept, and loadable with Hugging Face datasets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kgsynth.errors import ConfigError
from kgsynth.export import FORMATS, response_text, write_samples
from kgsynth.model import Sample


def records(samples: list[Sample], format: str, **options: bool) -> list[dict]:
    out = io.StringIO()
    written = write_samples(samples, out, format, **options)  # type: ignore[arg-type]
    lines = out.getvalue().splitlines()
    assert written == len(lines) == len(samples)
    return [json.loads(line) for line in lines]


def test_raw_round_trips_to_the_same_samples(mixed_samples: list[Sample]) -> None:
    out = io.StringIO()
    write_samples(mixed_samples, out, "raw")
    assert [Sample.model_validate_json(line) for line in out.getvalue().splitlines()] == mixed_samples


@pytest.mark.parametrize(
    ("format", "keys"),
    [
        ("alpaca", {"instruction", "input", "output", "kgsynth"}),
        ("sharegpt", {"conversations", "kgsynth"}),
        ("openai", {"messages", "kgsynth"}),
    ],
)
def test_training_format_top_level_keys(mixed_samples: list[Sample], format: str, keys: set[str]) -> None:
    assert {frozenset(r) for r in records(mixed_samples, format)} == {frozenset(keys)}


def test_alpaca_instruction_is_the_question_and_output_ends_with_the_answer(
    mixed_samples: list[Sample],
) -> None:
    for sample, record in zip(mixed_samples, records(mixed_samples, "alpaca"), strict=True):
        assert record["instruction"] == sample.question
        assert record["input"] == ""
        assert record["output"].splitlines()[-1].endswith(sample.answer)


def test_sharegpt_is_one_human_and_one_gpt_turn(mixed_samples: list[Sample]) -> None:
    for sample, record in zip(mixed_samples, records(mixed_samples, "sharegpt"), strict=True):
        assert [turn["from"] for turn in record["conversations"]] == ["human", "gpt"]
        assert record["conversations"][0]["value"] == sample.question
        assert record["conversations"][1]["value"] == response_text(sample)


def test_openai_is_one_user_and_one_assistant_message(mixed_samples: list[Sample]) -> None:
    for sample, record in zip(mixed_samples, records(mixed_samples, "openai"), strict=True):
        assert [m["role"] for m in record["messages"]] == ["user", "assistant"]
        assert record["messages"][1]["content"] == response_text(sample)


def test_chat_answer_includes_every_reasoning_step(mixed_samples: list[Sample]) -> None:
    for sample in mixed_samples:
        text = response_text(sample)
        for i, step in enumerate(sample.reasoning, start=1):
            assert f"{i}. {step.text}" in text


@pytest.mark.parametrize(
    ("language", "first", "last"), [("en", "Reasoning:", "Answer: "), ("zh", "推理：", "答案：")]
)
def test_chat_answer_headings_follow_the_language(
    mixed_samples: list[Sample], language: str, first: str, last: str
) -> None:
    sample = next(s for s in mixed_samples if s.language == language)
    lines = response_text(sample).splitlines()
    assert (lines[0], lines[-1]) == (first, f"{last}{sample.answer}")


def test_mcq_answer_line_carries_the_letter(mixed_samples: list[Sample]) -> None:
    sample = next(s for s in mixed_samples if s.type == "mcq" and s.language == "en")
    assert (
        response_text(sample).splitlines()[-1] == f"Answer: {sample.meta['answer_choice']}. {sample.answer}"
    )


def test_provenance_lists_triples_with_names_evidence_and_checks(mixed_samples: list[Sample]) -> None:
    sample = mixed_samples[0]
    provenance = records([sample], "sharegpt")[0]["kgsynth"]
    assert provenance["id"] == sample.id and provenance["made_by"] == sample.made_by
    triple = provenance["triples"][0]
    relation = sample.path.relations[0]
    names = {e.id: e.name for e in sample.path.entities}
    assert (triple["subject_name"], triple["object_name"]) == (
        names[relation.subject],
        names[relation.object],
    )
    assert triple["evidence"][0]["sentence"] == relation.evidence[0].sentence
    assert len(provenance["checks"]) == len(sample.checks)


def test_provenance_of_a_relation_without_evidence_has_one_empty_entry(mixed_samples: list[Sample]) -> None:
    sample = next(s for s in mixed_samples if not s.path.relations[0].evidence)
    evidence = records([sample], "alpaca")[0]["kgsynth"]["triples"][0]["evidence"]
    assert evidence == [
        {"document_id": "", "chunk_id": "", "start": -1, "end": -1, "sentence": "", "extractor": "asserted"}
    ]


def test_provenance_can_be_left_out(mixed_samples: list[Sample]) -> None:
    assert "kgsynth" not in records(mixed_samples[:3], "openai", provenance=False)[0]


def _types(value: object) -> object:
    """The JSON type structure of a value (list element types merged), to compare rows."""
    if isinstance(value, dict):
        return {k: _types(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        kinds = {json.dumps(_types(v), sort_keys=True) for v in value}
        return ["list", sorted(kinds)]
    return type(value).__name__


@pytest.mark.parametrize("format", ["alpaca", "sharegpt", "openai"])
def test_training_rows_share_one_type_structure_without_nulls_or_empty_lists(
    mixed_samples: list[Sample],
    format: str,
) -> None:
    rows = records(mixed_samples, format)
    structures = {json.dumps(_types(row), sort_keys=True) for row in rows}
    assert len(structures) == 1
    assert "NoneType" not in structures.pop()
    assert '["list", []]' not in json.dumps([_types(r) for r in rows[:50]])


@pytest.mark.parametrize("format", FORMATS)
def test_every_format_loads_with_hugging_face_datasets(
    mixed_samples: list[Sample],
    format: str,
    tmp_path: Path,
) -> None:
    datasets = pytest.importorskip("datasets", reason="the datasets library is not installed")
    datasets.disable_progress_bars()
    # Samples with no choices, no evidence and no meta come first, and the file is read in small
    # chunks: datasets casts every chunk to the types of the first, the case that breaks big files.
    ordered = sorted(mixed_samples, key=lambda s: (bool(s.choices), bool(s.path.relations[0].evidence)))
    if format == "raw":  # raw is the lossless model dump: it loads when read as one chunk
        ordered = mixed_samples
    path = tmp_path / f"out.{format}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        write_samples(ordered, out, format)  # type: ignore[arg-type]
    chunk = None if format == "raw" else 4096
    options = {"chunksize": chunk} if chunk else {}
    loaded = datasets.load_dataset(
        "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "hf"), **options
    )
    assert loaded.num_rows == len(ordered)
    if format != "raw":
        assert loaded[len(ordered) - 1]["kgsynth"]["id"] == ordered[-1].id


def test_unknown_format_names_the_formats(mixed_samples: list[Sample]) -> None:
    with pytest.raises(
        ConfigError, match=r'format "chatml" is not known\. Formats: raw, alpaca, sharegpt, openai'
    ):
        write_samples(mixed_samples, io.StringIO(), "chatml")  # type: ignore[arg-type]
