"""The ledger on disk: a torn last line (a writer killed mid-append) is cut and not counted, a line
that is not a vote is named, and the secret behind tickets and voter hashes persists."""

from __future__ import annotations

import os

import pytest
from filelock import FileLock
from vote_helpers import SECRET

from genjudge.votes.ledger import VoteLedger, VoteLedgerError
from genjudge.votes.secret import SECRET_VARIABLE, load_or_create_secret, voter_hash


def test_a_torn_last_line_is_not_a_vote_and_the_next_append_repairs_it(booth, ledger):
    voter = booth.voter("s")
    booth.cast(booth.next_ballot(voter).token, voter, "A")
    with ledger.path.open("ab") as handle:
        handle.write(b'{"vote_id": "half-writ')  # a writer killed mid-line
    fresh = VoteLedger(ledger.path, ledger.lock)
    assert len(fresh.rows()) == 1
    booth.cast(booth.next_ballot(voter).token, voter, "B")
    assert [r["winner"] for r in VoteLedger(ledger.path, ledger.lock).rows()] == ["A", "B"]
    assert b"half-writ" not in ledger.path.read_bytes()


def test_a_line_that_is_not_a_vote_is_named(tmp_path):
    path = tmp_path / "votes.jsonl"
    path.write_text('{"vote_id": "x"}\n')
    with pytest.raises(VoteLedgerError, match=r"votes.jsonl: vote 1 is not a vote record"):
        VoteLedger(path, FileLock(str(tmp_path / ".lock"))).rows()


def test_the_secret_is_made_once_kept_private_and_taken_from_the_environment(tmp_path):
    path = tmp_path / "cache" / "vote-secret"
    first = load_or_create_secret(path, environ={})
    assert load_or_create_secret(path, environ={}) == first and len(first) == 64
    assert os.stat(path).st_mode & 0o077 == 0
    assert load_or_create_secret(path, environ={SECRET_VARIABLE: "x" * 20}) == b"x" * 20
    with pytest.raises(ValueError, match="at least 16"):
        load_or_create_secret(path, environ={SECRET_VARIABLE: "short"})


def test_voter_hashes_are_stable_per_server_and_hide_the_name():
    assert voter_hash(SECRET, "hf:alice") == voter_hash(SECRET, "hf:alice")
    assert voter_hash(SECRET, "hf:alice") != voter_hash(b"another-secret-0123", "hf:alice")
    assert "alice" not in voter_hash(SECRET, "hf:alice")
