#!/usr/bin/env bash
# A local Neo4j 5.26 community server without Docker, run from Maven Central jars (Java 17 + Maven).
#   bash scripts/neo4j-server.sh start [--port 7687] [--home .neo4j]   # prints the export lines to use it
#   bash scripts/neo4j-server.sh status | stop
# The same server the test suite starts (tests/neo4j/server.py); authentication is on, with a
# generated password kept in <home>/kgsynth-server.json (mode 600).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  source scripts/_venv.sh neo4j >/dev/null
fi
exec .venv/bin/python -m tests.neo4j.server "$@"
