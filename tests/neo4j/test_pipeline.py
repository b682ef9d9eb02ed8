"""The whole pipeline on a real Neo4j: the same results as on SQLite, through the CLI a user runs.

One module-scoped pair of builds of the demo corpus (medical and legal) feeds every test:
``build`` -> ``stats`` / ``generate`` / ``check`` / ``export`` / ``import`` / ``remove`` must
give the same output whichever store holds the graph. Then the faults of a real deployment:
a build killed with SIGKILL and resumed, and two ``build --shard i/2`` processes writing into
one server at once, each ending with exactly the graph one plain build makes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.store.neo4j_env import neo4j_connection_or_skip

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
CORPORA = (("medical", REPO / "examples/docs/medical"), ("legal", REPO / "examples/docs/legal"))
GENERATE = ["--n", "60", "--hops", "1-3", "--types", "factoid,multihop,yesno,mcq", "--format", "raw"]


@dataclass(frozen=True)
class Cli:
    """Runs ``kgsynth`` in a work folder with the session's Neo4j credentials in its environment."""

    cwd: Path
    env: dict[str, str]
    neo4j_url: str

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "kgsynth", *args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"kgsynth {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
        return done

    def popen(self, *args: str, stderr: Path) -> subprocess.Popen[str]:
        """Start kgsynth in the background, stderr to a file (an unread pipe can fill and block it)."""
        with stderr.open("w", encoding="utf-8") as sink:
            return subprocess.Popen(
                [sys.executable, "-m", "kgsynth", *args],
                cwd=self.cwd,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=sink,
                text=True,
            )

    def build(self, store: str, *extra: str) -> None:
        for ontology, folder in CORPORA:
            self.run("build", str(folder), "--ontology", ontology, "--store", store, *extra)

    def stats(self, store: str) -> dict[str, object]:
        return json.loads(self.run("stats", "--store", store, "--json").stdout)

    def clear_neo4j(self) -> None:
        from kgsynth.store.neo4j import Neo4jStore

        user, password = self.env["KGSYNTH_NEO4J_USER"], self.env["KGSYNTH_NEO4J_PASSWORD"]
        with Neo4jStore(self.neo4j_url, user=user, password=password) as store:
            store.clear()

    def neo4j_duplicates(self) -> dict[str, int]:
        """Nodes and edges that share an id (should never exist)."""
        from neo4j import GraphDatabase

        counts = {
            "entities": "MATCH (n:Entity) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS n",
            "documents": "MATCH (n:Document) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS n",
            "relations": "MATCH (:Entity)-[r]->(:Entity) WITH r.id AS id, count(*) AS c WHERE c > 1 "
            "RETURN count(*) AS n",
        }
        auth = (self.env["KGSYNTH_NEO4J_USER"], self.env["KGSYNTH_NEO4J_PASSWORD"])
        with GraphDatabase.driver(self.neo4j_url, auth=auth) as driver:
            return {k: driver.execute_query(q).records[0]["n"] for k, q in counts.items()}


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    uri, user, password = neo4j_connection_or_skip()
    env = {
        **os.environ,
        "KGSYNTH_NEO4J_URI": uri,
        "KGSYNTH_NEO4J_USER": user,
        "KGSYNTH_NEO4J_PASSWORD": password,
    }
    return Cli(tmp_path_factory.mktemp("pipeline"), env, uri)


@pytest.fixture(scope="module")
def built(cli: Cli) -> Iterator[tuple[str, str]]:
    """(sqlite path, neo4j url), each holding the demo corpus built by the CLI."""
    cli.clear_neo4j()
    sqlite = str(cli.cwd / "kg.db")
    cli.build(sqlite)
    cli.build(cli.neo4j_url)
    yield sqlite, cli.neo4j_url
    cli.clear_neo4j()


def test_neo4j_pipeline_stats_equal_sqlite(cli: Cli, built: tuple[str, str]) -> None:
    sqlite, neo4j = built
    stats = cli.stats(neo4j)
    assert (stats, stats["relations"] > 400) == (cli.stats(sqlite), True)


def test_neo4j_pipeline_samples_and_verdicts_equal_sqlite(cli: Cli, built: tuple[str, str]) -> None:
    outputs = []
    for name, store in zip(("sqlite", "neo4j"), built, strict=True):
        samples = cli.cwd / f"samples-{name}.jsonl"
        checked = cli.cwd / f"checked-{name}.jsonl"
        cli.run("generate", "--store", store, *GENERATE, "--seed", "7", "-o", str(samples))
        cli.run("check", str(samples), "--store", store, "-o", str(checked))
        outputs.append((samples.read_text(encoding="utf-8"), checked.read_text(encoding="utf-8")))
    (sqlite_samples, sqlite_checked), (neo4j_samples, neo4j_checked) = outputs
    verdicts = [json.loads(line) for line in neo4j_checked.splitlines()]
    assert (neo4j_samples, neo4j_checked, len(verdicts)) == (sqlite_samples, sqlite_checked, 60)


