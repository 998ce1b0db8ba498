"""The one error a refused vote raises: its message is shown to the voter as is."""

from __future__ import annotations


class VoteRefused(ValueError):
    """A vote (or a request for a pair) that is not accepted; nothing was stored."""
