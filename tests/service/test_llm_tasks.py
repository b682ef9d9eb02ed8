"""LLM options of the platform, against a real llama.cpp server with SmolLM2-135M (``smollm2_server``).

Without an endpoint the pages offer no LLM option and the API refuses one (422); with the
server's endpoint an extraction task reads two demo documents with the rules and the LLM and
reports what the LLM proposed and kept, and a synthesis task stores only LLM samples the graph
supports, with the LLM report. A worker killed midway through an LLM synthesis is replaced and
the task resumes from its journal. The key (``OPENAI_API_KEY``) is set to a marker that no
answer, page or file of the service may contain. The model is tiny: the tests assert what the
service does with its replies, not their quality, and keep runs short (n=2..3, a few items).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kgsynth.config import LLMConfig
from kgsynth.llm import Endpoint
from kgsynth.service import ServiceSettings, create_app
from kgsynth.service.db import Database
from kgsynth.service.runners import RunContext
from kgsynth.service.runners.context import task_folder
from kgsynth.service.settings import llm_endpoint
from kgsynth.service.tasks import TaskQueue
from tests.llm_server import LocalModelServer
from tests.service.conftest import DEMO, make_settings, run_all, upload
from tests.service.test_worker import _start_worker, _wait

pytestmark = pytest.mark.integration

SECRET = "sk-kgsynth-test-5e2b9d0c7a41"  # the API key: never in an answer, a page or a file
DOCS = [DEMO / "aspirin.txt", DEMO / "acetaminophen.txt"]
#: One-hop factoid and yes/no questions without reasoning steps: what SmolLM2 can get right.
LLM_SETTINGS = {"cot": False, "retries": 0, "max_items": 4, "max_tokens": 160}
SYNTHESIS = {"n": 2, "hops": [1, 1], "types": ["factoid", "yesno"], "seed": 7, "generator": "llm"}


@dataclass
class LLMFlow:
    settings: ServiceSettings
    client: TestClient
    model: str


@pytest.fixture(scope="module")
def llm(smollm2_server: LocalModelServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LLMFlow]:
    endpoint = Endpoint(
        base_url=smollm2_server.base_url, model=smollm2_server.model, timeout=180.0, max_concurrency=1
    )
    settings = make_settings(tmp_path_factory.mktemp("llm"), llm_endpoint=endpoint, lease_seconds=1.5)
    with pytest.MonkeyPatch.context() as env, TestClient(create_app(settings)) as client:
        env.setenv("OPENAI_API_KEY", SECRET)
        yield LLMFlow(settings, client, smollm2_server.model)


@pytest.fixture(scope="module")
def extraction(llm: LLMFlow) -> dict[str, Any]:
    body = {"uploads": upload(llm.client, *DOCS), "ontology": "medical", "extractor": "both"}
    created = llm.client.post("/api/v1/tasks/extraction", json=body)
    assert created.status_code == 201, created.text
    run_all(llm.settings)
    return llm.client.get(f"/api/v1/tasks/{created.json()['id']}").json()


@pytest.fixture(scope="module")
def synthesis(llm: LLMFlow, extraction: dict[str, Any]) -> dict[str, Any]:
    body = {**SYNTHESIS, "source_task": extraction["id"], "llm": LLM_SETTINGS}
    created = llm.client.post("/api/v1/tasks/synthesis", json=body)
    assert created.status_code == 201, created.text
    run_all(llm.settings)
    return llm.client.get(f"/api/v1/tasks/{created.json()['id']}").json()


def _samples(client: TestClient, task_id: int) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/tasks/{task_id}/samples", params={"limit": 500}).json()["items"]


def _queue_three_samples(llm: LLMFlow, extraction: dict[str, Any]) -> int:
    """An LLM synthesis of 3 samples from up to 5 items, answered one at a time (max_concurrency=1)."""
    body = {**SYNTHESIS, "n": 3, "source_task": extraction["id"], "llm": {**LLM_SETTINGS, "max_items": 5}}
    return llm.client.post("/api/v1/tasks/synthesis", json=body).json()["id"]


def _answered(task: dict[str, Any]) -> int:
    """LLM work items the task has finished (accepted or rejected)."""
    return task["counts"].get("accepted", 0) + task["counts"].get("rejected", 0)


@pytest.mark.parametrize(
    ("config", "environ", "expected"),
    [
        ({}, {}, None),
        ({}, {"KGSYNTH_LLM_BASE_URL": "http://127.0.0.1:9/v1", "KGSYNTH_LLM_MODEL": "m"}, "m"),
        (
            {
                "endpoints": {"local": {"base_url": "http://127.0.0.1:9/v1", "model": "g"}},
                "generator": "local",
            },
            {},
            "g",
        ),
    ],
)
def test_llm_endpoint_is_the_one_the_cli_would_use(config: dict, environ: dict, expected: str | None) -> None:
    endpoint = llm_endpoint(LLMConfig.model_validate(config), environ=environ)
    assert (endpoint.model if endpoint is not None else None) == expected


def test_serve_with_an_unknown_llm_endpoint_fails_before_listening(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    command = [
        sys.executable,
        "-m",
        "kgsynth",
        "serve",
        "--llm",
        "nowhere",
        "--store",
        str(tmp_path / "kg.db"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        'Error: LLM endpoint "nowhere" is not in [llm.endpoints] of kgsynth.toml (endpoints: (none)); '
        "or give a URL such as http://127.0.0.1:8080/v1."
    )


@pytest.mark.parametrize("path", ["/new/extraction", "/new/synthesis"])
def test_llm_options_are_absent_without_an_endpoint(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert 'name="extractor"' not in html and 'name="generator"' not in html
    assert "LLM" not in html


@pytest.mark.parametrize(
    ("path", "name"), [("/new/extraction", 'name="extractor"'), ("/new/synthesis", 'name="generator"')]
)
def test_llm_options_appear_with_the_model_but_not_its_address(llm: LLMFlow, path: str, name: str) -> None:
    html = llm.client.get(path).text
    assert name in html and f"the server's LLM ({llm.model})" in html
    assert llm.settings.llm_endpoint is not None and llm.settings.llm_endpoint.base_url not in html


@pytest.mark.parametrize(
    ("kind", "body", "setting", "instead"),
    [
        ("extraction", {"extractor": "both"}, 'extractor "both"', 'extractor "rules"'),
        ("extraction", {"extractor": "llm"}, 'extractor "llm"', 'extractor "rules"'),
        ("synthesis", {"generator": "llm", "source_task": 1}, 'generator "llm"', 'generator "templates"'),
    ],
)
def test_llm_option_without_an_endpoint_is_refused_with_422(
    client: TestClient, kind: str, body: dict[str, Any], setting: str, instead: str
) -> None:
    if kind == "extraction":
        body = {**body, "uploads": upload(client, DOCS[0])}
    response = client.post(f"/api/v1/tasks/{kind}", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"{setting} needs an LLM endpoint, and this server has none: start kgsynth serve with --llm "
        f"(or set KGSYNTH_LLM_BASE_URL and KGSYNTH_LLM_MODEL), or use {instead}."
    )
    assert client.get("/api/v1/tasks").json()["items"] == []


def test_llm_settings_without_the_llm_generator_are_refused(llm: LLMFlow) -> None:
    response = llm.client.post("/api/v1/tasks/synthesis", json={"source_task": 1, "llm": {"cot": False}})
    assert response.status_code == 422
    assert 'llm settings apply to generator "llm", not "templates"' in response.json()["detail"]


def _queued_by_form(llm: LLMFlow, path: str, form: dict[str, Any]) -> dict[str, Any]:
    """Post a new-task form; the task it queued is cancelled at once (the worker never runs it)."""
    files = {"files": (DOCS[0].name, DOCS[0].read_bytes(), "text/plain")} if "extraction" in path else None
    response = llm.client.post(path, data=form, files=files, follow_redirects=False)
    assert response.status_code == 303, response.text
    task_id = int(response.headers["location"].rsplit("/", 1)[-1])
    return llm.client.post(f"/api/v1/tasks/{task_id}/cancel").json()


def test_extraction_form_queues_the_chosen_extractor(llm: LLMFlow) -> None:
    task = _queued_by_form(llm, "/new/extraction", {"ontology": "medical", "extractor": "both"})
    assert task["params"]["extractor"] == "both"


def test_synthesis_form_queues_the_llm_settings_filled_in(llm: LLMFlow, extraction: dict) -> None:
    form = {"source_task": str(extraction["id"]), "n": "2", "hops": "1-1", "types": ["factoid"]}
    form |= {"generator": "llm", "llm_cot": "false", "llm_temperature": "", "llm_max_items": "4"}
    task = _queued_by_form(llm, "/new/synthesis", form)
    assert task["params"]["generator"] == "llm"
    assert task["params"]["llm"] == {
        "cot": False, "temperature": None, "retries": None, "max_items": 4, "max_tokens": None
    }  # fmt: skip


def test_synthesis_form_with_a_bad_llm_setting_shows_the_field(llm: LLMFlow, extraction: dict) -> None:
    form = {"source_task": str(extraction["id"]), "generator": "llm", "llm_temperature": "5"}
    response = llm.client.post("/new/synthesis", data=form)
    assert response.status_code == 422
    assert "temperature: Input should be less than or equal to 2" in response.text


def test_llm_extraction_reports_what_the_llm_proposed_and_kept(llm: LLMFlow, extraction: dict) -> None:
    assert extraction["state"] == "succeeded", extraction["error"]
    result = extraction["result"]
    report = result["llm"]
    assert (result["extractor"], result["documents_built"], report["model"]) == ("both", 2, llm.model)
    assert report["chunks"] >= 2 and report["requests"] >= 2 and report["prompt_tokens"] > 0
    assert report["kept"] + sum(report["rejected"].values()) == report["proposed"]
    assert report["agreement"] is not None and result["relations"] > 0  # the rules read facts too
    page = llm.client.get(f"/graphs/task-{extraction['id']}").text
    assert f"{report['proposed']} relations proposed, {report['kept']} kept" in page
    log = [line["message"] for line in llm.client.get(f"/api/v1/tasks/{extraction['id']}/log").json()]
    assert any(f"LLM {llm.model}: {report['proposed']} relations proposed" in line for line in log)


def test_llm_synthesis_stores_only_samples_the_graph_supports(llm: LLMFlow, synthesis: dict) -> None:
    assert synthesis["state"] == "succeeded", synthesis["error"]
    report = synthesis["result"]["llm"]
    samples = _samples(llm.client, synthesis["id"])
    assert len(samples) == synthesis["result"]["samples"] == min(report["accepted"], SYNTHESIS["n"])
    assert samples, report  # one-hop questions without reasoning: SmolLM2 gets some right
    assert 1 <= report["accepted"] + report["rejected"] <= LLM_SETTINGS["max_items"]
    for row in samples:
        assert row["verdict"] == "supported" and row["sample"]["made_by"] == f"llm:{llm.model}"
        recheck = llm.client.post(f"/api/v1/tasks/{synthesis['id']}/samples/{row['seq']}/recheck")
        assert recheck.json()["verdict"] == "supported"


def test_llm_synthesis_result_carries_the_llm_report(llm: LLMFlow, synthesis: dict) -> None:
    report = synthesis["result"]["llm"]
    assert report["model"] == llm.model and report["wanted"] == SYNTHESIS["n"]
    assert report["requests"] >= report["accepted"] + report["rejected"]
    assert report["prompt_tokens"] > 0 and report["completion_tokens"] > 0
    assert sum(report["rejected_by_reason"].values()) >= report["rejected"]
    page = llm.client.get(f"/tasks/{synthesis['id']}").text
    assert f"{report['accepted']} accepted and {report['rejected']} rejected work items" in page
    assert f"{report['requests']} requests" in page


def test_llm_synthesis_resumes_from_its_journal_after_the_worker_is_killed(
    llm: LLMFlow, extraction: dict
) -> None:
    task_id = _queue_three_samples(llm, extraction)
    first = _start_worker(llm.settings)
    try:  # killed after the first item, during the second
        _wait(llm.client, task_id, _answered)
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait()
    answered = _answered(llm.client.get(f"/api/v1/tasks/{task_id}").json())
    time.sleep(llm.settings.lease_seconds + 0.2)  # the dead worker's lease runs out
    run_all(llm.settings)
    done = llm.client.get(f"/api/v1/tasks/{task_id}").json()
    assert done["state"] == "succeeded", done["error"]
    assert done["attempts"] == 2
    resumed = done["result"]["llm"]["resumed"]
    assert resumed >= answered >= 1
    log = [line["message"] for line in llm.client.get(f"/api/v1/tasks/{task_id}/log").json()]
    assert f"resuming: {resumed} LLM work items answered before are re-used" in log
    assert all(row["verdict"] == "supported" for row in _samples(llm.client, task_id))


def test_cancel_stops_a_running_llm_synthesis_before_its_next_request(llm: LLMFlow, extraction: dict) -> None:
    task_id = _queue_three_samples(llm, extraction)
    worker = threading.Thread(target=run_all, args=(llm.settings,))
    worker.start()
    try:
        _wait(llm.client, task_id, _answered)
        assert llm.client.post(f"/api/v1/tasks/{task_id}/cancel").status_code == 200
    finally:
        worker.join(timeout=120)
    done = llm.client.get(f"/api/v1/tasks/{task_id}").json()
    assert done["state"] == "cancelled"
    assert _answered(done) <= 2  # the item in flight when the cancel came finishes; no new one starts
    assert _samples(llm.client, task_id) == []


def test_a_journal_of_other_settings_fails_the_resumed_task_saying_retry_from_scratch(
    llm: LLMFlow, extraction: dict
) -> None:
    task_id = _queue_three_samples(llm, extraction)
    queue = TaskQueue(Database(llm.settings.tasks_db))
    claimed = queue.claim("dead-worker", 0.05)
    assert claimed is not None and claimed.id == task_id
    RunContext(queue, claimed, "dead-worker", llm.settings).save_checkpoint({"made": 0})
    journal = task_folder(llm.settings.data_dir, task_id) / "llm.journal.jsonl"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text('{"journal": 1, "fingerprint": "another model"}\n', encoding="utf-8")
    time.sleep(0.1)  # the dead worker's lease runs out
    run_all(llm.settings)
    done = llm.client.get(f"/api/v1/tasks/{task_id}").json()
    assert (done["state"], done["error"]) == (
        "failed",
        f"task {task_id}: its LLM journal was written with another endpoint, model or settings "
        "(was the server restarted with another --llm?): retry it from scratch.",
    )
    assert done["counts"] == {}  # failed before any request


def test_the_key_is_in_no_answer_page_or_file(llm: LLMFlow, extraction: dict, synthesis: dict) -> None:
    client = llm.client
    urls = ["/api/v1/tasks", "/openapi.json", "/tasks", "/new/extraction", "/new/synthesis"]
    urls += [f"/graphs/task-{extraction['id']}", f"/tasks/{synthesis['id']}/samples"]
    for task in client.get("/api/v1/tasks").json()["items"]:
        base = f"/api/v1/tasks/{task['id']}"
        urls += [base, f"{base}/log", f"{base}/samples", f"/tasks/{task['id']}"]
    answers = {url: client.get(url) for url in urls}
    assert all(response.status_code == 200 for response in answers.values())
    assert [url for url, response in answers.items() if SECRET in response.text] == []
    files = [p for p in Path(llm.settings.data_dir).rglob("*") if p.is_file()]
    assert any(p.name == "llm.journal.jsonl" for p in files)
    assert [p for p in files if SECRET.encode() in p.read_bytes()] == []
