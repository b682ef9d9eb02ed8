"""The local Neo4j launcher's own failures: a taken port, no Java. (Its success is the whole Neo4j leg.)"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.neo4j.server import LIB, LocalNeo4j, ServerError, neo4j_version


def test_launcher_refuses_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        server = LocalNeo4j.create(tmp_path, busy.getsockname()[1])
        with pytest.raises(ServerError, match=f"port {server.port} on 127.0.0.1 is taken"):
            server.start(lib=tmp_path)


def test_launcher_without_java_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServerError, match="needs Java 17: no `java` on PATH"):
        LocalNeo4j.create(tmp_path).start(lib=tmp_path)


def test_launcher_pins_a_5_26_server() -> None:
    if not LIB.is_dir():
        pytest.skip("tests/neo4j/lib is not resolved (scripts/test.sh resolves it)")
    assert neo4j_version().startswith("5.26.")


def test_launcher_without_jars_or_maven_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.neo4j import server as launcher

    monkeypatch.setattr(launcher, "LIB", tmp_path / "lib")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServerError, match=r"Maven is not installed to fetch them: install Maven 3\.8"):
        launcher.resolve_jars()


def test_generated_passwords_never_look_like_an_option() -> None:
    # neo4j-admin reads a password starting with '-' as an option and fails
    # ("Missing required parameter: '<password>'"); token_urlsafe did that 1 time in 64.
    from tests.neo4j.server import new_password

    passwords = {new_password() for _ in range(500)}
    assert len(passwords) == 500
    assert all(p[0].isalpha() and p.isalnum() and len(p) >= 24 for p in passwords)
