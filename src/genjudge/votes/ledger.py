"""The vote ledger: an append-only JSONL log in the leaderboard dataset (the ``votes`` config).

Each accepted vote is one line, appended and fsynced under the store's file lock after the checks
that need the whole log (ticket not used before, no earlier vote by this voter on this pair, the
pair's budget not spent, rate limit), so two processes serving one folder can neither both accept
a replay nor lose a line. A refused vote writes nothing. Readers keep an index of the lines already
read and only parse what was appended since.

Every line is checked as it is read (JSON, every field of :data:`VOTE_FIELDS` with its type, a
known label and kind, a ``vote_id`` not seen before). A line that fails is a
:class:`VoteLedgerError` naming the file and the line: the ledger is then neither read nor written
until the operator repairs it (``genjudge leaderboard votes check``), so no vote is counted
wrongly, and none is lost or rewritten.
"""

from __future__ import annotations

import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import BaseFileLock

from genjudge.core.verdicts import VERDICT_LABELS
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
    """The ledger holds a line that is not a vote (edited by hand, cut short, pulled from a bad repo):
    ``path``, ``line`` (1-based) and ``problem`` say where and what. ``str()`` is one line."""

    def __init__(self, path: Path, line: int, problem: str, *, vote: int) -> None:
        self.path, self.line, self.problem = path, line, problem
        super().__init__(f"{path}: vote {vote} is not a vote record (line {line}: {problem})")

    @property
    def short(self) -> str:
        """The same without the server's folders (for voters): ``votes/<board>/votes.jsonl line 3``."""
        return f"{'/'.join(self.path.parts[-3:])} line {self.line}: {self.problem}"


def vote_problem(record: Any) -> str | None:
    """What makes ``record`` (one parsed line) not a vote, or ``None`` when it is one."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not a vote record (an object)"
    missing = [name for name in VOTE_FIELDS if name not in record]
    if missing:
        return f"field {missing[0]!r} is missing"
    extra = sorted(set(record) - set(VOTE_FIELDS))
    if extra:
        return f"field {extra[0]!r} is not a vote field"
    for name, kind in VOTE_FIELDS.items():
        value = record[name]
        if kind == "string" and not isinstance(value, str):
            return f"field {name!r} is {type(value).__name__}, not a string"
        if kind == "float64" and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
        ):
            return f"field {name!r} is {value!r}, not a time in seconds"
        if kind == "list" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"field {name!r} is not a list of strings"
    if record["winner"] not in VERDICT_LABELS:
        return f"field 'winner' is {record['winner']!r}, not one of {', '.join(VERDICT_LABELS)}"
    if record["kind"] not in (BATTLE, CONTROL):
        return f"field 'kind' is {record['kind']!r}, not {BATTLE!r} or {CONTROL!r}"
    return None


def parse_vote(line: bytes) -> dict[str, Any]:
    """One line of the ledger as a vote; :class:`ValueError` with the problem when it is not one."""
    try:
        record = loads(line)
    except JSONInputError as exc:
        raise ValueError(f"not JSON ({exc.reason})") from None
    problem = vote_problem(record)
    if problem:
        raise ValueError(problem)
    return record


@dataclass
class _Index:
    """What the checks need from the lines read so far."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    nonces: dict[str, int] = field(default_factory=dict)
    voted: set[tuple[str, str]] = field(default_factory=set)
    per_pair: Counter[str] = field(default_factory=Counter)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    offset: int = 0
    lines: int = 0

    def add(self, row: dict[str, Any], line: int) -> None:
        """Count ``row``, read from line ``line``; :class:`ValueError` if its id was seen before."""
        nonce = row["vote_id"]
        if nonce in self.nonces:
            raise ValueError(f"vote_id {nonce!r} repeats the vote on line {self.nonces[nonce]}")
        self.rows.append(row)
        self.nonces[nonce] = line
        self.voted.add((row["voter"], row["pair_id"]))
        self.per_pair[row["pair_id"]] += 1
        self.times[row["voter"]].append(float(row["voted_at"]))


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
        """Parse the lines appended since the last read (all of them if the file shrank). A damaged
        line raises :class:`VoteLedgerError` and leaves nothing of its chunk counted, so the next
        read (after a repair) starts again from a known state."""
        size = os.stat(self.path).st_size if self.path.exists() else 0
        if size < self._index.offset:
            self._index = _Index()
        if size == self._index.offset:
            return self._index
        with self.path.open("rb") as handle:
            handle.seek(self._index.offset)
            data = handle.read(size - self._index.offset)
        end = data.rfind(b"\n")  # a line without its newline is still being written (or torn)
        index, self._index = self._index, _Index()  # restored only once every new line is read
        number = index.lines
        for line in data[: end + 1].split(b"\n")[:-1]:
            number += 1
            if line.strip():
                try:
                    index.add(parse_vote(line), number)
                except ValueError as exc:
                    raise VoteLedgerError(self.path, number, str(exc), vote=len(index.rows) + 1) from None
        tail = data[end + 1 :]
        if tail.strip() and _is_json(tail):  # a whole record whose newline was lost: not torn
            raise VoteLedgerError(
                self.path, number + 1, "the last line has no newline at its end", vote=len(index.rows) + 1
            )
        index.offset += end + 1
        index.lines = number
        self._index = index
        return index

    def rows(self) -> list[dict[str, Any]]:
        """Every vote so far, oldest first (:class:`VoteLedgerError` if a line is damaged)."""
        with self.lock:
            return list(self._refresh().rows)

    def append(self, row: dict[str, Any], *, pair_budget: int | None = None) -> None:
        """Store ``row`` (a :data:`VOTE_FIELDS` record) unless it replays a ticket, repeats the voter's
        vote on the pair, finds the pair's ``pair_budget`` of votes spent or breaks the rate limit;
        raises :class:`VoteRefused` then, storing nothing."""
        with self.lock:
            index = self._refresh()  # before the tail is cut: a damaged ledger is left as it is
            repair_tail(self.path)
            if row["vote_id"] in index.nonces:
                raise VoteRefused("Refused: this ticket was already used; a vote counts once.")
            if (row["voter"], row["pair_id"]) in index.voted:
                raise VoteRefused("Refused: you already voted on this pair; one vote per voter per pair.")
            if pair_budget is not None and index.per_pair[row["pair_id"]] >= pair_budget:
                raise VoteRefused(
                    f"Refused: this pair already has the {pair_budget} votes it takes; ask for a new pair."
                )
            self.rate_limit.check(index.times.get(row["voter"], ()), float(row["voted_at"]))
            append_jsonl(self.path, [row])
            self._refresh()
            if self._publish is not None:
                self._publish(self.path, f"Vote on {row['board']} {row['uid']}")

    def votes_per_pair(self) -> Counter[str]:
        """How many votes each pair has (for the pair budget)."""
        with self.lock:
            return Counter(self._refresh().per_pair)


def _is_json(data: bytes) -> bool:
    try:
        loads(data)
    except JSONInputError:
        return False
    return True


def failed_voters(rows: Sequence[dict[str, Any]]) -> set[str]:
    """Voters who picked the broken side of at least one control pair."""
    return {row["voter"] for row in rows if FAILED_CONTROL in row["flags"]}


def counted_votes(rows: Sequence[dict[str, Any]], *, include_flagged: bool = False) -> list[dict[str, Any]]:
    """The battle votes that count: control pairs left out, and by default every vote of a voter
    who failed a control."""
    excluded = set() if include_flagged else failed_voters(rows)
    return [row for row in rows if row["kind"] == BATTLE and row["voter"] not in excluded]
