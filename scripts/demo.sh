#!/usr/bin/env bash
# Quick start 1: the main job on the embedded default, offline, CPU only.
GENJUDGE_EXTRAS="all"
source "$(dirname "$0")/_env.sh"
exec genjudge demo "$@"
