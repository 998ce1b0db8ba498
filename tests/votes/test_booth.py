"""The booth from Python: a pair is issued, voted on once, revealed; every abuse is refused with a
clear message and leaves the ledger as it was."""

from __future__ import annotations

import json

import pytest
from vote_helpers import SECRET, Answer, render

from genjudge.votes.booth import VoteBooth
from genjudge.votes.errors import VoteRefused
from genjudge.votes.ledger import VoteLedger
from genjudge.votes.pair_choice import CONTROL_GOLD, PairMix
from genjudge.votes.rate_limit import RateLimit

NO_CONTROLS = PairMix(control_share=0.0, disagreement_share=0.0)


def battle_booth(pool, ledger, clock, **options) -> VoteBooth:
    return VoteBooth(lambda: pool, ledger, SECRET, seed=3, clock=clock, mix=NO_CONTROLS, **options)


def test_a_vote_is_stored_with_its_pair_and_reveals_the_models(pool, ledger, clock):
    booth = battle_booth(pool, ledger, clock)
    voter = booth.voter("session-1")
    ballot = booth.next_ballot(voter)
    result = booth.cast(ballot.token, voter, "Tie(A)", "  <b>A</b> explains better  ")
    row = result.row
    assert (row["model_a"], row["model_b"]) == (result.left, result.right)
    shown = [pool.outputs[row[side]][row["uid"]] for side in ("model_a", "model_b")]
    assert ballot.view == render(pool.items[row["uid"]], *shown)  # A is the output shown left
    assert row["hash_a"] == pool.current_hash(row["model_a"], row["uid"])
    assert row["reason"] == "<b>A</b> explains better"  # stored as text; the page escapes it
    assert row["voter"] != "session-1" and len(row["voter"]) == 24  # salted hash, never the raw id
    assert f"A was {result.left}, B was {result.right}" in result.message
    assert [json.loads(line) for line in ledger.path.read_text().splitlines()] == [row]


def test_replays_second_votes_and_bad_labels_are_refused_and_store_nothing(pool, ledger, clock):
    booth = battle_booth(pool, ledger, clock)
    voter = booth.voter("session-1")
    ballot = booth.next_ballot(voter)
    booth.cast(ballot.token, voter, "A")
    before = ledger.path.read_bytes()
    with pytest.raises(VoteRefused, match="already used"):
        booth.cast(ballot.token, voter, "B")
    again, _ = booth.desk.issue(  # a fresh ticket for the same pair, the other way round
        board="opening",
        uid=ballot.uid,
        left=booth.ledger.rows()[0]["model_b"],
        right=booth.ledger.rows()[0]["model_a"],
        hash_left=booth.ledger.rows()[0]["hash_b"],
        hash_right=booth.ledger.rows()[0]["hash_a"],
        kind="battle",
        voter=voter,
        now=clock(),
    )
    with pytest.raises(VoteRefused, match="already voted on this pair"):
        booth.cast(again, voter, "A")
    fresh = booth.next_ballot(voter)
    with pytest.raises(VoteRefused, match="must be one of"):
        booth.cast(fresh.token, voter, "Tie")
    with pytest.raises(VoteRefused, match="at most 1000"):
        booth.cast(fresh.token, voter, "A", "x" * 1001)
    with pytest.raises(VoteRefused, match="another voter"):
        booth.cast(fresh.token, booth.voter("session-2"), "A")
    with pytest.raises(VoteRefused, match="no valid ticket"):
        booth.cast("made-up", voter, "A")
    assert ledger.path.read_bytes() == before


def test_a_pair_never_issued_is_refused(pool, ledger, clock):
    booth = battle_booth(pool, ledger, clock)
    voter = booth.voter("s")
    forged = VoteBooth(lambda: pool, ledger, b"another-secret-0123456789", clock=clock).next_ballot(voter)
    with pytest.raises(VoteRefused, match="not issued here"):
        booth.cast(forged.token, voter, "A")
    assert not ledger.path.exists()


def test_changed_outputs_void_the_ticket(pool, ledger, clock):
    from dataclasses import replace

    current = {"pool": pool}
    booth = VoteBooth(lambda: current["pool"], ledger, SECRET, clock=clock, mix=NO_CONTROLS)
    voter = booth.voter("s")
    ballot = booth.next_ballot(voter)
    outputs = {m: dict(o) for m, o in pool.outputs.items()}
    for model in outputs:
        outputs[model][ballot.uid] = Answer("resubmitted")
    current["pool"] = replace(pool, outputs=outputs)
    with pytest.raises(VoteRefused, match="changed on the board"):
        booth.cast(ballot.token, voter, "A")


