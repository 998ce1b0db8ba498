"""What the Space (and the CLI) run: a store, the boards it serves, and a worker thread.

Configuration comes from the environment so the same code runs locally and as a Hub Space:

``GENJUDGE_LEADERBOARD_DIR``     the leaderboard folder (default ``./leaderboard-data``)
``GENJUDGE_LEADERBOARD_REPO``    a Hub dataset repo id to mirror it to (needs ``HF_TOKEN``)
``GENJUDGE_BENCHMARKS``          comma-separated benchmarks to serve, one board each (default: every
                                 benchmark that works offline; ``evalmi-models`` needs LMM4LMM weights)
``GENJUDGE_<BENCHMARK>_<OPTION>``  a board option, e.g. ``GENJUDGE_OPENING_SOURCE`` (an OpenING
                                 release folder), ``GENJUDGE_OPENING_SPLIT``, ``GENJUDGE_OPENING_JUDGE``;
                                 each benchmark's options are listed by ``genjudge leaderboard options``
``GENJUDGE_VOTE_SECRET``         signs vote tickets and salts voter hashes (set it as a Space secret so
                                 both survive restarts; otherwise one is kept in the folder's ``cache/``)

Board options not set here take the ones the folder remembers (``board-options.json``, written
whenever boards are opened on it), so the Space, ``genjudge leaderboard serve`` and ``submit`` open
the same boards on one folder.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from genjudge.benchmarks.plugin import BenchmarkSpec, Board, BoardData, VotingBoard
from genjudge.benchmarks.sections import GenerationSection
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.config import LeaderboardConfig
from genjudge.leaderboard.model_requests import ModelRequestRefused, ModelRequests
from genjudge.leaderboard.model_run import generating_benchmarks
from genjudge.leaderboard.store import FAILED, FINISHED, PENDING, RUNNING, LeaderboardStore, SubmitResult
from genjudge.leaderboard.worker import Worker
from genjudge.votes.booth import VoteBooth
from genjudge.votes.ledger import VoteLedger
from genjudge.votes.pool import VotePool
from genjudge.votes.rate_limit import RateLimit
from genjudge.votes.secret import load_or_create_secret

logger = logging.getLogger(__name__)

QUEUE_COLUMNS = {
    "model": "Model",
    "board": "Board",
    "status": "Status",
    "reason": "Reason",
    "submitted_at": "Submitted",
    "finished_at": "Finished",
    "submission_id": "Submission",
}


MODEL_QUEUE_COLUMNS = {
    "model": "Model (Hub)",
    "revision": "Revision",
    "board": "Board",
    "status": "Status",
    "reason": "Reason",
    "submitted_at": "Submitted",
    "finished_at": "Finished",
    "request_id": "Request",
}


@dataclass(frozen=True)
class Progress:
    """A submission's status line, and whether it can still change (the Submit tab polls until not)."""

    message: str
    final: bool


