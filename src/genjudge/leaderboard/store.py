"""The leaderboard dataset: one folder holding the boards of every benchmark it serves.

Layout (the Hugging Face leaderboard template's requests/results split, plus what makes the
boards reproducible)::

    README.md                          dataset card with ``configs:`` so ``load_dataset`` reads it
    requests/<submission_id>.json      PENDING -> RUNNING -> FINISHED / FAILED (with a reason)
    results/<submission_id>.json       {"config": {...}, "results": {<board>: {<metric>: ...}}}
    outputs/<submission_id>.parquet    the validated submission (never the uploaded file)
    <export>/<board>/<submission_id>.jsonl   what a job adds to the record (OpenING: verdicts)
    votes/<board>/votes.jsonl          people's A/B votes on a board that takes them (append-only)
    board/<board>.parquet              the precomputed board the Space shows; pictures beside it
    cache/                             the boards' working files (verdict caches); not published
    board-options.json                 the options each benchmark's board was last opened with, so
                                       commands run later without options open the same boards;
                                       not published (it may name local folders)

Nothing here knows what a benchmark is: submissions are read by the board's plug-in
(:class:`~genjudge.benchmarks.plugin.Board`) and evaluations arrive as an
:class:`~genjudge.benchmarks.plugin.Evaluation` that :meth:`LeaderboardStore.finish` writes in one
place. Every write is atomic (temp file + fsync + rename); writers are serialised by a file lock, so
the Space's callbacks, its worker thread and a CLI in another process can share one folder. With a
:class:`~genjudge.leaderboard.mirror.HubMirror` the changed files are also pushed to a Hub dataset
repo, batched into one commit every so often rather than one per status change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock

from genjudge.benchmarks.plugin import Board, Evaluation, Payload
from genjudge.leaderboard.card import store_card
from genjudge.leaderboard.mirror import HubMirror
from genjudge.safe_io.durable import (
    atomic_target,
    atomic_write_bytes,
    atomic_write_json,
    read_json,
    read_jsonl,
    repair_tail,
)
from genjudge.safe_io.uploads import (
    SubmissionLimits,
    check_link,
    check_model_name,
    check_short_text,
    submission_id_of,
)

PENDING, RUNNING, FINISHED, FAILED = "PENDING", "RUNNING", "FINISHED", "FAILED"
STATUSES = (PENDING, RUNNING, FINISHED, FAILED)


def now() -> str:
    """UTC timestamp, second precision, ISO 8601 (what the board shows as the submission date)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class StoreNotFound(FileNotFoundError):
    """A command that only reads was pointed at a folder that holds no leaderboard."""


@dataclass(frozen=True)
class SubmitResult:
    """What happened to an upload: ``created`` is false when the same file was submitted before."""

    submission_id: str
    created: bool
    status: str
    message: str


