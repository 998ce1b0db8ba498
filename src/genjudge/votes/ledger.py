"""The vote ledger: an append-only JSONL log in the leaderboard dataset (the ``votes`` config).

Each accepted vote is one line, appended and fsynced under the store's file lock after the checks
that need the whole log (ticket not used before, no earlier vote by this voter on this pair, rate
limit), so two processes serving one folder can neither both accept a replay nor lose a line. A
refused vote writes nothing. Readers keep an index of the lines already read and only parse what
was appended since.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import BaseFileLock

from genjudge.safe_io.bounded_json import JSONInputError, loads
from genjudge.safe_io.durable import append_jsonl, repair_tail
from genjudge.votes.errors import VoteRefused
from genjudge.votes.rate_limit import RateLimit

VOTE_FIELDS: dict[str, str] = {
    "vote_id": "string",
    "board": "string",
    "pair_id": "string",
    "uid": "string",
    "model_a": "string",
    "model_b": "string",
    "hash_a": "string",
    "hash_b": "string",
    "winner": "string",
    "reason": "string",
    "voted_at": "float64",
    "voter": "string",
    "kind": "string",
    "flags": "list",
}
"""One vote: ``model_a`` is the model shown on the left (A); ``hash_a``/``hash_b`` the content hashes
of the outputs as shown; ``winner`` one of OpenING's four labels; ``voter`` a salted hash;
``kind`` ``battle`` or ``control``; ``flags`` e.g. ``failed_control``."""

BATTLE, CONTROL = "battle", "control"
FAILED_CONTROL = "failed_control"


class VoteLedgerError(ValueError):
    """The ledger file holds a line that is not a vote (edited by hand, or pulled from a bad repo)."""


@dataclass
class _Index:
    """What the checks need from the lines read so far."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)
    voted: set[tuple[str, str]] = field(default_factory=set)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    offset: int = 0

    def add(self, row: dict[str, Any]) -> None:
        nonce, voter, pair, when = row["vote_id"], row["voter"], row["pair_id"], float(row["voted_at"])
        self.rows.append(row)
        self.nonces.add(nonce)
        self.voted.add((voter, pair))
        self.times[voter].append(when)


class VoteLedger:
    """The votes of one board, at ``path``; ``lock`` is the store's lock and ``publish`` pushes the
    file to the Hub mirror (given the path relative to the store, and a commit message)."""

    def __init__(
        self,
        path: Path,
        lock: BaseFileLock,
        *,
        rate_limit: RateLimit | None = None,
        publish: Callable[[Path, str], None] | None = None,
    ) -> None:
        self.path = path
        self.lock = lock
        self.rate_limit = rate_limit or RateLimit()
        self._publish = publish
        self._index = _Index()

    def _refresh(self) -> _Index:
        """Parse the lines appended since the last read (all of them if the file shrank)."""
        size = os.stat(self.path).st_size if self.path.exists() else 0
        if size < self._index.offset:
            self._index = _Index()
        if size == self._index.offset:
            return self._index
        with self.path.open("rb") as handle:
            handle.seek(self._index.offset)
            data = handle.read(size - self._index.offset)
        end = data.rfind(b"\n")  # a line without its newline is still being written (or torn)
        for line in data[: end + 1].splitlines():
            if line.strip():
                try:
                    self._index.add(loads(line))
                except (JSONInputError, KeyError, TypeError, ValueError) as exc:
                    raise VoteLedgerError(
                        f"{self.path}: vote {len(self._index.rows) + 1} is not a vote record ({exc})"
                    ) from None
        self._index.offset += end + 1
        return self._index

    def rows(self) -> list[dict[str, Any]]:
        """Every vote so far, oldest first."""
        with self.lock:
            return list(self._refresh().rows)

    def append(self, row: dict[str, Any]) -> None:
        """Store ``row`` (a :data:`VOTE_FIELDS` record) unless it replays a ticket, repeats the voter's
        vote on the pair or breaks the rate limit; raises :class:`VoteRefused` then, storing nothing."""
        with self.lock:
            repair_tail(self.path)
            index = self._refresh()
            if row["vote_id"] in index.nonces:
                raise VoteRefused("Refused: this ticket was already used; a vote counts once.")
            if (row["voter"], row["pair_id"]) in index.voted:
                raise VoteRefused("Refused: you already voted on this pair; one vote per voter per pair.")
            self.rate_limit.check(index.times.get(row["voter"], ()), float(row["voted_at"]))
            append_jsonl(self.path, [row])
            self._refresh()
            if self._publish is not None:
                self._publish(self.path, f"Vote on {row['board']} {row['uid']}")


def failed_voters(rows: Sequence[dict[str, Any]]) -> set[str]:
    """Voters who picked the broken side of at least one control pair."""
    return {row["voter"] for row in rows if FAILED_CONTROL in row["flags"]}


def counted_votes(rows: Sequence[dict[str, Any]], *, include_flagged: bool = False) -> list[dict[str, Any]]:
    """The battle votes that count: control pairs left out, and by default every vote of a voter
    who failed a control."""
    excluded = set() if include_flagged else failed_voters(rows)
    return [row for row in rows if row["kind"] == BATTLE and row["voter"] not in excluded]
