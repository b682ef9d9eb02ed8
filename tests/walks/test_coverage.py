"""EdgeCoverage: weights decay with use; dead-end starts are discouraged; shares are counted."""

from __future__ import annotations

import numpy as np
import pytest

from kgsynth.walks import EdgeCoverage
from kgsynth.walks.coverage import DEAD_END_FLOOR, USE_FLOOR


def test_edge_coverage_weight_decays_per_use():
    coverage = EdgeCoverage(4, decay=0.5)
    coverage.use(np.array([1, 2]))
    coverage.use(np.array([2]))
    assert coverage.weight.tolist() == [1.0, 0.5, 0.25, 1.0]


def test_edge_coverage_counts_distinct_facts_used():
    coverage = EdgeCoverage(4, decay=0.5)
    coverage.use(np.array([1, 2]))
    coverage.use(np.array([2, 3]))
    assert (coverage.used, coverage.share_used()) == (3, 0.75)


def test_edge_coverage_without_decay_keeps_weights_at_one():
    coverage = EdgeCoverage(3, decay=1.0)
    coverage.use(np.array([0, 1]))
    coverage.discourage(np.array([2]))
    assert coverage.weight.tolist() == [1.0, 1.0, 1.0]


def test_edge_coverage_discourage_lowers_weight_without_counting_a_use():
    coverage = EdgeCoverage(3, decay=0.1)
    coverage.discourage(np.array([0]))
    assert (coverage.weight[0], coverage.used) == (pytest.approx(0.1), 0)


@pytest.mark.parametrize("decay", [0.0, 1.5])
def test_edge_coverage_refuses_decay_outside_range(decay):
    with pytest.raises(ValueError, match="coverage decay must be in"):
        EdgeCoverage(3, decay=decay)


def test_edge_coverage_used_weight_stops_at_the_floor():
    coverage = EdgeCoverage(1, decay=0.01)
    for _ in range(200):
        coverage.use(np.array([0]))
    assert coverage.weight[0] == USE_FLOOR


def test_edge_coverage_dead_end_sinks_below_any_used_fact():
    coverage = EdgeCoverage(2, decay=0.01)
    for _ in range(200):
        coverage.use(np.array([0]))
        coverage.discourage(np.array([1]))
    assert coverage.weight[1] == DEAD_END_FLOOR < coverage.weight[0]
