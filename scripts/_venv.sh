# Sourced by demo.sh and test.sh: make ./.venv and install kgsynth into it with the given extras.
# Re-running is cheap: pip skips what is already installed. Install output goes to .venv/install.log.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
extras="$1"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
echo "installing kgsynth[${extras}] into .venv (log: .venv/install.log)" >&2
if ! { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e ".[${extras}]"; } \
    > .venv/install.log 2>&1; then
  tail -n 30 .venv/install.log >&2
  echo "Error: installing kgsynth[${extras}] failed; the whole log is .venv/install.log" >&2
  exit 1
fi
