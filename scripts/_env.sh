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
# The stamp holds the hash of what was installed from and the extras installed. An install with
# more extras than asked for counts (demo.sh after test.sh installs nothing), and a reinstall keeps
# the extras installed before (test.sh after demo.sh adds only the dev tools).
stamp=".venv/.genjudge-installed"
hash="$(cat pyproject.toml scripts/constraints.txt | sha256sum | cut -c1-16)"
installed_hash="" installed_extras=""
if [ -f "$stamp" ]; then
  read -r installed_hash installed_extras < "$stamp" || true
fi
missing=""
for extra in ${GENJUDGE_EXTRAS//,/ }; do
  case ",${installed_extras}," in *",${extra},"*) ;; *) missing="${missing} ${extra}" ;; esac
done
if [ "$installed_hash" != "$hash" ] || [ -n "$missing" ]; then
  extras="$(echo "${installed_extras},${GENJUDGE_EXTRAS}" | tr ',' '\n' | grep -v '^$' | sort -u | paste -sd, -)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c scripts/constraints.txt -e ".[${extras}]"
  echo "$hash ${extras}" > "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}" HF_DATASETS_OFFLINE="${HF_DATASETS_OFFLINE:-1}" HF_EVALUATE_OFFLINE="${HF_EVALUATE_OFFLINE:-1}"
