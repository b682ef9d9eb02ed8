"""Samples made by kgsynth.generate check out through their provenance; tampered ones do not."""

from __future__ import annotations

import pytest

from kgsynth.export import to_record
from kgsynth.generate import QUESTION_TYPES, SampleFactory
from kgsynth.model import GraphBatch, Sample
from kgsynth.store import open_store
from kgsynth.verify import check
from tests.generate.graphs import medical


@pytest.fixture(scope="module")
def generated() -> tuple[object, list[Sample]]:
    fixture = medical()
    factory = SampleFactory(fixture.graph, seed=3)
    samples = [
        sample
        for type_name in QUESTION_TYPES
        for path in fixture.chains(max_hops=2, limit=40)
        if (sample := factory.make(path, type_name)) is not None
    ]
    return fixture, samples


@pytest.fixture
def graph_of(generated, tmp_path):
    fixture, _ = generated
    with open_store(str(tmp_path / "kg.db")) as store:
        store.ensure_schema(fixture.graph.schema)
        store.write(GraphBatch(entities=tuple(fixture.entities.values()), relations=tuple(fixture.relations)))
        yield store


def test_generated_samples_are_supported_by_the_graph_they_came_from(generated, graph_of):
    _, samples = generated
    assert len({s.type for s in samples}) >= 4
    assert {r.status for r in check(samples, graph_of)} == {"supported"}


def test_generated_sample_with_a_tampered_check_is_not_supported(generated, graph_of):
    _, samples = generated
    sample = next(s for s in samples if any(c.expect == "holds" for c in s.checks))
    index = next(i for i, c in enumerate(sample.checks) if c.expect == "holds")
    tampered_check = sample.checks[index].model_copy(update={"object": sample.checks[index].subject})
    tampered = sample.model_copy(
        update={"checks": (*sample.checks[:index], tampered_check, *sample.checks[index + 1 :])}
    )
    [result] = check([tampered], graph_of)
    assert result.status == "not_fully_supported"
    assert result.verdicts[index].status == "not_in_graph"


@pytest.mark.parametrize("format", ["sharegpt", "openai", "alpaca"])
def test_exported_training_records_recheck_through_their_provenance(generated, graph_of, format):
    _, samples = generated
    records = [to_record(sample, format) for sample in samples]
    results = list(check(records, graph_of))
    assert [r.id for r in results] == [s.id for s in samples]
    assert {r.status for r in results} == {"supported"}


def test_exported_training_record_with_a_corrupted_check_is_not_supported(generated, graph_of):
    _, samples = generated
    sample = next(s for s in samples if s.checks and s.checks[0].expect == "holds")
    record = to_record(sample, "sharegpt")
    record["kgsynth"]["checks"][0]["object"] = record["kgsynth"]["checks"][0]["subject"]
    [result] = check([record], graph_of)
    assert result.status == "not_fully_supported"
    assert result.verdicts[0].status == "not_in_graph"
