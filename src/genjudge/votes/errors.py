"""The errors of voting: their messages are shown to the voter as is."""

from __future__ import annotations


class VoteRefused(ValueError):
    """A vote (or a request for a pair) that is not accepted; nothing was stored."""


class VotingUnavailable(VoteRefused):
    """Voting on this board is stopped until the operator acts (the ledger is damaged): every pair and
    vote is refused with the reason, so nothing is stored on top of votes that cannot be read."""
