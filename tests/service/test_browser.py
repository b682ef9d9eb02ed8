"""The platform in a real headless Chromium (Debian's ``chromium`` package, driven by Playwright).

The server runs as ``python -m kgsynth.service`` (web process + worker process) on a free
loopback port. One scenario walks the whole workflow a user follows; each step asserts what
the page shows. With ``KGSYNTH_SCREENSHOTS=1`` the main pages are saved to docs/screenshots/.
Without Chromium the tests are skipped with the reason, except in CI (``CI=true``), where
they fail.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ports import free_port
from tests.service.browser import chromium_or_skip
from tests.service.conftest import DEMO_FILES

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
XSS = '<script>alert("xss")</script><img src=x onerror="alert(2)"> Metformin treats type 2 diabetes.'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium_or_skip()
    folder, port = tmp_path_factory.mktemp("browser"), free_port()
    command = [sys.executable, "-m", "kgsynth.service", "--store", str(folder / "kg.db"), "--port", str(port),
               "--lease", "3", "--quiet"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=(folder / "server.log").open("wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError((folder / "server.log").read_text())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _shot(page: object, name: str) -> None:
    if os.environ.get("KGSYNTH_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]


def test_the_whole_workflow_in_the_browser(server: str, page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    # 1. upload the demo corpus (and a document carrying an XSS payload) -> extraction task
    xss = tmp_path / "payload.txt"
    xss.write_text(XSS, encoding="utf-8")
    page.goto(f"{server}/new/extraction")
    page.set_input_files("#files", [str(p) for p in (*DEMO_FILES, xss)])
    page.select_option("#ontology", "medical")
    page.click("#start")
    expect(page).to_have_url(re.compile(r"/tasks/\d+$"))
    extraction = int(page.url.rsplit("/", 1)[1])
    # 2. live progress (SSE) reaches 100%
    expect(page.locator("#percent")).to_have_text("100%", timeout=90_000)
    expect(page.locator("#state")).to_have_text("succeeded")
    _shot(page, "task-detail")

    # 3. a relation's evidence is highlighted in its document
    page.click("text=extraction result")
    expect(page.locator("#relations .relation").first).to_be_visible()
    _shot(page, "extraction-result")
    page.locator(".evidence-link").first.click()
    mark = page.locator("#document mark#evidence")
    expect(mark).to_be_visible()
    assert mark.inner_text().strip()
    _shot(page, "evidence")

    # 4. the graph view renders and expands a node on click
    graph = f"task-{extraction}"
    relations = httpx.get(f"{server}/api/v1/graphs/{graph}/relations", params={"limit": 500}).json()["items"]
    hub = max(
        {r["subject"] for r in relations},
        key=lambda e: sum(e in (r["subject"], r["object"]) for r in relations),
    )
    page.goto(f"{server}/graphs/{graph}/view?entity={hub}")
    expect(page.locator("#cy")).not_to_have_attribute("data-nodes", "0", timeout=15_000)
    before = int(page.locator("#cy").get_attribute("data-nodes"))
    box = page.locator("#cy").bounding_box()
    others = page.evaluate(
        "(hub) => window.kgsynthGraph.nodes().filter(n => n.id() !== hub)"
        ".map(n => [n.id(), n.renderedPosition()])",
        hub,
    )
    grown = False
    for node_id, at in others[:8]:
        page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
        page.wait_for_function(
            "(id) => window.kgsynthGraph.getElementById(id).hasClass('expanded')", arg=node_id, timeout=10_000
        )
        if int(page.locator("#cy").get_attribute("data-nodes")) > before:
            grown = True
            break
    assert grown, "no click on a neighbour added nodes"
    _shot(page, "graph-view")

    # 5. synthesis is refused without a succeeded extraction, and runs with one. The refused
    # source is an extraction that fails for sure (its uploaded ontology is not Turtle); a
    # cancelled one raced the worker, which could finish a one-document task first.
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not Turtle at all", encoding="utf-8")
    failed = httpx.post(
        f"{server}/api/v1/tasks/extraction",
        json={"uploads": [_sha(server, DEMO_FILES[0])], "ontology": f"upload:{_sha(server, broken)}"},
    ).json()["id"]
    assert _wait_finished(server, failed) == "failed"
    page.goto(f"{server}/new/synthesis")
    page.select_option("#source", str(failed))
    page.click("#start")
    expect(page.locator("#form-error")).to_contain_text("synthesis starts from a succeeded extraction task")
    page.select_option("#source", str(extraction))
    page.fill("input[name=n]", "60")
    page.click("#start")
    expect(page.locator("#state")).to_have_text("succeeded", timeout=90_000)
    synthesis = int(page.url.rsplit("/", 1)[1])

    # 6. filter, reject one, see the audit row
    page.goto(f"{server}/tasks/{synthesis}/samples")
    page.select_option("select[name=type]", "factoid")
    page.click("#apply-filter")
    cards = page.locator("article.sample")
    expect(cards.first).to_be_visible()
    assert all("factoid" in text for text in cards.all_inner_texts())
    first = cards.first
    seq = first.get_attribute("data-seq")
    first.locator("button.reject").click()
    expect(page.locator(f"#sample-{seq} .review")).to_have_text("rejected")
    expect(page.locator("#audit .audit-row").first).to_contain_text("reject")
    page.locator(f"#sample-{seq} button.recheck").click()
    expect(page.locator(f"#check-{seq} .verdict")).to_contain_text("supported")
    _shot(page, "samples")

    # 7. save a dataset, blend it 80/20 with a small real set, read the card
    page.fill("#dataset-name", "demo")
    page.click("#save-dataset")
    expect(page).to_have_url(re.compile(r"/versions/[0-9a-f]{16}$"))
    version = page.url.rsplit("/", 1)[1]
    synthetic = [
        json.loads(x) for x in httpx.get(f"{server}/api/v1/versions/{version}/download").text.splitlines()
    ]
    real = [{"question": f"Real question {i}?", "answer": f"answer {i}"} for i in range(200)]
    real.append({"question": synthetic[0]["question"], "answer": synthetic[0]["answer"]})
    real_file = tmp_path / "real.jsonl"
    real_file.write_text("".join(json.dumps(r) + "\n" for r in real), encoding="utf-8")
    page.set_input_files("#real-file", str(real_file))
    page.fill("#ratio", "0.8")
    page.click("#blend")
    expect(page.locator("#card")).to_contain_text("Ratio of real records: requested 0.800")
    expect(page.locator("#card")).to_contain_text("| synthetic: exact duplicate of a real record | 1 |")
    _shot(page, "blend-card")

    # 8. download each format and parse it
    for link in page.locator("a.download").all():
        with page.expect_download() as info:
            link.click()
        lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
        assert lines and all(isinstance(json.loads(line), dict) for line in lines), link.get_attribute(
            "data-format"
        )

    # 9. the XSS document shows as text, and nothing ran
    docs = [r["evidence"][0]["document_id"] for r in relations if r["evidence"]]
    for document in dict.fromkeys(docs):
        page.goto(f"{server}/graphs/{graph}/documents/{document}")
        if "<script>" in page.locator("#document").inner_text():
            break
    else:
        raise AssertionError("the payload document was not found among the graph's documents")
    assert page.locator("#document script, #document img").count() == 0
    page.goto(f"{server}/tasks")
    _shot(page, "tasks")
    assert not page.problems, "\n".join(page.problems)


def _wait_finished(server: str, task_id: int, seconds: float = 60.0) -> str:
    """The state a task ends in (fails the test if it is still going after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = httpx.get(f"{server}/api/v1/tasks/{task_id}").json()["state"]
        if state in ("succeeded", "failed", "cancelled"):
            return state
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} still {state} after {seconds} s")


def _sha(server: str, path: Path) -> str:
    response = httpx.post(f"{server}/api/v1/uploads", files=[("files", (path.name, path.read_bytes()))])
    return response.json()[0]["sha256"]
