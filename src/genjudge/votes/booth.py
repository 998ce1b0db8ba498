"""The voting booth: hands out pairs and takes votes, for the Space's Vote tab and its API alike.

``next_ballot`` asks :mod:`~genjudge.votes.pair_choice` for a pair, issues an opaque ticket for it
and returns what to show, as the board's ``render`` hook shows the item and the two outputs
(anonymous: which models, in which order, and whether it is a control pair stay on the server until
the vote).
``cast`` checks the ticket (issued here, to this voter, unused, not expired), that the outputs shown
are still the board's, the label and the reason, the client address's rate limit, then lets the
ledger refuse replays, second votes, spent pair budgets and bursts; only then is the vote stored and
the two models named. Every refusal is a :class:`~genjudge.votes.errors.VoteRefused` with a message for the
voter, and stores nothing. A damaged ledger stops voting (:class:`~genjudge.votes.errors.
VotingUnavailable`, saying where) and is reported once in the server log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from genjudge.core.verdicts import VERDICT_LABELS
from genjudge.votes.errors import VoteRefused, VotingUnavailable
from genjudge.votes.ledger import BATTLE, CONTROL, FAILED_CONTROL, VoteLedger, VoteLedgerError, counted_votes
from genjudge.votes.live import LiveNumbers, disagreements, live_numbers, preferred_model, vote_battles
from genjudge.votes.pair_choice import (
    CONTROL_BROKEN,
    CONTROL_GOLD,
    CONTROL_PAIR,
    PairMix,
    choose_pair,
    crowd_uncertainty,
)
from genjudge.votes.policy import LOGIN_PREFIX, VotePolicy
from genjudge.votes.pool import PairView, VotePool
from genjudge.votes.rate_limit import KeyedWindows
from genjudge.votes.reason import check_reason
from genjudge.votes.secret import voter_hash
from genjudge.votes.tickets import DEFAULT_TTL_SECONDS, TicketDesk, pair_id

log = logging.getLogger("genjudge.votes")


@dataclass(frozen=True)
class Ballot:
    """A pair to vote on: ``token`` goes back with the vote; ``view.left`` is shown as A."""

    token: str
    uid: str
    view: PairView


@dataclass(frozen=True)
class CastResult:
    """An accepted vote: the stored row and the two models, now revealed."""

    row: dict[str, Any]
    left: str
    right: str

    @property
    def message(self) -> str:
        if self.row["kind"] == CONTROL:
            return (
                f"Vote recorded ({self.row['winner']}). This was a control pair: A was the "
                f"{self.left}, B the {self.right}."
            )
        return f"Vote recorded ({self.row['winner']}). A was {self.left}, B was {self.right}."


class VoteBooth:
    """Voting on one board. ``pool`` returns the board's current :class:`VotePool` (the service
    rebuilds it when members change); ``secret`` salts voter hashes; ``policy`` (default: from the
    environment, see :mod:`~genjudge.votes.policy`) says who may vote and how fast."""

    def __init__(
        self,
        pool: Callable[[], VotePool],
        ledger: VoteLedger,
        secret: bytes,
        *,
        seed: int = 0,
        mix: PairMix | None = None,
        clock: Callable[[], float] = time.time,
        bootstrap_rounds: int = 1000,
        ticket_ttl_seconds: float = DEFAULT_TTL_SECONDS,
        policy: VotePolicy | None = None,
    ) -> None:
        self.pool = pool
        self.ledger = ledger
        self._secret = secret
        self.desk = TicketDesk(ttl_seconds=ticket_ttl_seconds)
        self.policy = policy or VotePolicy.from_env()
        self.mix = mix or PairMix()
        self.clock = clock
        self.bootstrap_rounds = bootstrap_rounds
        self._rng = np.random.default_rng(seed)
        self._rng_lock = threading.Lock()
        self._live: tuple[tuple[int, int], LiveNumbers] | None = None
        self._crowd: tuple[tuple[int, int], tuple[pd.DataFrame, list[tuple[str, str, str]]]] | None = None
        self._reported: str | None = None
        self.health()  # a ledger damaged while the Space was down is named in the log at start

    @property
    def policy(self) -> VotePolicy:
        return self._policy

    @policy.setter
    def policy(self, policy: VotePolicy) -> None:
        self._policy = policy
        self._addresses = KeyedWindows(policy.address_limit)

    def voter(self, identity: str) -> str:
        """The salted hash stored for a login (``hf:<name>``) or session id (``session:<id>``)."""
        if self.policy.require_login and not identity.startswith(LOGIN_PREFIX):
            raise VoteRefused(
                "Log in with Hugging Face to vote: this board takes votes from logged-in people only."
            )
        if not identity:
            raise VoteRefused("Refused: no voter identity (log in, or enable cookies for a session).")
        return voter_hash(self._secret, identity)

    def health(self) -> str | None:
        """Why voting is unavailable (the ledger's damage, one line), or ``None`` when it is not."""
        try:
            self.ledger.rows()
        except VoteLedgerError as exc:
            return self._unavailable(exc).args[0]
        self._reported = None
        return None

    def _unavailable(self, exc: VoteLedgerError) -> VotingUnavailable:
        """The refusal a damaged ledger makes of every call; the server log gets one line for it."""
        if str(exc) != self._reported:
            self._reported = str(exc)
            log.error("voting on %s is stopped: %s (run `genjudge leaderboard votes check`)", exc.path, exc)
        return VotingUnavailable(
            f"Voting is unavailable: the vote ledger is damaged ({exc.short}). Nothing was stored; "
            "the Space's operator can check and repair it with `genjudge leaderboard votes check`."
        )

    def _rows(self) -> list[dict[str, Any]]:
        try:
            return self.ledger.rows()
        except VoteLedgerError as exc:
            raise self._unavailable(exc) from None

    # ---------------------------------------------------------------- pairs
    def next_ballot(self, voter: str, address: str = "") -> Ballot:
        """The next pair for ``voter`` (a hash from :meth:`voter`) at client ``address``."""
        rows = self._rows()
        pool = self.pool()
        if len(pool.outputs) < 2:
            raise VoteRefused("No pairs to vote on yet: the board needs at least two models.")
        voted = {r["pair_id"] for r in rows if r["voter"] == voter}
        per_pair = Counter(r["pair_id"] for r in rows)
        full = {pair for pair, votes in per_pair.items() if votes >= self.policy.pair_budget}
        uncertainty, disputed = self._crowd_state(rows, pool)

        def done(uid: str, a: str, b: str) -> bool:
            pair = pair_id(pool.board, uid, a, b)
            return pair in voted or pair in full

        with self._rng_lock:
            choice = choose_pair(
                coverage=pool.coverage,
                uncertainty=uncertainty,
                disagreements=disputed,
                control_uids=pool.control_uids,
                done=done,
                rng=self._rng,
                mix=self.mix,
            )
            if choice is None:
                if full:
                    raise VoteRefused("Every pair left to you has all the votes it takes: thank you!")
                raise VoteRefused("You have voted on every pair of this board: thank you!")
            if choice.rule == CONTROL_PAIR:
                good = pool.controls[choice.uid]
                shown = {CONTROL_GOLD: good, CONTROL_BROKEN: pool.voting.control(good, self._rng)}
            else:
                shown = {m: pool.outputs[m][choice.uid] for m in (choice.left, choice.right)}
        token, _ = self.desk.issue(
            board=pool.board,
            uid=choice.uid,
            left=choice.left,
            right=choice.right,
            hash_left=shown[choice.left].content_hash,
            hash_right=shown[choice.right].content_hash,
            kind=CONTROL if choice.rule == CONTROL_PAIR else BATTLE,
            voter=voter,
            address=address,
            now=self.clock(),
        )
        view = pool.voting.render(pool.items[choice.uid], shown[choice.left], shown[choice.right])
        return Ballot(token, choice.uid, view)

    def _crowd_state(
        self, rows: list[dict[str, Any]], pool: VotePool
    ) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
        """The crowd's rating uncertainty and the judge–crowd disagreements, refitted only when votes
        arrived or the board changed since the last pair was issued."""
        key = (len(rows), id(pool))
        cached = self._crowd
        if cached is None or cached[0] != key:
            human = vote_battles(counted_votes(rows))
            state = (crowd_uncertainty(human, sorted(pool.outputs)), disagreements(human, pool.judge_battles))
            self._crowd = cached = (key, state)
        return cached[1]

    # ---------------------------------------------------------------- votes
    def cast(self, token: str, voter: str, winner: str, reason: str = "", address: str = "") -> CastResult:
        """Store ``voter``'s verdict on the ticket's pair, or raise :class:`VoteRefused`. ``address``
        (the client's, see :meth:`VotePolicy.client_address`) is rate-limited when given."""
        if winner not in VERDICT_LABELS:
            labels = ", ".join(VERDICT_LABELS)
            raise VoteRefused(f"Refused: the verdict must be one of {labels}; got {winner!r}.")
        reason = check_reason(reason)
        self._rows()  # a damaged ledger refuses every vote alike, whatever its ticket
        now = self.clock()
        ticket = self.desk.verify(token, voter=voter, now=now)
        pool = self.pool()
        if ticket.board != pool.board:
            raise VoteRefused(f"Refused: the ticket is for board {ticket.board!r}, not {pool.board!r}.")
        flags: list[str] = []
        if ticket.kind == CONTROL:
            good = pool.controls.get(ticket.uid)
            good_shown = ticket.hash_left if ticket.left == CONTROL_GOLD else ticket.hash_right
            if good is None or good.content_hash != good_shown:
                raise VoteRefused("Refused: this control pair is no longer on the board; ask for a new pair.")
            if preferred_model(ticket.left, ticket.right, winner) == CONTROL_BROKEN:
                flags.append(FAILED_CONTROL)
        elif (
            pool.current_hash(ticket.left, ticket.uid) != ticket.hash_left
            or pool.current_hash(ticket.right, ticket.uid) != ticket.hash_right
        ):
            raise VoteRefused("Refused: the outputs of this pair changed on the board; ask for a new pair.")
        row = {
            "vote_id": ticket.nonce,
            "board": ticket.board,
            "pair_id": ticket.pair_id,
            "uid": ticket.uid,
            "model_a": ticket.left,
            "model_b": ticket.right,
            "hash_a": ticket.hash_left,
            "hash_b": ticket.hash_right,
            "winner": winner,
            "reason": reason,
            "voted_at": now,
            "voter": voter,
            "kind": ticket.kind,
            "flags": flags,
        }
        if address:
            self._addresses.take(address, now)
        try:
            self.ledger.append(row, pair_budget=self.policy.pair_budget)
        except VoteLedgerError as exc:
            self._addresses.give_back(address, now)
            raise self._unavailable(exc) from None
        except VoteRefused:
            self._addresses.give_back(address, now)
            raise
        self.desk.mark_used(token)
        return CastResult(row, ticket.left, ticket.right)

    # ---------------------------------------------------------------- numbers
    def live(self) -> LiveNumbers:
        """Judge–human agreement and win rates on the votes so far (recomputed when votes arrive)."""
        rows = self._rows()
        pool = self.pool()
        key = (len(rows), id(pool))
        if self._live is None or self._live[0] != key:
            numbers = live_numbers(rows, pool.judge_battles, rounds=self.bootstrap_rounds)
            self._live = (key, numbers)
        return self._live[1]