def test_a_burst_above_the_rate_limit_is_refused_until_the_window_passes(pool, tmp_path, clock):
    from filelock import FileLock

    ledger = VoteLedger(tmp_path / "v.jsonl", FileLock(str(tmp_path / ".lock")), rate_limit=RateLimit(3, 60))
    booth = battle_booth(pool, ledger, clock)
    voter = booth.voter("fast")
    for _ in range(3):
        booth.cast(booth.next_ballot(voter).token, voter, "A")
        clock.now += 1
    ballot = booth.next_ballot(voter)
    with pytest.raises(VoteRefused, match="at most 3 votes in any 60 s; please wait 57 s"):
        booth.cast(ballot.token, voter, "A")
    assert len(ledger.rows()) == 3
    clock.now += 57
    booth.cast(ballot.token, voter, "A")  # the same unused ticket counts once the window moved on
    other = booth.voter("someone else")  # the limit is per voter
    booth.cast(booth.next_ballot(other).token, other, "B")
    assert len(ledger.rows()) == 5


def test_an_expired_ticket_is_refused(pool, ledger, clock):
    booth = battle_booth(pool, ledger, clock, ticket_ttl_seconds=30)
    voter = booth.voter("slow")
    ballot = booth.next_ballot(voter)
    clock.now += 31
    with pytest.raises(VoteRefused, match="expired"):
        booth.cast(ballot.token, voter, "A")


def test_a_voter_who_fails_a_control_is_flagged_and_left_out(pool, ledger, clock):
    always_control = PairMix(control_share=1.0, disagreement_share=0.0)
    booth = VoteBooth(lambda: pool, ledger, SECRET, seed=0, clock=clock, mix=always_control)
    careless, careful = booth.voter("careless"), booth.voter("careful")
    for voter, pick_gold in ((careless, False), (careful, True)):
        ballot = booth.next_ballot(voter)
        good, broken = pool.controls[ballot.uid], Answer("")  # what the board's control hook made
        row_left = ballot.view == render(pool.items[ballot.uid], good, broken)
        assert row_left or ballot.view == render(pool.items[ballot.uid], broken, good)
        gold_side = "A" if row_left else "B"
        broken_side = "B" if row_left else "A"
        result = booth.cast(ballot.token, voter, gold_side if pick_gold else broken_side)
        assert result.row["kind"] == "control" and "control pair" in result.message
        assert CONTROL_GOLD in (result.left, result.right)
    booth.mix = NO_CONTROLS
    for voter in (careless, careful):
        booth.cast(booth.next_ballot(voter).token, voter, "A")
    numbers = booth.live()
    assert numbers.flagged_voters == 1 and numbers.controls == 2
    assert numbers.counted == 1  # the careful voter's battle vote; the careless one's is excluded


def test_every_pair_voted_runs_out_politely(pool, ledger, clock):
    booth = battle_booth(pool, ledger, clock)
    booth.ledger.rate_limit = RateLimit(100, 60)
    voter = booth.voter("diligent")
    for _ in range(len(pool.items) * 3 + len(pool.control_uids)):  # 3 model pairs, then controls
        booth.cast(booth.next_ballot(voter).token, voter, "A")
    kinds = [row["kind"] for row in ledger.rows()]
    assert kinds == ["battle"] * 12 + ["control"] * 4  # controls fill in once the battles are done
    with pytest.raises(VoteRefused, match="every pair"):
        booth.next_ballot(voter)


def test_one_ticket_sent_from_many_threads_at_once_counts_once(pool, ledger, clock):
    from concurrent.futures import ThreadPoolExecutor

    booth = battle_booth(pool, ledger, clock)
    voter = booth.voter("impatient")
    ballot = booth.next_ballot(voter)

    def send(_: int) -> str:
        try:
            booth.cast(ballot.token, voter, "A")
        except VoteRefused as exc:
            return str(exc)
        return "accepted"

    with ThreadPoolExecutor(16) as threads:
        outcomes = list(threads.map(send, range(16)))
    assert outcomes.count("accepted") == 1
    assert all("already used" in o for o in outcomes if o != "accepted")
    assert len(ledger.rows()) == 1
