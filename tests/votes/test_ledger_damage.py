"""A ledger damaged by hand (a line edited, cut short, not JSON, of the wrong types, a repeated id):
voting stops with the file and line named, the log says so once, nothing stored is lost or
rewritten, and `votes check --repair` moves the damaged lines aside so voting resumes."""

from __future__ import annotations

import json
import logging

import pytest
from vote_helpers import SECRET

from genjudge.votes.booth import VoteBooth
from genjudge.votes.errors import VotingUnavailable
from genjudge.votes.ledger import VoteLedger, VoteLedgerError
from genjudge.votes.repair import check_ledger, quarantine_damaged


def edit_second_line(line: str) -> str:
    return line.replace('"winner": "', '"winner": "X')


DAMAGE = {
    "not JSON": (lambda line: "this is not json", "not JSON"),
    "cut short": (lambda line: line[: len(line) // 2], "not JSON"),
    "wrong label": (edit_second_line, "field 'winner' is"),
    "a number where a string belongs": (
        lambda line: json.dumps({**json.loads(line), "uid": 7}),
        "field 'uid' is int, not a string",
    ),
    "a string where the time belongs": (
        lambda line: json.dumps({**json.loads(line), "voted_at": "yesterday"}),
        "field 'voted_at' is 'yesterday'",
    ),
    "flags not a list": (
        lambda line: json.dumps({**json.loads(line), "flags": "x"}),
        "not a list of strings",
    ),
    "a field missing": (
        lambda line: json.dumps({k: v for k, v in json.loads(line).items() if k != "voter"}),
        "'voter' is missing",
    ),
    "a list, not a record": (lambda line: "[1, 2]", "a JSON list"),
    "a repeated id": (None, "repeats the vote on line 1"),
}


def three_votes(booth: VoteBooth) -> None:
    for name in ("a", "b", "c"):
        voter = booth.voter(f"session:{name}")
        booth.cast(booth.next_ballot(voter).token, voter, "A", "fine")


def damage(path, how: str) -> bytes:
    lines = path.read_text().splitlines()
    edit, _ = DAMAGE[how]
    lines[1] = lines[0] if edit is None else edit(lines[1])
    path.write_text("\n".join(lines) + "\n")
    return path.read_bytes()


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_a_damaged_line_stops_voting_with_file_and_line_named_and_nothing_rewritten(
    pool, ledger, clock, caplog, how
):
    three_votes(VoteBooth(lambda: pool, ledger, SECRET, clock=clock))
    damaged = damage(ledger.path, how)
    with caplog.at_level(logging.ERROR, logger="genjudge.votes"):
        booth = VoteBooth(
            lambda: pool, VoteLedger(ledger.path, ledger.lock), SECRET, clock=clock
        )  # a restart
        voter = booth.voter("session:new")
        for attempt in (
            lambda: booth.next_ballot(voter),
            lambda: booth.cast("x" * 24, voter, "A"),
            booth.live,
        ):
            with pytest.raises(VotingUnavailable, match=r"Voting is unavailable: .*votes\.jsonl line 2: "):
                attempt()
    assert ledger.path.read_bytes() == damaged
    records = [r for r in caplog.records if r.name == "genjudge.votes"]
    assert len(records) == 1 and records[0].exc_info is None  # one line, no traceback
    assert f"{ledger.path}: vote 2 is not a vote record (line 2: " in records[0].getMessage()
    assert DAMAGE[how][1] in records[0].getMessage()
    with pytest.raises(VoteLedgerError) as raised:
        VoteLedger(ledger.path, ledger.lock).rows()
    assert (raised.value.path, raised.value.line) == (ledger.path, 2)


def test_a_whole_vote_that_lost_its_newline_is_not_cut(pool, ledger, clock):
    booth = VoteBooth(lambda: pool, ledger, SECRET, clock=clock)
    three_votes(booth)
    ledger.path.write_bytes(ledger.path.read_bytes().rstrip(b"\n"))
    kept = ledger.path.read_bytes()
    voter = booth.voter("session:new")
    with pytest.raises(VotingUnavailable, match="line 3: the last line has no newline"):
        booth.cast(booth.desk.issue(**_pair(), voter=voter, now=clock())[0], voter, "A")
    assert ledger.path.read_bytes() == kept
    check, moved = quarantine_damaged(ledger.path, ledger.lock, ledger.path.parent / "q")
    assert check.missing_newline and moved is None and ledger.path.read_bytes() == kept + b"\n"
    assert len(booth.ledger.rows()) == 3


def _pair() -> dict:
    return dict(
        board="opening",
        uid="0101001",
        left="alpha",
        right="beta",
        hash_left="h",
        hash_right="h",
        kind="battle",
    )


def test_check_names_the_damaged_lines_and_repair_moves_them_aside_keeping_every_vote(
    pool, ledger, clock, tmp_path
):
    booth = VoteBooth(lambda: pool, ledger, SECRET, clock=clock)
    three_votes(booth)
    good = ledger.path.read_bytes().splitlines(keepends=True)
    ledger.path.write_bytes(good[0] + b"{oops\n" + good[1] + good[0] + good[2] + b'{"vote_id": "to')
    check = check_ledger(ledger.path)
    assert [(d.line, d.problem.split(" (")[0]) for d in check.damaged] == [
        (2, "not JSON"),
        (4, "vote_id " + repr(json.loads(good[0])["vote_id"]) + " repeats the vote on line 1"),
        (6, "cut short: a write that never finished"),
    ]
    assert check.votes == 3 and not check.ok

    check, moved = quarantine_damaged(ledger.path, ledger.lock, tmp_path / "quarantine")
    assert ledger.path.read_bytes() == b"".join(good)  # every good line byte for byte, in order
    held = moved.read_text()
    assert "# line 2: not JSON" in held and "{oops" in held and '{"vote_id": "to' in held
    assert check_ledger(ledger.path).ok
    voter = booth.voter("session:after")
    booth.cast(booth.next_ballot(voter).token, voter, "B")  # voting resumes without a restart
    assert len(booth.ledger.rows()) == 4
