"""Record-level aggregation: any contradicted -> contradicted; all supported -> supported; else not fully."""

from __future__ import annotations

import pytest

from kgsynth.model import Verdict
from kgsynth.verify.aggregate import aggregate
from tests.verify.conftest import claim, mention

CLAIM = claim(mention("aspirin", "Drug:aspirin"), "treats", mention("headache", "Symptom:headache", 15))


def verdicts(*statuses: str) -> list[Verdict]:
    return [Verdict(status=s, claim=CLAIM) for s in statuses]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (("supported",), "supported"),
        (("supported", "supported"), "supported"),
        (("supported", "contradicted"), "contradicted"),
        (("not_in_graph", "contradicted", "unlinkable"), "contradicted"),
        (("supported", "not_in_graph"), "not_fully_supported"),
        (("supported", "unlinkable"), "not_fully_supported"),
        ((), "not_fully_supported"),
    ],
)
def test_aggregate_rules(statuses, expected):
    assert aggregate(verdicts(*statuses)).status == expected


def test_aggregate_no_claim_says_so():
    assert aggregate([], record_id="r1").model_dump(include={"id", "status", "reason"}) == {
        "id": "r1",
        "status": "not_fully_supported",
        "reason": "no claim recognised",
    }


def test_aggregate_reason_counts_claims_by_verdict():
    assert aggregate(verdicts("supported", "not_in_graph", "supported")).reason == (
        "3 claims: 2 supported, 1 not in the graph"
    )


def test_aggregate_unknown_mention_keeps_an_all_supported_record_from_support():
    result = aggregate(verdicts("supported"), uncovered=[mention("zorbamycin", None)])
    assert (result.status, result.reason) == (
        "not_fully_supported",
        '1 claim: 1 supported; names "zorbamycin" that the graph does not know, in no claim',
    )
