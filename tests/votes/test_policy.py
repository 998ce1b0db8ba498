"""Who may vote and how fast: limits per client address and per pair that a new session does not
reset, a login the board can require, reasons that are plain text, and an address no header forges."""

from __future__ import annotations

import pytest
from vote_helpers import SECRET

from genjudge.votes.booth import VoteBooth
from genjudge.votes.errors import VoteRefused
from genjudge.votes.pair_choice import PairMix
from genjudge.votes.policy import UNTRUSTED_FORWARDING, VotePolicy
from genjudge.votes.rate_limit import RateLimit
from genjudge.votes.reason import check_reason, terminal_safe

NO_CONTROLS = PairMix(control_share=0.0, disagreement_share=0.0)


def booth_with(pool, ledger, clock, **policy) -> VoteBooth:
    return VoteBooth(
        lambda: pool, ledger, SECRET, seed=2, clock=clock, mix=NO_CONTROLS, policy=VotePolicy(**policy)
    )


def test_a_new_session_per_vote_does_not_reset_the_address_limit(pool, ledger, clock):
    booth = booth_with(pool, ledger, clock, address_limit=RateLimit(3, 60))
    outcomes = []
    for n in range(6):
        voter = booth.voter(f"session:fresh-{n}")
        try:
            booth.cast(booth.next_ballot(voter, "203.0.113.7").token, voter, "A", address="203.0.113.7")
            outcomes.append("accepted")
        except VoteRefused as exc:
            outcomes.append(str(exc))
    assert outcomes[:3] == ["accepted"] * 3
    assert all("at most 3 votes in any 60 s from one address" in o for o in outcomes[3:])
    assert len(ledger.rows()) == 3
    voter = booth.voter("session:elsewhere")  # another address is not held up
    booth.cast(booth.next_ballot(voter).token, voter, "A", address="198.51.100.1")
    clock.now += 60
    voter = booth.voter("session:later")
    booth.cast(booth.next_ballot(voter).token, voter, "A", address="203.0.113.7")
    assert len(ledger.rows()) == 5


def test_a_refused_vote_does_not_use_up_the_address_budget(pool, ledger, clock):
    booth = booth_with(pool, ledger, clock, address_limit=RateLimit(2, 60))
    voter = booth.voter("session:a")
    ballot = booth.next_ballot(voter)
    booth.cast(ballot.token, voter, "A", address="192.0.2.1")
    for _ in range(3):
        with pytest.raises(VoteRefused, match="already used"):
            booth.cast(ballot.token, voter, "A", address="192.0.2.1")
    booth.cast(booth.next_ballot(voter).token, voter, "B", address="192.0.2.1")
    assert len(ledger.rows()) == 2


def test_a_pair_takes_its_budget_of_votes_from_everyone_and_is_then_no_longer_offered(pool, ledger, clock):
    booth = booth_with(pool, ledger, clock, pair_budget=2)
    first = booth.voter("session:0")
    row = booth.cast(booth.next_ballot(first).token, first, "A").row
    late = [booth.voter(f"session:{n}") for n in (1, 2)]
    same_pair = dict(
        board=row["board"],
        uid=row["uid"],
        left=row["model_a"],
        right=row["model_b"],
        hash_left=row["hash_a"],
        hash_right=row["hash_b"],
        kind="battle",
    )
    tokens = [booth.desk.issue(**same_pair, voter=v, now=clock())[0] for v in late]
    booth.cast(tokens[0], late[0], "B")
    with pytest.raises(VoteRefused, match="already has the 2 votes it takes"):
        booth.cast(tokens[1], late[1], "A")
    assert len(ledger.rows()) == 2
    offered = {booth.desk.verify(booth.next_ballot(late[1]).token, voter=late[1]).pair_id for _ in range(20)}
    assert row["pair_id"] not in offered


def test_a_board_that_requires_login_refuses_sessions():
    from genjudge.votes.booth import VoteBooth

    booth = VoteBooth(lambda: None, _NoLedger(), SECRET, policy=VotePolicy(require_login=True))
    with pytest.raises(VoteRefused, match="Log in with Hugging Face"):
        booth.voter("session:abc")
    assert len(booth.voter("hf:alice")) == 24


class _NoLedger:
    def rows(self) -> list:
        return []


@pytest.mark.parametrize(
    "reason",
    [
        "\x1b[2J\x1b[31mowned",
        "nul\x00byte",
        "c1 \x9b31m",
        "del\x7f",
        "bidi \u202eevil",
        "isolate \u2066x",
        "cr\rx",
    ],
)
def test_control_characters_in_a_reason_are_refused_and_nothing_is_stored(pool, ledger, clock, reason):
    booth = booth_with(pool, ledger, clock)
    voter = booth.voter("session:x")
    ballot = booth.next_ballot(voter)
    with pytest.raises(VoteRefused, match="reason contains control characters"):
        booth.cast(ballot.token, voter, "A", reason)
    assert not ledger.path.exists()
    assert booth.cast(ballot.token, voter, "A", "  two lines\n\tfine  ").row["reason"] == "two lines\n\tfine"


def test_reason_rules_are_the_descriptions_and_the_terminal_sees_escapes():
    assert check_reason(None) == "" and check_reason("  é 漢字 ok ") == "é 漢字 ok"
    with pytest.raises(VoteRefused, match="must be text"):
        check_reason(["a list"])  # type: ignore[arg-type]
    assert terminal_safe("a\x1b[31mb\u202ec\nd\u2028e f") == "a\\x1b[31mb\\u202ec\\nd\\u2028e f"


def test_the_client_address_believes_no_header_unless_proxies_are_trusted():
    policy = VotePolicy()
    assert policy.client_address("203.0.113.9", []) == "203.0.113.9"
    assert policy.client_address("203.0.113.9", ["1.2.3.4"]) == "203.0.113.9"  # header ignored
    # uvicorn put the header's claim in place of a loopback peer: every such request shares one address
    assert policy.client_address("1.2.3.4", ["1.2.3.4"]) == UNTRUSTED_FORWARDING
    assert policy.client_address("5.6.7.8", ["9.9.9.9, 5.6.7.8"]) == UNTRUSTED_FORWARDING
    behind_one = VotePolicy(trusted_proxies=1)
    assert behind_one.client_address("10.0.0.2", ["forged, 198.51.100.4"]) == "198.51.100.4"
    assert behind_one.client_address("10.0.0.2", []) == "10.0.0.2"


def test_the_policy_comes_from_the_environment_and_bad_values_name_the_variable():
    policy = VotePolicy.from_env(
        {
            "GENJUDGE_VOTE_REQUIRE_LOGIN": "true",
            "GENJUDGE_VOTE_ADDRESS_LIMIT": "30/600",
            "GENJUDGE_VOTE_PAIR_BUDGET": "7",
            "GENJUDGE_VOTE_TRUSTED_PROXIES": "1",
        }
    )
    assert policy == VotePolicy(True, RateLimit(30, 600), 7, 1)
    assert VotePolicy.from_env({}) == VotePolicy()
    for name, value in [("GENJUDGE_VOTE_ADDRESS_LIMIT", "many"), ("GENJUDGE_VOTE_REQUIRE_LOGIN", "maybe")]:
        with pytest.raises(ValueError, match=name):
            VotePolicy.from_env({name: value})
