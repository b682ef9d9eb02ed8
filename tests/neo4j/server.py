"""A real Neo4j community server for tests and local use, run from Maven Central jars.

No tarball, no Docker: ``tests/neo4j/pom.xml`` pins ``org.neo4j:neo4j`` and Maven copies it
and its runtime dependencies into ``tests/neo4j/lib`` (git-ignored; ``~/.m2`` caches them).
``LocalNeo4j`` writes a minimal ``neo4j.conf`` into a fresh home directory (Bolt on 127.0.0.1
and a free port, HTTP off, usage reporting off, a small page cache), sets a generated initial
password with Neo4j's own admin tool (so authentication stays on and the credential path is
tested), starts ``org.neo4j.server.CommunityEntryPoint`` in console mode, waits for Bolt with a
bounded wait, and stops it with SIGTERM.

Used by the pytest fixture (``tests/store/neo4j_env.py``) and by ``scripts/neo4j-server.sh``
(``python -m tests.neo4j.server start|stop|status``), so users can start the same server.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.ports import free_port

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LIB = HERE / "lib"

#: What Neo4j 5's own launcher adds on Java 17 (ConfigFileMigrator's recommended JVM arguments);
#: without them the page cache and Netty cannot reach the JDK internals they use.
JAVA_17_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dlog4j2.disable.jmx=true",
)
HEAP_FLAGS = ("-Xms512m", "-Xmx1g")
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
STATE_FILE = "kgsynth-server.json"
DEFAULT_START_SECONDS = 120.0


class ServerError(RuntimeError):
    """The local Neo4j could not be prepared, started or stopped; the message says why."""


def resolve_jars(*, quiet: bool = True) -> Path:
    """The folder of Neo4j jars, copied there by Maven first if it holds none yet.

    Raises:
        ServerError: Maven is missing or could not resolve the artifacts (its output tail shown).
    """
    if _has_server_jar(LIB):
        return LIB
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ServerError(
            "the local Neo4j needs its jars in tests/neo4j/lib and Maven is not installed to fetch "
            "them: install Maven 3.8+ and Java 17, or set KGSYNTH_NEO4J_URI to a running Neo4j."
        )
    command = [mvn, "-B", "-f", str(POM), "dependency:copy-dependencies"]
    if quiet:
        command.insert(1, "-q")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not _has_server_jar(LIB):
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise ServerError(f"Maven could not resolve the Neo4j jars ({' '.join(command)}):\n{tail}")
    return LIB


def _has_server_jar(lib: Path) -> bool:
    return lib.is_dir() and any(lib.glob("neo4j-[0-9]*.jar"))


def neo4j_version(lib: Path = LIB) -> str:
    """The Neo4j version of the jars in ``lib``, read from the server jar's file name."""
    for jar in sorted(lib.glob("neo4j-[0-9]*.jar")):
        return jar.stem.removeprefix("neo4j-")
    raise ServerError(f"no Neo4j server jar in {lib}")


