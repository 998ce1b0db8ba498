#!/usr/bin/env bash
# Quick start 2: the whole test suite (lint + pytest, then the core-only install check).
# Fails when no test ran.
GENJUDGE_EXTRAS="all,dev"
source "$(dirname "$0")/_env.sh"
# The browser tests drive Debian's headless Chromium (browser builds cannot be downloaded here).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian chromium + chromium-driver for the browser tests" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq chromium chromium-driver >/dev/null \
      || echo "could not install chromium: browser tests will be skipped" >&2
  fi
fi
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
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
# The base install (no extras) in an environment of its own.
exec bash scripts/core_check.sh
