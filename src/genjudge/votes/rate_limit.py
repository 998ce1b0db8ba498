"""The per-voter rate limit: at most ``max_votes`` votes in any ``window_seconds``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from genjudge.votes.errors import VoteRefused


@dataclass(frozen=True)
class RateLimit:
    """A sliding window over a voter's vote times (Unix seconds). The default lets a careful person
    vote at their pace (one pair takes longer than 6 s to read) and stops a script's burst."""

    max_votes: int = 10
    window_seconds: float = 60.0

    def check(self, times: Sequence[float], now: float) -> None:
        """Refuse one more vote at ``now`` if the voter already cast ``max_votes`` in the window."""
        recent = sorted(t for t in times if now - t < self.window_seconds)
        if len(recent) >= self.max_votes:
            wait = self.window_seconds - (now - recent[len(recent) - self.max_votes])
            raise VoteRefused(
                f"Refused: at most {self.max_votes} votes in any {self.window_seconds:g} s; "
                f"please wait {max(wait, 1):.0f} s before the next vote."
            )
