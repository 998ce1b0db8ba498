"""Signed tickets: the proof that the server showed this pair, in this order, to this voter.

A ticket is ``<payload>.<signature>``, both URL-safe base64: the payload is the JSON of a
:class:`Ticket` and the signature its HMAC-SHA256 under the server's secret. Nothing about issued
tickets is kept on the server: the signature proves a ticket was issued, its expiry bounds how long
it counts, and its ``nonce`` (stored with the vote) lets the ledger refuse a second use.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass

from genjudge.votes.errors import VoteRefused

DEFAULT_TTL_SECONDS = 30 * 60
_FIELDS = ("board", "uid", "left", "right", "hash_left", "hash_right", "kind", "voter", "expires", "nonce")


@dataclass(frozen=True)
class Ticket:
    """One issued pair: which instance, which model was shown left (A) and right (B), the content
    hashes of both outputs as shown, whether it is a ``battle`` or a ``control`` pair, the voter
    (salted hash) it was issued to, its expiry (Unix seconds) and a random nonce."""

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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TicketSigner:
    """Issues and checks tickets with one secret (keep it across restarts: see ``secret.py``)."""

    def __init__(self, secret: bytes, *, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        if len(secret) < 16:
            raise ValueError("the ticket secret must be at least 16 bytes")
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, b"genjudge-vote-ticket\x00" + payload, hashlib.sha256).digest()

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
        now: float | None = None,
    ) -> tuple[str, Ticket]:
        """A fresh ticket for the pair as shown, and its token for the voter to send back."""
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
        payload = json.dumps(asdict(ticket), sort_keys=True, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}", ticket

    def verify(self, token: str, *, voter: str, now: float | None = None) -> Ticket:
        """The ticket ``token`` stands for, if this server signed it for ``voter`` and it has not
        expired; otherwise :class:`VoteRefused` saying which check failed."""
        if not isinstance(token, str) or token.count(".") != 1 or len(token) > 4096:
            raise VoteRefused("Refused: this vote carries no valid ticket; ask for a pair first.")
        body, signature = token.split(".")
        try:
            payload, given = _unb64(body), _unb64(signature)
        except (binascii.Error, ValueError):
            raise VoteRefused("Refused: the ticket is malformed; ask for a new pair.") from None
        if not hmac.compare_digest(given, self._sign(payload)):
            raise VoteRefused(
                "Refused: the ticket's signature is not this server's; the pair was not issued here."
            )
        fields = json.loads(payload)
        ticket = Ticket(**{name: fields[name] for name in _FIELDS})
        if not hmac.compare_digest(ticket.voter, voter):
            raise VoteRefused("Refused: this pair was issued to another voter.")
        if (time.time() if now is None else now) > ticket.expires:
            raise VoteRefused("Refused: the ticket has expired (nothing was stored); ask for a new pair.")
        return ticket
