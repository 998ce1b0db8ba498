"""The queue worker: one submission at a time, for whichever board it was made to.

For each job the worker

1. claims it from the store (the oldest PENDING one, or a RUNNING one a crash left behind), which
   fixes the board members it is measured against, so a restarted job sees exactly the same ones;
2. hands the board's plug-in one read view of what the evaluate step may need
   (:class:`~genjudge.benchmarks.plugin.Job`: the request, the members, their stored payloads,
   what earlier jobs exported, the board as last published, a folder for caches);
3. adds the generic columns (rank in the benchmark's default order, submission date, link) to the
   board the step returns, and has the store publish everything in one place.

What is benchmark-specific — sampling battles and judging them (OpenING), normalising a score
sheet (General-Level) — happens inside step 2; a job found RUNNING at start is simply run again,
and the plug-in's own caches make the rerun cheap and its numbers identical.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from genjudge.benchmarks.plugin import Board, Job
from genjudge.leaderboard.board import build_board
from genjudge.leaderboard.store import LeaderboardStore

log = logging.getLogger(__name__)


@dataclass
class Worker:
    """Processes the store's queue for ``boards`` (board id → opened board)."""

    store: LeaderboardStore
    boards: Mapping[str, Board]
    progress: bool = False

    def run_once(self) -> str | None:
        """Process the next queued (or interrupted) job; its id, or ``None`` when the queue is empty."""
        request = self.store.claim_next(list(self.boards))
        if request is None:
            return None
        sid = request["submission_id"]
        try:
            self.process(request)
        except Exception as exc:
            log.exception("submission %s failed", sid)
            self.store.fail(sid, f"{type(exc).__name__}: {exc}")
        return sid

    def run_until_empty(self) -> list[str]:
        done = []
        while (sid := self.run_once()) is not None:
            done.append(sid)
        return done

    def run_forever(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        """The Space's background loop: drain the queue, then wait for new work or ``stop``."""
        while not stop.is_set():
            try:
                worked = self.run_once() is not None
            except Exception:  # the store itself failed (disk full, ...): keep the thread alive
                log.exception("worker loop error")
                worked = False
            if not worked:
                stop.wait(poll_seconds)

    def process(self, request: dict[str, Any]) -> None:
        board_id = request["board"]
        board = self.boards.get(board_id)
        if board is None:
            raise ValueError(f"unknown board {board_id!r}; this worker serves {sorted(self.boards)}")
        members = tuple(self.store.request(sid) for sid in request["members"] or ())
        job = Job(
            request=request,
            members=tuple(m for m in members if m is not None),
            payload=self.store.read_payload,
            exported=lambda name, sid: self.store.read_export(name, board_id, sid),
            previous_board=self.store.read_board(board_id),
            work_dir=self.store.work_dir,
            progress=self.progress,
        )
        evaluation = board.evaluate(job)
        self.store.finish(
            request, evaluation, build_board(board.spec, evaluation.board, [*job.members, request])
        )
