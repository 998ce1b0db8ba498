"""Tickets are opaque ids: they say nothing about the pair, and only the desk that issued one, for its
voter, unused and before its expiry, accepts it; the desk holds a bounded number."""

from __future__ import annotations

import base64

import pytest

from genjudge.votes.errors import VoteRefused
from genjudge.votes.tickets import TicketDesk, pair_id

PAIR = dict(
    board="b", uid="1", left="model-x", right="model-y", hash_left="h1", hash_right="h2", kind="control"
)


def test_an_issued_ticket_verifies_for_its_voter_and_reveals_nothing():
    desk = TicketDesk(ttl_seconds=60)
    token, ticket = desk.issue(**PAIR, voter="v1", now=100.0)
    assert desk.verify(token, voter="v1", now=150.0) == ticket
    assert ticket.pair_id == pair_id("b", "1", "model-y", "model-x")  # whichever side was shown left
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    for secret in ("model-x", "model-y", "control", "h1", "v1"):
        assert secret not in token and secret.encode() not in decoded


@pytest.mark.parametrize(
    ("voter", "now", "message"),
    [("v2", 150.0, "issued to another voter"), ("v1", 161.0, "expired")],
)
def test_a_ticket_for_someone_else_or_too_late_is_refused(voter, now, message):
    desk = TicketDesk(ttl_seconds=60)
    token, _ = desk.issue(**PAIR, voter="v1", now=100.0)
    with pytest.raises(VoteRefused, match=message):
        desk.verify(token, voter=voter, now=now)


def test_a_used_ticket_or_one_from_another_desk_is_refused():
    desk = TicketDesk()
    token, _ = desk.issue(**PAIR, voter="v1")
    desk.mark_used(token)
    with pytest.raises(VoteRefused, match="already used"):
        desk.verify(token, voter="v1")
    other, _ = TicketDesk().issue(**PAIR, voter="v1")  # another server, or this one before a restart
    with pytest.raises(VoteRefused, match="not issued here"):
        desk.verify(other, voter="v1")
    for junk in ("", "no-dot", "a.b.c", "!!!.???", other[:-1], other + "A", None):
        with pytest.raises(VoteRefused):
            desk.verify(junk, voter="v1")


def test_the_desk_is_bounded_per_voter_per_address_and_in_all_and_forgets_expired_tickets():
    desk = TicketDesk(ttl_seconds=60, max_tickets=10, max_per_holder=3)
    first, _ = desk.issue(**PAIR, voter="greedy", now=0.0)
    for _ in range(3):
        desk.issue(**PAIR, voter="greedy", now=1.0)
    with pytest.raises(VoteRefused, match="not issued here"):  # its own oldest went first
        desk.verify(first, voter="greedy", now=2.0)
    assert len(desk) == 3
    for n in range(5):  # new voters each time, one address: the address holds three
        desk.issue(**PAIR, voter=f"sock-{n}", address="10.0.0.1", now=2.0)
    assert len(desk) == 6
    for n in range(20):
        desk.issue(**PAIR, voter=f"v{n}", now=3.0)
    assert len(desk) == 10
    desk.issue(**PAIR, voter="late", now=100.0)  # everything else expired at 61–63
    assert len(desk) == 1
