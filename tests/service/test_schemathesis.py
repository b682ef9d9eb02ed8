"""Schemathesis over /api/v1: no generated request makes the server fail (5xx).

Each operation of the OpenAPI schema gets requests generated from its schema (hypothesis),
sent in process. Upload bodies are left out: any bytes are a valid file.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from kgsynth.service import create_app  # noqa: E402
from tests.service.conftest import make_settings  # noqa: E402

EXAMPLES = 12


def test_api_never_fails_on_generated_requests(tmp_path) -> None:
    app = create_app(make_settings(tmp_path, allowed_hosts=("testserver", "localhost")))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    tested = []
    for operation in operations:
        if operation.path == "/api/v1/uploads" and operation.method.upper() == "POST":
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case: object) -> None:
            response = case.call()  # type: ignore[attr-defined]
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])  # type: ignore[attr-defined]

        run()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) >= 25
