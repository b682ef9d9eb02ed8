"""How the sample table reads a page: every filter seeks in an index (issue 12), checked by the
query plan of the statement the table really runs, not by timing it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kgsynth.service.db import Database
from kgsynth.service.samples import SampleFilter, SampleTable

#: One filter each, and what the outer loop of the plan must seek on (SQLite's own words).
SEEKS = [
    pytest.param(SampleFilter(), "(task_id=? AND seq>?)", id="no filter"),
    pytest.param(SampleFilter(type="yesno"), "(task_id=? AND type=? AND seq>?)", id="type"),
    pytest.param(SampleFilter(hops=2), "(task_id=? AND hops=? AND seq>?)", id="hops"),
    pytest.param(SampleFilter(verdict="supported"), "(task_id=? AND verdict=? AND seq>?)", id="verdict"),
    pytest.param(SampleFilter(review="accepted"), "(task_id=? AND review=? AND seq>?)", id="review"),
    pytest.param(
        SampleFilter(relation="treats"), "(task_id=? AND kind=? AND value=? AND seq>?)", id="relation"
    ),
    pytest.param(SampleFilter(entity="Aspirin"), "(task_id=? AND kind=? AND value=? AND seq>?)", id="entity"),
]


def _plan_of_last_statement(tmp_path: Path, read: Callable[[SampleTable], object]) -> list[str]:
    """The query plan of the last statement ``read`` runs on a sample table."""
    db = Database(tmp_path / "tasks.db")
    statements: list[str] = []
    db.conn().set_trace_callback(statements.append)  # SQL with its values filled in
    read(SampleTable(db))
    db.conn().set_trace_callback(None)
    return [row[3] for row in db.conn().execute(f"EXPLAIN QUERY PLAN {statements[-1]}")]


@pytest.mark.parametrize("method", ["page", "page_json"])
@pytest.mark.parametrize(("where", "seek"), SEEKS)
def test_sample_page_seeks_its_filter_in_an_index(
    tmp_path: Path, method: str, where: SampleFilter, seek: str
) -> None:
    # Checked sample by sample instead, a value no sample has read every sample of the task.
    plan = _plan_of_last_statement(
        tmp_path, lambda table: getattr(table, method)(1, where, after=10, limit=50)
    )
    assert plan[0].startswith("SEARCH") and plan[0].endswith(seek), plan
    assert not [step for step in plan if step.startswith("SCAN") or "TEMP B-TREE" in step], plan
