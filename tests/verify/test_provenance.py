"""Our own samples: re-checked exactly through their TripleChecks, no parsing."""

from __future__ import annotations

import pytest

from kgsynth.model import FactPath, Sample, TripleCheck
from kgsynth.verify import check
from kgsynth.verify.check import Checker
from kgsynth.verify.provenance import check_sample
from kgsynth.verify.read import as_inputs
from tests.verify.conftest import ENTITIES, FACTS


def sample(*checks: TripleCheck, sample_id: str = "s1") -> Sample:
    return Sample(
        id=sample_id,
        type="one_hop",
        question="What does aspirin treat?",
        answer="headache",
        hops=1,
        made_by="template:qa/one_hop.v1",
        path=FactPath(entities=ENTITIES[:1] + ENTITIES[7:8], relations=FACTS[:1], strategy="khop", seed=7),
        checks=checks,
    )


TREATS = TripleCheck(subject="Drug:aspirin", predicate="treats", object="Symptom:headache")


def test_provenance_sample_whose_checks_hold_is_supported_with_evidence(graph):
    result = check_sample(sample(TREATS), graph)
    assert result.status == "supported"
    assert result.verdicts[0].evidence[0].evidence[0].document_id == "doc:aspirin-leaflet"


@pytest.mark.parametrize(
    ("corrupted", "status", "claim_status"),
    [
        (TREATS.model_copy(update={"object": "Disease:seizure"}), "not_fully_supported", "not_in_graph"),
        (TREATS.model_copy(update={"negated": True}), "contradicted", "contradicted"),
        (TREATS.model_copy(update={"expect": "absent"}), "contradicted", "contradicted"),
        (TREATS.model_copy(update={"subject": "Drug:zorbamycin"}), "not_fully_supported", "unlinkable"),
    ],
)
def test_provenance_corrupted_sample_fails(graph, corrupted, status, claim_status):
    result = check_sample(sample(TREATS, corrupted), graph)
    assert (result.status, [v.status for v in result.verdicts]) == (status, ["supported", claim_status])


def test_provenance_absent_check_of_a_fact_the_graph_lacks_is_supported(graph):
    absent = TripleCheck(
        subject="Drug:aspirin", predicate="causes", object="Symptom:headache", expect="absent"
    )
    assert check_sample(sample(absent), graph).status == "supported"


def test_provenance_unlinkable_names_the_missing_entity(graph):
    missing = TREATS.model_copy(update={"subject": "Drug:zorbamycin"})
    assert check_sample(sample(missing), graph).verdicts[0].reason == 'not in the graph: "Drug:zorbamycin"'


def test_provenance_sample_with_checks_is_never_parsed(graph, pipeline):
    checker = Checker(graph, pipeline=pipeline)
    [checked] = checker.check_inputs(as_inputs([sample(TREATS)]))
    assert (checked.result.id, checked.result.status, checker.parsed_texts) == ("s1", "supported", 0)


def test_provenance_sample_without_checks_is_read_as_text(graph, pipeline):
    [result] = check([sample()], graph, pipeline=pipeline)
    assert [(v.claim.predicate, v.status) for v in result.verdicts] == [("treats", "supported")]
