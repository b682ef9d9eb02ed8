"""A Neo4j server that stops in the middle of a build: one clear line, a non-zero exit, and no
half-written document (each batch is one transaction, rolled back with the server). A resumed
build against the restarted server then completes the graph.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from tests.neo4j.server import LocalNeo4j, ServerError, resolve_jars

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

MEDICAL = Path(__file__).resolve().parents[2] / "examples/docs/medical"


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LocalNeo4j]:
    """A Neo4j of this test alone (it is stopped midway), removed at the end."""
    try:
        resolve_jars()
    except ServerError as exc:
        if os.environ.get("KGSYNTH_REQUIRE_NEO4J") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    server = LocalNeo4j.create(tmp_path / "neo4j")
    try:
        yield server.start()
    finally:
        server.remove()


def _corpus(folder: Path, copies: int) -> Path:
    folder.mkdir()
    for copy in range(copies):
        for source in sorted(MEDICAL.glob("*.txt")):
            text = source.read_text(encoding="utf-8")
            (folder / f"{source.stem}-{copy}.txt").write_text(f"{text}\n\nCopy {copy}.\n", encoding="utf-8")
    return folder


def _documents_without_chunks(server: LocalNeo4j) -> tuple[int, int]:
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        records = driver.execute_query(
            "MATCH (d:Document) RETURN count(d) AS documents, "
            "sum(CASE WHEN EXISTS { (d)-[:HAS_CHUNK]->() } THEN 0 ELSE 1 END) AS bare"
        ).records
    return records[0]["documents"], records[0]["bare"]


def test_build_against_a_server_that_stops_fails_in_one_line_and_resumes(
    own_server: LocalNeo4j, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "docs", copies=4)
    env = {**os.environ, "KGSYNTH_NEO4J_PASSWORD": own_server.password, "KGSYNTH_STORE__TIMEOUT": "3"}
    command = [sys.executable, "-m", "kgsynth", "build", str(corpus), "--ontology", "medical"]
    command += ["--store", own_server.uri]
    # stderr to a file, not a pipe nobody reads until the end: a full pipe would stall the build
    log_path = tmp_path / "build.stderr"
    with log_path.open("w", encoding="utf-8") as log:
        build = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        deadline = time.monotonic() + 300
        while _documents_without_chunks(own_server)[0] < 8 and time.monotonic() < deadline:
            assert build.poll() is None, "the build ended before the server could be stopped"
            time.sleep(0.05)
        own_server.stop()
        build.wait(timeout=120)
    stderr = log_path.read_text(encoding="utf-8")
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    own_server.start()
    stored, bare = _documents_without_chunks(own_server)
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    total, _ = _documents_without_chunks(own_server)
    outcome = (build.returncode, len(errors), "Neo4j" in errors[0] if errors else False, bare)
    assert outcome == (1, 1, True, 0), stderr[-3000:]
    assert (resumed.returncode, stored < total, total) == (0, True, 4 * len(list(MEDICAL.glob("*.txt"))))
