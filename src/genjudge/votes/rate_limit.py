"""Sliding-window rate limits: per voter (from the ledger) and per client address (in memory).

The per-voter limit reads the vote times the ledger keeps, so it holds across restarts. A voter
without a login is a session the client chooses, so the same window is also kept per client
address, which the client cannot reset; those times live only in memory (an address is never
written to the published ledger), bounded by the keys seen within one window.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass

from genjudge.votes.errors import VoteRefused


@dataclass(frozen=True)
class RateLimit:
    """At most ``max_votes`` votes in any ``window_seconds``. The default lets a careful person vote
    at their pace (one pair takes longer than 6 s to read) and stops a script's burst."""

    max_votes: int = 10
    window_seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.max_votes < 1 or not self.window_seconds > 0:
            raise ValueError(f"a rate limit needs at least 1 vote in a positive window, not {self}")

    def check(self, times: Sequence[float], now: float, *, who: str = "") -> None:
        """Refuse one more vote at ``now`` if ``max_votes`` were already cast in the window."""
        recent = sorted(t for t in times if now - t < self.window_seconds)
        if len(recent) >= self.max_votes:
            wait = self.window_seconds - (now - recent[len(recent) - self.max_votes])
            raise VoteRefused(
                f"Refused: at most {self.max_votes} votes in any {self.window_seconds:g} s{who}; "
                f"please wait {max(wait, 1):.0f} s before the next vote."
            )

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``"10/60"``: 10 votes in any 60 s."""
        count, sep, seconds = text.partition("/")
        try:
            return cls(int(count), float(seconds)) if sep else cls(int(count))
        except ValueError:
            raise ValueError(f"{text!r} is not a rate limit like 10/60 (votes/seconds)") from None


class KeyedWindows:
    """One :class:`RateLimit` window per key (a client address), in memory. ``take`` counts a vote
    before it is stored and ``give_back`` returns it if the ledger then refuses the vote, so a
    refused vote does not use up the budget and two votes at once cannot both take the last one."""

    def __init__(self, limit: RateLimit, *, who: str = " from one address") -> None:
        self.limit = limit
        self._who = who
        self._times: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def take(self, key: str, now: float) -> None:
        with self._lock:
            self._forget_before(now)
            times = self._times[key]
            self.limit.check(times, now, who=self._who)
            times.append(now)

    def give_back(self, key: str, when: float) -> None:
        with self._lock:
            times = self._times.get(key)
            if times is not None and when in times:
                times.remove(when)

    def _forget_before(self, now: float) -> None:
        """Drop times that left the window, and keys with none left (memory stays bounded)."""
        for key in list(self._times):
            times = self._times[key]
            while times and now - times[0] >= self.limit.window_seconds:
                times.popleft()
            if not times:
                del self._times[key]
