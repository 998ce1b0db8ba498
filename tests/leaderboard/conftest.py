"""Fixtures of the leaderboard room; helpers live in ``leaderboard_helpers`` (importable from tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from leaderboard_helpers import WordCountJudge, make_instances

from genjudge.core.records import Instance


@pytest.fixture
def instances() -> list[Instance]:
    return make_instances()


@pytest.fixture
def judge() -> WordCountJudge:
    return WordCountJudge()
