#!/usr/bin/env bash
# The base install works: genjudge with no extras (plus pytest), in a virtual environment of its own
# (.venv-core), runs every help page and the commands that need no extra (tests/core). Called by
# scripts/test.sh after the main suite; reinstalls only when pyproject.toml or the constraints change.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
venv=.venv-core
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
stamp="$venv/.genjudge-installed"
want="$(cat pyproject.toml scripts/constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -c scripts/constraints.txt -e . pytest pytest-timeout
  echo "$want" > "$stamp"
fi
# The check is only worth something if no extra crept in.
for module in torch transformers gradio httpx sklearn ray; do
  if "$venv/bin/python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$module') is None)"; then
    echo "core check: $module is installed in $venv, which must hold genjudge's core dependencies only" >&2
    exit 1
  fi
done
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_EVALUATE_OFFLINE=1
exec "$venv/bin/python" -m pytest -p no:cacheprovider -q tests/core "$@"