class LeaderboardStore:
    """A leaderboard dataset on disk (optionally mirrored to a Hub dataset repo).

    ``boards`` are the boards this process serves: the dataset card declares their columns. A
    store opened without boards (to read the queue or print a board) leaves the card alone, and
    with ``create=False`` refuses a folder that is not a leaderboard instead of making one.
    """

    def __init__(
        self,
        root: Path | str,
        *,
        boards: Sequence[Board] = (),
        hub: HubMirror | None = None,
        pull: bool = True,
        create: bool = True,
    ) -> None:
        self.root = Path(root)
        if not create and not (self.root / "README.md").is_file():
            raise StoreNotFound(
                f"{self.root} is not a leaderboard folder (no README.md); check --store or "
                "GENJUDGE_LEADERBOARD_DIR"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        self.hub = hub
        if hub is not None and pull:
            hub.pull(self.root)
        self.lock = FileLock(str(self.root / ".lock"))
        if boards:
            card = store_card(boards)
            with self.lock:
                path = self.root / "README.md"
                if not path.exists() or path.read_text(encoding="utf-8") != card:
                    atomic_write_bytes(path, card.encode())
                    self._publish(["README.md"], "Dataset card")

    # ------------------------------------------------------------------ paths
    def request_path(self, sid: str) -> Path:
        return self.root / "requests" / f"{sid}.json"

    def result_path(self, sid: str) -> Path:
        return self.root / "results" / f"{sid}.json"

    def payload_path(self, sid: str) -> Path:
        return self.root / "outputs" / f"{sid}.parquet"

    def export_path(self, name: str, board_id: str, sid: str) -> Path:
        return self.root / name / board_id / f"{sid}.jsonl"

    def ledger_path(self, name: str, board_id: str) -> Path:
        """A board's append-only log ``name`` (its votes): one file, in that config's folder."""
        return self.root / name / board_id / f"{name}.jsonl"

    def board_path(self, board_id: str) -> Path:
        return self.root / "board" / f"{board_id}.parquet"

    def chart_path(self, board_id: str, name: str) -> Path:
        """Where a board's picture ``name`` (e.g. ``ratings``) is written."""
        return self.root / "board" / f"{board_id}-{name}.png"

    @property
    def work_dir(self) -> Path:
        """The boards' working files (verdict caches): kept with the store, never published."""
        path = self.root / "cache"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _publish(self, paths: Sequence[str], message: str) -> None:
        if self.hub is not None:
            self.hub.push(self.root, paths, message)

    def publish(self, path: Path, message: str) -> None:
        """Push one file of the folder (a vote ledger written by its own writer) to the Hub mirror."""
        self._publish([self._rel(path)], message)

    # ------------------------------------------------------------------ requests
    def request(self, sid: str) -> dict[str, Any] | None:
        path = self.request_path(sid)
        return read_json(path) if path.exists() else None

    def requests(self, status: str | None = None, board: str | None = None) -> list[dict[str, Any]]:
        """All requests, oldest first (``seq`` is assigned under the lock, so the order is total)."""
        folder = self.root / "requests"
        rows = [read_json(p) for p in folder.glob("*.json")] if folder.exists() else []
        rows = [
            r
            for r in rows
            if (status is None or r["status"] == status) and (board is None or r["board"] == board)
        ]
        return sorted(rows, key=lambda r: r["seq"])

    def taken_names(self, board: str) -> set[str]:
        """Model names in use on a board: every submission that has not failed holds its name."""
        return {r["model"] for r in self.requests(board=board) if r["status"] != FAILED}

    def submit(
        self,
        source: Path | str,
        board: Board,
        *,
        model_name: str,
        link: str = "",
        description: str = "",
        limits: SubmissionLimits | None = None,
        generation: Mapping[str, Any] | None = None,
        payload: Payload | None = None,
    ) -> SubmitResult:
        """Validate an upload with the board's plug-in and queue it. Raises ``SubmissionError``.

        ``payload`` is the upload as ``board.read_submission`` already returned it (a caller that
        validates before opening the store passes it, so the upload is not read twice).
        ``generation`` is the run manifest of outputs genjudge generated itself (model, revision,
        settings, seeds); it is kept with the request and written into the results' ``config``.

        The same file for the same board a second time is a no-op that says so (the id is a hash of
        the board and the content). Validation runs outside the lock (it is the slow part); the name
        and id are re-checked under the lock so two racing uploads cannot both take a name.
        """
        limits = limits or SubmissionLimits()
        source = Path(source)
        sid = hashlib.sha256(f"{board.board_id}\x00{submission_id_of(source)}".encode()).hexdigest()[:20]
        existing = self.request(sid)
        if existing is not None:
            return self._already(existing)
        model = check_model_name(model_name, self.taken_names(board.board_id), limits)
        link = check_link(link, limits)
        description = check_short_text(description, "model_description", limits.max_description_chars)
        if payload is None:
            payload = board.read_submission(source, model, limits)
        with self.lock:
            existing = self.request(sid)
            if existing is not None:
                return self._already(existing)
            check_model_name(model, self.taken_names(board.board_id), limits)
            self._write_payload(sid, payload)
            request = {
                "submission_id": sid,
                "seq": len(list((self.root / "requests").glob("*.json"))),
                "model": model,
                "model_link": link,
                "model_description": description,
                "benchmark": board.spec.name,
                "board": board.board_id,
                "status": PENDING,
                "reason": None,
                "submitted_at": now(),
                "started_at": None,
                "finished_at": None,
                "n_items": payload.n_items,
                "members": None,
                "generation": json.dumps(dict(generation), sort_keys=True) if generation else "",
            }
            atomic_write_json(self.request_path(sid), request)
            self._publish(
                [self._rel(self.payload_path(sid)), self._rel(self.request_path(sid))],
                f"Queue {model} for {board.board_id} ({sid})",
            )
        return SubmitResult(sid, True, PENDING, f"Queued {model} for {board.board_id} as submission {sid}.")

    @staticmethod
    def _already(existing: dict[str, Any]) -> SubmitResult:
        status = existing["status"]
        reason = f": {existing['reason']}" if existing.get("reason") else ""
        return SubmitResult(
            existing["submission_id"],
            False,
            status,
            f"This file was already submitted as {existing['model']} "
            f"(submission {existing['submission_id']}, {status}{reason}); nothing changed.",
        )

    def update_request(self, sid: str, **changes: Any) -> dict[str, Any]:
        """Change fields of a request (status moves) atomically."""
        with self.lock:
            request = self.request(sid)
            if request is None:
                raise KeyError(f"no submission {sid}")
            request.update(changes)
            atomic_write_json(self.request_path(sid), request)
            self._publish([self._rel(self.request_path(sid))], f"{request['model']}: {request['status']}")
            return request

    def claim_next(self, boards: Sequence[str] | None = None) -> dict[str, Any] | None:
        """The next job for a worker serving ``boards`` (all when ``None``): a RUNNING one left by a
        crash first, else the oldest PENDING one, marked RUNNING here under the lock (so two workers
        never take the same job) with the board members it will be measured against."""
        with self.lock:
            mine = [r for r in self.requests() if boards is None or r["board"] in boards]
            running = [r for r in mine if r["status"] == RUNNING]
            if running:
                return running[0]
            pending = [r for r in mine if r["status"] == PENDING]
            if not pending:
                return None
            request = pending[0]
            members = [
                r["submission_id"] for r in mine if r["status"] == FINISHED and r["board"] == request["board"]
            ]
            request.update(status=RUNNING, started_at=now(), members=members)
            atomic_write_json(self.request_path(request["submission_id"]), request)
            self._publish(
                [self._rel(self.request_path(request["submission_id"]))], f"{request['model']}: RUNNING"
            )
            return request

    def fail(self, sid: str, reason: str) -> None:
        self.update_request(sid, status=FAILED, reason=reason, finished_at=now())

    # ------------------------------------------------------------------ payloads and exports
    def _write_payload(self, sid: str, payload: Payload) -> None:
        with atomic_target(self.payload_path(sid)) as tmp:
            pq.write_table(payload.table, tmp)

    def read_payload(self, sid: str) -> pa.Table:
        """A submission's validated content, as its board's plug-in wrote it."""
        return pq.read_table(self.payload_path(sid))

    def read_export(self, name: str, board_id: str, sid: str) -> list[dict[str, Any]]:
        path = self.export_path(name, board_id, sid)
        with self.lock:
            repair_tail(path)
        return read_jsonl(path)

    def all_exports(self, name: str, board_id: str) -> list[dict[str, Any]]:
        folder = self.root / name / board_id
        rows: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.jsonl")) if folder.exists() else []:
            rows.extend(read_jsonl(path))
        return rows

    # ------------------------------------------------------------------ results and board
    def finish(self, request: dict[str, Any], evaluation: Evaluation, board: pd.DataFrame) -> None:
        """Publish a finished job: exports, pictures, results file, board, then the FINISHED status —
        in that order, so a crash in between leaves a RUNNING job that the worker redoes, never a
        half-published one. All of it is one Hub commit."""
        sid, board_id = request["submission_id"], request["board"]
        written: list[Path] = []
        with self.lock:
            for name, rows in evaluation.exports.items():
                path = self.export_path(name, board_id, sid)
                with atomic_target(path) as tmp:
                    tmp.write_text("".join(_json_line(row) for row in rows), encoding="utf-8")
                written.append(path)
            for name, figure in evaluation.charts.items():
                path = self.chart_path(board_id, name)
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png", dpi=100)
                atomic_write_bytes(path, buffer.getvalue())
                written.append(path)
            result = {
                "config": {
                    "submission_id": sid,
                    "model_name": request["model"],
                    "model_link": request.get("model_link") or "",
                    "benchmark": request["benchmark"],
                    "board": board_id,
                    "submitted_at": request["submitted_at"],
                    "evaluated_at": now(),
                    "generation": request.get("generation") or "",
                    **evaluation.config,
                },
                "results": evaluation.results,
            }
            atomic_write_json(self.result_path(sid), result)
            with atomic_target(self.board_path(board_id)) as tmp:
                board.to_parquet(tmp, index=False)
            current = self.request(sid)
            if current is None:
                raise KeyError(f"no submission {sid}")
            current.update(status=FINISHED, finished_at=now(), reason=None)
            atomic_write_json(self.request_path(sid), current)
            paths = [*written, self.result_path(sid), self.board_path(board_id), self.request_path(sid)]
            self._publish([self._rel(p) for p in paths], f"{request['model']}: FINISHED on {board_id}")

    def result(self, sid: str) -> dict[str, Any] | None:
        path = self.result_path(sid)
        return read_json(path) if path.exists() else None

    def board_ids(self) -> list[str]:
        """The boards this folder holds a published board for."""
        folder = self.root / "board"
        return sorted(p.stem for p in folder.glob("*.parquet")) if folder.exists() else []

    def read_board(self, board_id: str) -> pd.DataFrame | None:
        path = self.board_path(board_id)
        return pd.read_parquet(path) if path.exists() else None

    def board_mtime(self, board_id: str) -> float:
        path = self.board_path(board_id)
        return os.stat(path).st_mtime_ns if path.exists() else 0.0


def _json_line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"