class LeaderboardService:
    """The running leaderboard: submissions in, a background worker, board views out."""

    def __init__(
        self,
        store: LeaderboardStore,
        boards: Mapping[str, Board],
        *,
        about: str = "",
        progress: bool = False,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.store = store
        self.boards = dict(boards)
        self.about = about
        self.worker = Worker(store, self.boards, progress=progress)
        self.views = {
            board_id: BoardView(store, board_id, board.spec) for board_id, board in self.boards.items()
        }
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pools: dict[str, tuple[tuple[str, ...], VotePool]] = {}
        self._pool_lock = threading.Lock()
        self.model_requests = ModelRequests(store)
        self.booths = {
            board_id: self._booth(board_id, board, rate_limit)
            for board_id, board in self.boards.items()
            if board.spec.voting is not None
        }

    @classmethod
    def from_config(cls, config: LeaderboardConfig, **options) -> LeaderboardService:
        config, notes = config.with_remembered_options()
        for note in notes:
            logger.warning(note)
        boards = config.open_boards()
        return cls(config.open_store(list(boards.values())), boards, **options)

    def spec(self, board_id: str) -> BenchmarkSpec:
        return self.boards[board_id].spec

    # ---------------------------------------------------------------- worker thread
    def start_worker(self, poll_seconds: float = 1.0) -> None:
        """Process the queue in a daemon thread (the Space's background worker)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.worker.run_forever,
            args=(self._stop, poll_seconds),
            name="leaderboard-worker",
            daemon=True,
        )
        self._thread.start()

    def stop_worker(self, timeout: float = 30.0) -> None:
        """Stop the worker thread and push what the Hub mirror still holds (its commits are batched)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.store.hub is not None:
            self.store.hub.close()

    # ---------------------------------------------------------------- callbacks' library side
    def submit(
        self, board_id: str, source: Path | str, model_name: str, link: str = "", description: str = ""
    ) -> SubmitResult:
        """Validate and queue an upload; raises ``SubmissionError`` with a message for the submitter."""
        return self.store.submit(
            source, self.boards[board_id], model_name=model_name, link=link, description=description
        )

    def queue_table(self) -> pd.DataFrame:
        """Every submission, newest first, with its board, status and the reason when it failed."""
        rows = list(reversed(self.store.requests()))
        frame = pd.DataFrame(rows, columns=list(QUEUE_COLUMNS)).fillna("")
        for column in ("submitted_at", "finished_at"):
            frame[column] = frame[column].astype(str).str.slice(0, 16).str.replace("T", " ")
        return frame.rename(columns=QUEUE_COLUMNS)

    # ---------------------------------------------------------------- models submitted by Hub id
    def generation(self, board_id: str) -> tuple[str, GenerationSection] | None:
        """The benchmark whose generated outputs this board ranks, and its generation section
        (``None``: the board takes uploads only)."""
        spec_name = self.boards[board_id].spec.name
        for benchmark in generating_benchmarks():
            if benchmark.generation is not None and benchmark.generation.board == spec_name:
                return benchmark.name, benchmark.generation
        return None

    def submit_model(
        self,
        board_id: str,
        model: str,
        *,
        revision: str = "",
        kind: str = "",
        options: Mapping[str, str] | None = None,
        model_name: str = "",
        submitter: str = "",
    ) -> dict[str, Any]:
        """Queue a model by Hub id for a worker; raises ``ModelRequestRefused`` with the reason."""
        found = self.generation(board_id)
        if found is None:
            raise ModelRequestRefused(f"the {board_id} board takes uploaded outputs only")
        return self.model_requests.submit(
            benchmark=found[0],
            board=self.boards[board_id],
            model=model,
            revision=revision,
            kind=kind,
            options=options,
            model_name=model_name,
            submitter=submitter,
        )

    def model_queue_table(self) -> pd.DataFrame:
        """Every model request, newest first: what a worker still has to generate, and what came of it."""
        rows = list(reversed(self.model_requests.all()))
        frame = pd.DataFrame(rows, columns=list(MODEL_QUEUE_COLUMNS)).fillna("")
        for column in ("submitted_at", "finished_at"):
            frame[column] = frame[column].astype(str).str.slice(0, 16).str.replace("T", " ")
        return frame.rename(columns=MODEL_QUEUE_COLUMNS)

    def model_request_progress(self, request_id: str) -> Progress:
        """Where a model request stands, in one line: waiting for a worker, generating, or the
        outcome of the submission its outputs became."""
        rid = (request_id or "").strip()
        record = self.model_requests.get(rid) if rid.isalnum() else None
        if record is None:
            return Progress(f"No model request {rid!r} on this leaderboard.", final=True)
        about = f"{record['model']}@{record['revision']} on {record['board']} (request {rid})"
        if record["status"] == PENDING:
            return Progress(f"⏳ Pending: {about} waits for a GPU worker to take it.", final=False)
        if record["status"] == RUNNING:
            return Progress(f"⏳ Running: a worker is generating {about}.", final=False)
        if record["status"] == FAILED:
            return Progress(f"❌ Failed: {about}: {record['reason']}", final=True)
        outcome = self.submission_progress(record["submission_id"] or "")
        return Progress(f"{outcome.message} Generated from {record['model']}@{record['revision']}.", True)

    def board_table(
        self,
        board_id: str,
        search: str = "",
        sort_by: str = "Rank",
        descending: bool | None = None,
        scope: str | None = None,
    ) -> pd.DataFrame:
        return self.views[board_id].table(search, sort_by, descending, scope)

    # ---------------------------------------------------------------- voting
    def _booth(self, board_id: str, board: Board, rate_limit: RateLimit | None) -> VoteBooth:
        voting = board.spec.voting
        assert voting is not None
        ledger = VoteLedger(
            self.store.ledger_path(voting.ledger.name, board_id),
            self.store.lock,
            rate_limit=rate_limit,
            publish=self.store.publish,
        )
        secret = load_or_create_secret(self.store.work_dir / "vote-secret")
        return VoteBooth(lambda: self.vote_pool(board_id), ledger, secret)

    def vote_pool(self, board_id: str) -> VotePool:
        """What people vote on for a board: rebuilt when a submission finishes, else kept."""
        board: VotingBoard = self.boards[board_id]  # type: ignore[assignment]
        members = tuple(self.store.requests(status=FINISHED, board=board_id))
        key = tuple(m["submission_id"] for m in members)
        with self._pool_lock:
            cached = self._pools.get(board_id)
            if cached is None or cached[0] != key:
                data = BoardData(
                    members,
                    self.store.read_payload,
                    lambda name, sid: self.store.read_export(name, board_id, sid),
                )
                cached = (key, board.vote_pool(data))
                self._pools[board_id] = cached
            return cached[1]

    def chart_files(self, board_id: str) -> dict[str, str]:
        """The board's pictures drawn so far, picture name → file, in the order its spec lists them;
        empty for a board whose spec draws none or before its first evaluation."""
        paths = {name: self.store.chart_path(board_id, name) for name, _ in self.spec(board_id).charts}
        return {name: str(path) for name, path in paths.items() if path.exists()}

    def charts(self, board_id: str) -> list[tuple[str, str]]:
        """The same pictures as (file, caption), the API's list."""
        files = self.chart_files(board_id)
        return [(files[name], label) for name, label in self.spec(board_id).charts if name in files]

    def submission_progress(self, submission_id: str) -> Progress:
        """Where a submission stands, in one line of plain text for the submitter: how many wait ahead
        of it, since when it is evaluated, its rank once on the board, or why it failed.

        The Submit tab polls it after an upload (so "Queued" turns into the outcome without a reload)
        and programs read it through the API; it only reads the store."""
        sid = (submission_id or "").strip()
        request = self.store.request(sid) if sid.isalnum() else None
        if request is None:
            return Progress(
                f"No submission {sid!r} on this leaderboard: the id is the one the Submit message names.",
                final=True,
            )
        model, board_id, status = request["model"], request["board"], request["status"]
        about = f"{model} on {board_id} (submission {sid})"
        if status == PENDING:
            ahead = sum(
                r["seq"] < request["seq"] for r in self.store.requests() if r["status"] in (PENDING, RUNNING)
            )
            return Progress(f"⏳ Queued: {about}; {ahead} submission(s) ahead of it.", final=False)
        if status == RUNNING:
            return Progress(f"⏳ Evaluating {about} since {_minute(request['started_at'])} UTC.", final=False)
        if status == FAILED:
            return Progress(f"❌ Failed: {about}: {request['reason']}", final=True)
        rank = self._rank(board_id, sid)
        where = f" at rank {rank}" if rank is not None else ""
        finished = _minute(request["finished_at"])
        return Progress(f"✅ Finished: {about} is on the board{where} ({finished} UTC).", final=True)

    def _rank(self, board_id: str, sid: str) -> int | None:
        """A finished submission's rank on a board this service serves (``None`` on another board)."""
        view = self.views.get(board_id)
        if view is None:
            return None
        board = view.refresh()
        rank = board.loc[board["submission_id"] == sid, "rank"]
        return int(rank.iloc[0]) if len(rank) else None


def _minute(timestamp: str | None) -> str:
    """``2025-01-02T03:04:05+00:00`` → ``2025-01-02 03:04``, as the Queue tab shows times."""
    return (timestamp or "")[:16].replace("T", " ")
