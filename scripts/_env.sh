# Sourced by the quick-start scripts: creates (or reuses) .venv and installs genjudge with the
# extras named in $GENJUDGE_EXTRAS, pinned by scripts/constraints.txt. Reinstalls only when
# pyproject.toml or the constraints change, so a second run starts in seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.genjudge-installed"
want="$(cat pyproject.toml scripts/constraints.txt | sha256sum | cut -c1-16) ${GENJUDGE_EXTRAS}"
if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c scripts/constraints.txt -e ".[${GENJUDGE_EXTRAS}]"
  echo "$want" > "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}" HF_DATASETS_OFFLINE="${HF_DATASETS_OFFLINE:-1}" HF_EVALUATE_OFFLINE="${HF_EVALUATE_OFFLINE:-1}"
