"""Fixtures of the service tests: a data folder, the app behind an in-process client, a worker.

Heavier state (an extraction over a few demo documents, a synthesis from it) is built once per
module: each module that needs it asks for ``flow``, which runs the real worker in-process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "fastapi", reason='the service tests need the service extra: pip install "kgsynth[service]"'
)

from fastapi.testclient import TestClient

from kgsynth.service import ServiceSettings, create_app
from kgsynth.service.worker import Worker
from tests.service.browser import browser, page  # noqa: F401  (fixtures of the browser tests)

DEMO = Path(__file__).resolve().parents[2] / "examples" / "docs" / "medical"
#: A few demo documents: enough relations for multi-hop samples, fast to extract.
DEMO_FILES = sorted(DEMO.glob("*.txt"))[:12]


def make_settings(folder: Path, **overrides: object) -> ServiceSettings:
    """Settings for tests: the in-process client's Host ("testserver") allowed, a short lease."""
    values: dict[str, object] = {"allowed_hosts": ("testserver",), "lease_seconds": 2.0, "token": None}
    values.update(overrides)
    return ServiceSettings.for_store(str(folder / "kg.db"), **values)


@pytest.fixture
def settings(tmp_path: Path) -> ServiceSettings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: ServiceSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def upload(client: TestClient, *paths: Path) -> list[str]:
    """Upload files through the API; returns their sha256 ids."""
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]
    response = client.post("/api/v1/uploads", files=files)
    assert response.status_code == 201, response.text
    return [item["sha256"] for item in response.json()]


def run_all(settings: ServiceSettings) -> None:
    """Run queued tasks to their end with an in-process worker."""
    worker = Worker(settings, name="test-worker")
    while worker.run_once() is not None:
        pass


@dataclass
class Flow:
    """One extraction and one synthesis over the demo documents, shared by a module's tests."""

    settings: ServiceSettings
    client: TestClient
    extraction: int
    synthesis: int


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    settings = make_settings(tmp_path_factory.mktemp("flow"))
    with TestClient(create_app(settings)) as client:
        shas = upload(client, *DEMO_FILES)
        extraction = client.post(
            "/api/v1/tasks/extraction", json={"uploads": shas, "ontology": "medical"}
        ).json()
        run_all(settings)
        synthesis = client.post(
            "/api/v1/tasks/synthesis", json={"source_task": extraction["id"], "n": 60, "seed": 7}
        ).json()
        run_all(settings)
        yield Flow(settings, client, extraction["id"], synthesis["id"])


def sample_ids(get: Callable[..., Any], url: str) -> list[str]:
    """Every sample id of a task's sample list at ``url``, following the keyset cursor.

    ``get`` is ``httpx.get`` or an in-process ``TestClient``'s ``get``.
    """
    out: list[str] = []
    after = -1
    while True:
        listed = get(url, params={"limit": 500, "after": after}).json()
        out += [r["id"] for r in listed["items"]]
        if listed["next"] is None:
            return out
        after = listed["next"]
