"""The voting booth: hands out pairs and takes votes, for the Space's Vote tab and its API alike.

``next_ballot`` asks :mod:`~genjudge.votes.pair_choice` for a pair, signs a ticket for it and
returns what to show (the instance's input steps and the two outputs, anonymous). ``cast`` checks
the ticket (signature, voter, expiry), that the outputs shown are still the board's, the label and
the reason, then lets the ledger refuse replays, second votes and bursts; only then is the vote
stored and the two models named. Every refusal is a :class:`~genjudge.votes.errors.VoteRefused`
with a message for the voter, and stores nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from genjudge.core.records import Step, content_hash
from genjudge.core.verdicts import VERDICT_LABELS
from genjudge.votes.errors import VoteRefused
from genjudge.votes.ledger import BATTLE, CONTROL, FAILED_CONTROL, VoteLedger, counted_votes
from genjudge.votes.live import LiveNumbers, disagreements, live_numbers, preferred_model, vote_battles
from genjudge.votes.pair_choice import (
    CONTROL_BROKEN,
    CONTROL_GOLD,
    CONTROL_PAIR,
    PairMix,
    choose_pair,
    crowd_uncertainty,
)
from genjudge.votes.pool import VotePool, broken_output, gold_hash
from genjudge.votes.secret import voter_hash
from genjudge.votes.tickets import DEFAULT_TTL_SECONDS, TicketSigner, pair_id

MAX_REASON_CHARS = 1000


@dataclass(frozen=True)
class Ballot:
    """A pair to vote on: ``token`` goes back with the vote; ``left`` is shown as A."""

    token: str
    uid: str
    prompt: tuple[Step, ...]
    left: tuple[Step, ...]
    right: tuple[Step, ...]


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
    rebuilds it when members change); ``secret`` signs tickets and salts voter hashes."""

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
    ) -> None:
        self.pool = pool
        self.ledger = ledger
        self._secret = secret
        self.signer = TicketSigner(secret, ttl_seconds=ticket_ttl_seconds)
        self.mix = mix or PairMix()
        self.clock = clock
        self.bootstrap_rounds = bootstrap_rounds
        self._rng = np.random.default_rng(seed)
        self._rng_lock = threading.Lock()
        self._live: tuple[tuple[int, int], LiveNumbers] | None = None
        self._crowd: tuple[tuple[int, int], tuple[pd.DataFrame, list[tuple[str, str, str]]]] | None = None

    def voter(self, identity: str) -> str:
        """The salted hash stored for a login name or session id."""
        if not identity:
            raise VoteRefused("Refused: no voter identity (log in, or enable cookies for a session).")
        return voter_hash(self._secret, identity)

    # ---------------------------------------------------------------- pairs
    def next_ballot(self, voter: str) -> Ballot:
        """The next pair for ``voter`` (a hash from :meth:`voter`)."""
        pool = self.pool()
        if len(pool.outputs) < 2:
            raise VoteRefused("No pairs to vote on yet: the board needs at least two models.")
        rows = self.ledger.rows()
        voted = {r["pair_id"] for r in rows if r["voter"] == voter}
        uncertainty, disputed = self._crowd_state(rows, pool)

        def done(uid: str, a: str, b: str) -> bool:
            return pair_id(pool.board, uid, a, b) in voted

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
                raise VoteRefused("You have voted on every pair of this board: thank you!")
            if choice.rule == CONTROL_PAIR:
                gold = pool.instances[choice.uid].output_steps
                steps = {CONTROL_GOLD: gold, CONTROL_BROKEN: broken_output(gold, self._rng)}
            else:
                steps = {m: pool.steps(m, choice.uid) for m in (choice.left, choice.right)}
        token, _ = self.signer.issue(
            board=pool.board,
            uid=choice.uid,
            left=choice.left,
            right=choice.right,
            hash_left=content_hash(steps[choice.left]),
            hash_right=content_hash(steps[choice.right]),
            kind=CONTROL if choice.rule == CONTROL_PAIR else BATTLE,
            voter=voter,
            now=self.clock(),
        )
        prompt = pool.instances[choice.uid].input_steps
        return Ballot(token, choice.uid, prompt, steps[choice.left], steps[choice.right])

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
    def cast(self, token: str, voter: str, winner: str, reason: str = "") -> CastResult:
        """Store ``voter``'s verdict on the ticket's pair, or raise :class:`VoteRefused`."""
        if winner not in VERDICT_LABELS:
            labels = ", ".join(VERDICT_LABELS)
            raise VoteRefused(f"Refused: the verdict must be one of {labels}; got {winner!r}.")
        reason = (reason or "").strip()
        if len(reason) > MAX_REASON_CHARS:
            raise VoteRefused(f"Refused: the reason is {len(reason)} characters; at most {MAX_REASON_CHARS}.")
        now = self.clock()
        ticket = self.signer.verify(token, voter=voter, now=now)
        pool = self.pool()
        if ticket.board != pool.board:
            raise VoteRefused(f"Refused: the ticket is for board {ticket.board!r}, not {pool.board!r}.")
        flags: list[str] = []
        if ticket.kind == CONTROL:
            instance = pool.instances.get(ticket.uid)
            gold_shown = ticket.hash_left if ticket.left == CONTROL_GOLD else ticket.hash_right
            if instance is None or gold_hash(instance) != gold_shown:
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
        self.ledger.append(row)
        return CastResult(row, ticket.left, ticket.right)

    # ---------------------------------------------------------------- numbers
    def live(self) -> LiveNumbers:
        """Judge–human agreement and win rates on the votes so far (recomputed when votes arrive)."""
        rows = self.ledger.rows()
        pool = self.pool()
        key = (len(rows), id(pool))
        if self._live is None or self._live[0] != key:
            numbers = live_numbers(rows, pool.judge_battles, rounds=self.bootstrap_rounds)
            self._live = (key, numbers)
        return self._live[1]