def test_neo4j_export_equals_sqlite_export_and_imports_back(cli: Cli, built: tuple[str, str]) -> None:
    sqlite, neo4j = built
    dump = cli.run("export", "--store", neo4j, "--format", "jsonl").stdout
    (cli.cwd / "neo4j-dump.jsonl").write_text(dump, encoding="utf-8")
    copy = str(cli.cwd / "from-neo4j.db")
    cli.run("import", str(cli.cwd / "neo4j-dump.jsonl"), "--store", copy)
    again = cli.run("export", "--store", copy, "--format", "jsonl").stdout
    from_sqlite = cli.run("export", "--store", sqlite, "--format", "jsonl").stdout
    kinds = {json.loads(line)["kind"] for line in dump.splitlines()}
    assert (dump, again, kinds) == (
        from_sqlite,
        dump,
        {"schema", "entity", "document", "chunk", "mention", "relation"},
    )
    assert cli.stats(copy) == cli.stats(neo4j)


def test_neo4j_remove_reports_what_sqlite_reports(cli: Cli, built: tuple[str, str]) -> None:
    sqlite, neo4j = built
    lines = cli.run("export", "--store", sqlite, "--format", "jsonl").stdout.splitlines()
    document_id = next(r["id"] for r in map(json.loads, lines) if r["kind"] == "document")
    reports = [json.loads(cli.run("remove", document_id, "--store", store).stdout) for store in built]
    assert (reports[1], reports[1]["relations"] > 0, cli.stats(neo4j)) == (
        reports[0],
        True,
        cli.stats(sqlite),
    )


@pytest.fixture(scope="module")
def big_corpus(cli: Cli) -> tuple[Path, dict[str, object]]:
    """The medical demo corpus eight times over (each copy a distinct text), and its SQLite stats."""
    folder = cli.cwd / "big"
    folder.mkdir()
    sources = sorted(p for p in CORPORA[0][1].iterdir() if p.suffix == ".txt")
    for copy in range(8):
        for source in sources:
            text = source.read_text(encoding="utf-8")
            (folder / f"{source.stem}-{copy}.txt").write_text(f"{text}\n\nCopy {copy}.\n", encoding="utf-8")
    sqlite = str(cli.cwd / "big.db")
    cli.run("build", str(folder), "--ontology", "medical", "--store", sqlite)
    return folder, cli.stats(sqlite)


def test_neo4j_build_killed_and_resumed_has_no_duplicates(
    cli: Cli, built: tuple[str, str], big_corpus: tuple[Path, dict[str, object]]
) -> None:
    folder, expected = big_corpus
    cli.clear_neo4j()
    victim = cli.popen(
        "build", str(folder), "--ontology", "medical", "--store", cli.neo4j_url, stderr=cli.cwd / "victim.err"
    )
    killed_at = _wait_for_documents(cli, minimum=20, process=victim)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    cli.run("build", str(folder), "--ontology", "medical", "--store", cli.neo4j_url)
    stats = cli.stats(cli.neo4j_url)
    assert (killed_at < int(stats["documents"]), stats, cli.neo4j_duplicates()) == (  # type: ignore[call-overload]
        True,
        expected,
        {"entities": 0, "documents": 0, "relations": 0},
    )


def test_neo4j_concurrent_shards_build_the_graph_of_one_build(
    cli: Cli, built: tuple[str, str], big_corpus: tuple[Path, dict[str, object]]
) -> None:
    folder, expected = big_corpus
    cli.clear_neo4j()
    logs = [cli.cwd / f"shard{i}.err" for i in range(2)]
    shards = [
        cli.popen(
            "build",
            str(folder),
            "--ontology",
            "medical",
            "--store",
            cli.neo4j_url,
            "--shard",
            f"{i}/2",
            stderr=log,
        )
        for i, log in enumerate(logs)
    ]
    codes = [p.wait(timeout=600) for p in shards]
    outcomes = [
        (code, log.read_text(encoding="utf-8")[-2000:]) for code, log in zip(codes, logs, strict=True)
    ]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert (cli.stats(cli.neo4j_url), cli.neo4j_duplicates()) == (
        expected,
        {"entities": 0, "documents": 0, "relations": 0},
    )


def _wait_for_documents(cli: Cli, minimum: int, process: subprocess.Popen[str]) -> int:
    """Wait until the build has committed ``minimum`` documents; how many it had (fail if it ended first)."""
    from neo4j import GraphDatabase

    auth = (cli.env["KGSYNTH_NEO4J_USER"], cli.env["KGSYNTH_NEO4J_PASSWORD"])
    deadline = time.monotonic() + 300
    with GraphDatabase.driver(cli.neo4j_url, auth=auth) as driver:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError("the build ended before it could be killed midway")
            count = driver.execute_query("MATCH (d:Document) RETURN count(d) AS n").records[0]["n"]
            if count >= minimum:
                return count
            time.sleep(0.02)
    raise AssertionError(f"the build committed fewer than {minimum} documents within 300 s")