def port_is_taken(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def new_password() -> str:
    """A random admin password that no command line can mistake for an option.

    ``secrets.token_urlsafe`` may start with ``-``; neo4j-admin then reads the
    password as an unknown option and fails with "Missing required parameter"
    (one CI run in about 64 lost its whole Neo4j leg that way).
    """
    return "kg" + secrets.token_hex(16)


@dataclass
class LocalNeo4j:
    """One Neo4j server process with its own home directory, port and password."""

    home: Path
    port: int
    password: str
    user: str = "neo4j"
    pid: int | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.home / "logs" / "console.log"

    @classmethod
    def create(cls, home: Path | None = None, port: int | None = None) -> LocalNeo4j:
        """A server description in a new home (a temp dir by default), on a free port."""
        home = Path(home) if home is not None else Path(tempfile.mkdtemp(prefix="kgsynth-neo4j-"))
        return cls(home=home, port=port or free_port(), password=new_password())

    # ---------------------------------------------------------------- start / stop
    def start(self, *, lib: Path | None = None, timeout: float = DEFAULT_START_SECONDS) -> LocalNeo4j:
        """Configure, set the initial password, launch, and wait until Bolt answers.

        Raises:
            ServerError: Java missing, port taken, the process died, or no answer within ``timeout``
                (the tail of the server log is in the message).
        """
        lib = lib or resolve_jars()
        java = shutil.which("java")
        if java is None:
            raise ServerError("the local Neo4j needs Java 17: no `java` on PATH.")
        if port_is_taken(self.port):
            raise ServerError(f"port {self.port} on 127.0.0.1 is taken: choose another with --port.")
        self._write_config()
        classpath = f"{lib}/*"
        self._set_initial_password(java, classpath)
        command = [
            java,
            *JAVA_17_FLAGS,
            *HEAP_FLAGS,
            "-cp",
            classpath,
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.home / 'conf'}",
            "--console-mode",
        ]
        log = self.log_path.open("ab")
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        log.close()
        self.pid = process.pid
        self._save_state()
        try:
            self._wait_until_ready(process, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the server and wait for it; SIGKILL if it has not ended by ``timeout``."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            self.pid = None
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(self.pid):
            time.sleep(0.2)
        if _alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
        self.pid = None
        self._save_state()

    def remove(self) -> None:
        """Stop the server and delete its home directory."""
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    def log_tail(self, lines: int = 25) -> str:
        """The last lines of the server's console log (for error messages)."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.strip().splitlines()[-lines:])

    # ---------------------------------------------------------------- internals
    def _write_config(self) -> None:
        for folder in ("conf", "data", "logs", "run", "plugins", "import", "licenses"):
            (self.home / folder).mkdir(parents=True, exist_ok=True)
        settings = {
            # Neo4j refuses to start on a setting it does not know, so only 5.26 names go here.
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.port}",
            "server.bolt.advertised_address": f"127.0.0.1:{self.port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.usage_report.enabled": "false",
            "server.memory.pagecache.size": "128m",
            "server.memory.heap.initial_size": "512m",
            "server.memory.heap.max_size": "1g",
            "dbms.security.auth_enabled": "true",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.home / "logs"),
            "server.directories.run": str(self.home / "run"),
            "server.directories.plugins": str(self.home / "plugins"),
            "server.directories.import": str(self.home / "import"),
            "server.directories.licenses": str(self.home / "licenses"),
        }
        text = "".join(f"{key}={value}\n" for key, value in settings.items())
        (self.home / "conf" / "neo4j.conf").write_text(text, encoding="utf-8")

    def _set_initial_password(self, java: str, classpath: str) -> None:
        if (self.home / "data" / "dbms" / "auth.ini").exists() or (self.home / "data" / "databases").exists():
            return  # the password is set once, before the first start only
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        command = [java, *JAVA_17_FLAGS, "-cp", classpath, ADMIN_TOOL, "dbms", "set-initial-password"]
        done = subprocess.run(
            [*command, self.password], env=env, capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).replace(self.password, "***")
            raise ServerError(f"neo4j-admin dbms set-initial-password failed:\n{output.strip()[-2000:]}")

    def _wait_until_ready(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ServiceUnavailable

        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ServerError(
                    f"Neo4j exited with code {process.returncode} while starting; "
                    f"log tail:\n{self.log_tail()}"
                )
            try:
                with GraphDatabase.driver(
                    self.uri, auth=(self.user, self.password), connection_timeout=2.0
                ) as driver:
                    driver.verify_connectivity()
                return
            except (ServiceUnavailable, AuthError, OSError) as exc:
                if time.monotonic() > deadline:
                    raise ServerError(
                        f"Neo4j did not answer on {self.uri} within {timeout:.0f} s "
                        f"({type(exc).__name__}); log tail:\n{self.log_tail()}"
                    ) from exc
            time.sleep(0.5)

    def _save_state(self) -> None:
        state = {
            "uri": self.uri,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "pid": self.pid,
        }
        path = self.home / STATE_FILE
        path.write_text(json.dumps(state), encoding="utf-8")
        path.chmod(0o600)

    @classmethod
    def load(cls, home: Path) -> LocalNeo4j:
        """The server described in ``home`` by an earlier ``start``."""
        try:
            state = json.loads((Path(home) / STATE_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ServerError(f"no local Neo4j was started in {home}") from exc
        return cls(home=Path(home), port=state["port"], password=state["password"], pid=state["pid"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this process still answers kill(0); reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == 0


# ------------------------------------------------------------------------- command line


def _exports(server: LocalNeo4j) -> str:
    return (
        f"export KGSYNTH_NEO4J_URI={server.uri}\n"
        f"export KGSYNTH_NEO4J_USER={server.user}\n"
        f"export KGSYNTH_NEO4J_PASSWORD={server.password}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/neo4j-server.sh",
        description="Start, stop or show a local Neo4j community server run from Maven Central jars.",
    )
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--home", type=Path, default=Path(".neo4j"), help="server home (default: ./.neo4j)")
    parser.add_argument("--port", type=int, default=7687, help="Bolt port on 127.0.0.1 (default: 7687)")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_START_SECONDS, help="seconds to wait for Bolt"
    )
    args = parser.parse_args(argv)
    try:
        if args.action == "start":
            if (args.home / STATE_FILE).exists():
                running = LocalNeo4j.load(args.home)
                if running.pid is not None and _alive(running.pid):
                    print(f"already running (pid {running.pid}):\n{_exports(running)}", end="")
                    return 0
                server = running
                server.port = args.port
            else:
                server = LocalNeo4j.create(args.home.resolve(), args.port)
            server.start(timeout=args.timeout)
            print(f"# Neo4j {neo4j_version()} running (pid {server.pid}); to use it:", file=sys.stderr)
            print(_exports(server), end="")
        elif args.action == "stop":
            LocalNeo4j.load(args.home).stop()
            print("stopped", file=sys.stderr)
        else:
            server = LocalNeo4j.load(args.home)
            alive = server.pid is not None and _alive(server.pid)
            print(f"{'running' if alive else 'stopped'}: {server.uri} (pid {server.pid})")
            return 0 if alive else 3
    except ServerError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
