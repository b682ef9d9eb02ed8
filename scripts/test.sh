#!/usr/bin/env bash
# The whole test suite: installs kgsynth with its dev extras into ./.venv and the Cypher
# linter (Neo4j's own parser, run under Node) into tests/store/cypher, lints, then runs pytest.
source "$(dirname "$0")/_venv.sh" dev
if [ -f tests/store/cypher/package-lock.json ]; then
  npm ci --prefix tests/store/cypher --no-audit --no-fund --loglevel=error
fi
.venv/bin/ruff check kgsynth tests scripts
.venv/bin/lint-imports --config pyproject.toml
.venv/bin/python -m pytest "$@"
