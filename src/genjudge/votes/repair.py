"""Checking a vote ledger line by line, and moving its damaged lines aside.

``genjudge leaderboard votes check`` reads the whole ledger with the same rules the Space uses
(:func:`~genjudge.votes.ledger.parse_vote`, ids not repeated) and names every damaged line. With
``--repair`` the damaged lines are first written, byte for byte, to a quarantine file in the store's
unpublished ``cache/quarantine/`` (fsynced), and only then is the ledger replaced atomically by its
good lines, unchanged: a crash in between leaves the ledger as it was, and a quarantined line can be
fixed and put back by hand (each moved line follows a ``# line N: problem`` note). A last line that
is a whole vote but lost its newline gets the newline.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from filelock import BaseFileLock

from genjudge.safe_io.durable import atomic_write_bytes, create_temp_file
from genjudge.votes.ledger import parse_vote


@dataclass(frozen=True)
class DamagedLine:
    line: int
    problem: str
    data: bytes


@dataclass(frozen=True)
class LedgerCheck:
    """``kept``: the good lines as they are stored (with their newline); ``damaged`` what is not a
    vote; ``votes`` how many votes the good lines hold."""

    path: Path
    kept: tuple[bytes, ...]
    damaged: tuple[DamagedLine, ...]
    missing_newline: bool = False

    @property
    def votes(self) -> int:
        return sum(1 for line in self.kept if line.strip())

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.missing_newline


def check_ledger(path: Path) -> LedgerCheck:
    """Every line of the ledger at ``path`` judged as the Space would (a missing file is empty)."""
    data = path.read_bytes() if path.exists() else b""
    pieces = data.split(b"\n")
    kept: list[bytes] = []
    damaged: list[DamagedLine] = []
    seen: dict[str, int] = {}
    missing_newline = False
    for number, piece in enumerate(pieces, start=1):
        last = number == len(pieces)
        if last and not piece:
            break
        if not piece.strip():
            kept.append(piece + b"\n")
            continue
        try:
            vote = parse_vote(piece)
        except ValueError as exc:
            problem = "cut short: a write that never finished" if last else str(exc)
            damaged.append(DamagedLine(number, problem, piece))
            continue
        if vote["vote_id"] in seen:
            problem = f"vote_id {vote['vote_id']!r} repeats the vote on line {seen[vote['vote_id']]}"
            damaged.append(DamagedLine(number, problem, piece))
            continue
        seen[vote["vote_id"]] = number
        missing_newline = missing_newline or last
        kept.append(piece + b"\n")
    return LedgerCheck(path, tuple(kept), tuple(damaged), missing_newline)


def quarantine_damaged(path: Path, lock: BaseFileLock, folder: Path) -> tuple[LedgerCheck, Path | None]:
    """Move the damaged lines of the ledger at ``path`` to a new file in ``folder`` and keep the rest
    unchanged (under the store's ``lock``, so no vote lands in between). Returns the check made and
    the quarantine file (``None`` when no line had to move)."""
    with lock:
        check = check_ledger(path)
        if check.ok:
            return check, None
        moved = None
        if check.damaged:
            folder.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            moved = folder / f"{path.parent.name}-{path.stem}-{stamp}.txt"
            tmp = create_temp_file(folder, moved.name)
            with open(tmp, "wb") as handle:
                handle.writelines(
                    f"# line {d.line}: {d.problem}\n".encode() + d.data + b"\n" for d in check.damaged
                )
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, moved)
        atomic_write_bytes(path, b"".join(check.kept))
        return check, moved
