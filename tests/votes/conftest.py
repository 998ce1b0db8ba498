"""Fixtures of the votes room: a small pool, a ledger in a temp folder and a booth over both with a
clock the tests move by hand; helpers live in ``vote_helpers`` (importable from tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from filelock import FileLock

sys.path.insert(0, str(Path(__file__).parent))

from vote_helpers import SECRET, Clock, make_pool

from genjudge.votes.booth import VoteBooth
from genjudge.votes.ledger import VoteLedger
from genjudge.votes.pool import VotePool


@pytest.fixture
def pool() -> VotePool:
    return make_pool()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ledger(tmp_path) -> VoteLedger:
    return VoteLedger(tmp_path / "votes" / "opening" / "votes.jsonl", FileLock(str(tmp_path / ".lock")))


@pytest.fixture
def booth(pool, ledger, clock) -> VoteBooth:
    return VoteBooth(lambda: pool, ledger, SECRET, seed=1, clock=clock, bootstrap_rounds=50)
