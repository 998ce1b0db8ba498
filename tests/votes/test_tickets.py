"""Tickets prove the server issued a pair to a voter: forged, altered, foreign, expired ones are refused."""

from __future__ import annotations

import base64
import json

import pytest

from genjudge.votes.errors import VoteRefused
from genjudge.votes.tickets import TicketSigner, pair_id

PAIR = dict(board="b", uid="1", left="x", right="y", hash_left="h1", hash_right="h2", kind="battle")


def test_an_issued_ticket_verifies_for_its_voter():
    signer = TicketSigner(b"s" * 32, ttl_seconds=60)
    token, ticket = signer.issue(**PAIR, voter="v1", now=100.0)
    assert signer.verify(token, voter="v1", now=150.0) == ticket
    assert ticket.pair_id == pair_id("b", "1", "y", "x")  # the pair, whichever side was shown left


@pytest.mark.parametrize(
    ("voter", "now", "message"),
    [("v2", 150.0, "issued to another voter"), ("v1", 161.0, "expired")],
)
def test_a_ticket_for_someone_else_or_too_late_is_refused(voter, now, message):
    signer = TicketSigner(b"s" * 32, ttl_seconds=60)
    token, _ = signer.issue(**PAIR, voter="v1", now=100.0)
    with pytest.raises(VoteRefused, match=message):
        signer.verify(token, voter=voter, now=now)


def test_a_forged_or_altered_ticket_is_refused():
    signer = TicketSigner(b"s" * 32)
    token, _ = signer.issue(**PAIR, voter="v1")
    other, _ = TicketSigner(b"t" * 32).issue(**PAIR, voter="v1")
    with pytest.raises(VoteRefused, match="not this server's"):
        signer.verify(other, voter="v1")
    body, signature = token.split(".")
    fields = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    fields["left"], fields["right"] = fields["right"], fields["left"]  # claim the other order was shown
    altered = base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")
    with pytest.raises(VoteRefused, match="not this server's"):
        signer.verify(f"{altered}.{signature}", voter="v1")
    for junk in ("", "no-dot", "a.b.c", "!!!.???"):
        with pytest.raises(VoteRefused):
            signer.verify(junk, voter="v1")
