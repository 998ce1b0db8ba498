#!/usr/bin/env bash
# Quick start 2: the whole test suite (lint + pytest). Fails when no test ran.
GENJUDGE_EXTRAS="all,dev"
source "$(dirname "$0")/_env.sh"
ruff check .
ruff format --check .
set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit "$status"
