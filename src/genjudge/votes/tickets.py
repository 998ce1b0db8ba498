"""Tickets: the proof that the server showed this pair, in this order, to this voter.

What a ticket stands for (the models, their order, whether it is a control pair) is exactly what
the voter must not learn before voting, so it never leaves the server: the voter gets an opaque
random id (144 bits from :mod:`secrets`) and the :class:`TicketDesk` keeps what it stands for in
memory. An id nobody was given cannot be guessed; one kept past its expiry, used once already, or
handed to another voter is refused. The desk holds a bounded number of tickets (per voter, per client
address and in all; the oldest go first) and forgets each at its expiry, and a restart forgets them
all: a voter then asks for a new pair. One process serves a board's votes (as a Space does).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from genjudge.votes.errors import VoteRefused

DEFAULT_TTL_SECONDS = 30 * 60
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")


@dataclass(frozen=True)
class Ticket:
    """One issued pair: which instance, which model was shown left (A) and right (B), the content
    hashes of both outputs as shown, whether it is a ``battle`` or a ``control`` pair, the voter
    (salted hash) it was issued to, its expiry (Unix seconds) and a random nonce (the vote's id)."""

    board: str
    uid: str
    left: str
    right: str
    hash_left: str
    hash_right: str
    kind: str
    voter: str
    expires: float
    nonce: str

    @property
    def pair_id(self) -> str:
        """The pair whatever the order shown: instance + both models (one vote per voter per pair)."""
        return pair_id(self.board, self.uid, self.left, self.right)


def pair_id(board: str, uid: str, model_a: str, model_b: str) -> str:
    """A short stable id of an unordered pair of models on one instance of one board."""
    low, high = sorted((model_a, model_b))
    return hashlib.sha256("\x00".join((board, uid, low, high)).encode()).hexdigest()[:20]


@dataclass
class _Held:
    ticket: Ticket
    holders: tuple[str, ...]
    used: bool = False


@dataclass
class TicketDesk:
    """Issues tickets as opaque ids and answers what an id stands for. ``max_tickets`` bounds the
    tickets held in all, ``max_per_holder`` the unused ones of one voter or one client address (a
    client asking for pairs in a loop pushes out only its own)."""

    ttl_seconds: float = DEFAULT_TTL_SECONDS
    max_tickets: int = 50_000
    max_per_holder: int = 200
    _held: OrderedDict[str, _Held] = field(default_factory=OrderedDict, init=False, repr=False)
    _by_holder: dict[str, OrderedDict[str, None]] = field(
        default_factory=lambda: defaultdict(OrderedDict), init=False, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def issue(
        self,
        *,
        board: str,
        uid: str,
        left: str,
        right: str,
        hash_left: str,
        hash_right: str,
        kind: str,
        voter: str,
        address: str = "",
        now: float | None = None,
    ) -> tuple[str, Ticket]:
        """A fresh ticket for the pair as shown, and the id the voter sends back with the vote."""
        issued = time.time() if now is None else now
        ticket = Ticket(
            board,
            uid,
            left,
            right,
            hash_left,
            hash_right,
            kind,
            voter,
            issued + self.ttl_seconds,
            secrets.token_hex(12),
        )
        token = secrets.token_urlsafe(18)
        holders = tuple(h for h in (f"voter:{voter}", f"address:{address}" if address else "") if h)
        with self._lock:
            self._expire(issued)
            for holder in holders:
                mine = self._by_holder[holder]
                while len(mine) >= self.max_per_holder:
                    self._drop(next(iter(mine)))
            while len(self._held) >= self.max_tickets:
                self._drop(next(iter(self._held)))
            self._held[token] = _Held(ticket, holders)
            for holder in holders:
                self._by_holder[holder][token] = None
        return token, ticket

    def verify(self, token: str, *, voter: str, now: float | None = None) -> Ticket:
        """The ticket ``token`` stands for, if it was issued here to ``voter``, is unused and has not
        expired; otherwise :class:`VoteRefused` saying which check failed."""
        if not isinstance(token, str) or not _TOKEN.fullmatch(token):
            raise VoteRefused("Refused: this vote carries no valid ticket; ask for a pair first.")
        with self._lock:
            held = self._held.get(token)
        if held is None:
            raise VoteRefused(
                "Refused: this ticket was not issued here, or it has expired or the server restarted "
                "since; ask for a new pair."
            )
        if not hmac.compare_digest(held.ticket.voter, voter):
            raise VoteRefused("Refused: this pair was issued to another voter.")
        if held.used:
            raise VoteRefused("Refused: this ticket was already used; a vote counts once.")
        if (time.time() if now is None else now) > held.ticket.expires:
            raise VoteRefused("Refused: the ticket has expired (nothing was stored); ask for a new pair.")
        return held.ticket

    def mark_used(self, token: str) -> None:
        """The vote on ``token`` was stored: a second use is refused until the ticket expires. It no
        longer counts against its holders' bounds (they hold only the pairs still to vote on)."""
        with self._lock:
            held = self._held.get(token)
            if held is not None:
                held.used = True
                self._release(token, held.holders)

    def __len__(self) -> int:
        return len(self._held)

    def _expire(self, now: float) -> None:
        """Forget tickets past their expiry (issued in order with one lifetime: the oldest first)."""
        while self._held:
            token, held = next(iter(self._held.items()))
            if held.ticket.expires >= now:
                break
            self._drop(token)

    def _drop(self, token: str) -> None:
        self._release(token, self._held.pop(token).holders)

    def _release(self, token: str, holders: tuple[str, ...]) -> None:
        for holder in holders:
            mine = self._by_holder.get(holder)
            if mine is not None:
                mine.pop(token, None)
                if not mine:
                    del self._by_holder[holder]
