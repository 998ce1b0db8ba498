"""The leaderboard dataset: requests, results, verdicts, submitted outputs and the board.

Layout (the Hugging Face leaderboard template's requests/results split, plus what makes the
board reproducible)::

    README.md                         dataset card with ``configs:`` so ``load_dataset`` reads it
    requests/<submission_id>.json     PENDING -> RUNNING -> FINISHED / FAILED (with a reason)
    results/<submission_id>.json      {"config": {...}, "results": {...}} when the job finished
    outputs/<submission_id>.parquet   the validated outputs (never the uploaded archive)
    verdicts/<benchmark>/<submission_id>.jsonl   append-only: the battles that job added
    board/<benchmark>.parquet         the precomputed board the Space shows

Every write is atomic (temp file + fsync + rename); writers are serialised by a file lock, so
the Space's callbacks, its worker thread and a CLI in another process can share one folder.
With a :class:`~genjudge.leaderboard.mirror.HubMirror` each change is also one Hub commit.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock

from genjudge.durable import (
    append_jsonl,
    atomic_target,
    atomic_write_bytes,
    atomic_write_json,
    read_json,
    read_jsonl,
    repair_tail,
)
from genjudge.leaderboard.mirror import HubMirror
from genjudge.records import Instance, ModelOutput, Step
from genjudge.submissions import (
    Submission,
    SubmissionLimits,
    check_model_name,
    submission_id_of,
    validate_submission,
)

PENDING, RUNNING, FINISHED, FAILED = "PENDING", "RUNNING", "FINISHED", "FAILED"
STATUSES = (PENDING, RUNNING, FINISHED, FAILED)

REQUEST_FIELDS: dict[str, str] = {
    "submission_id": "string",
    "seq": "int64",
    "model": "string",
    "model_link": "string",
    "model_description": "string",
    "benchmark": "string",
    "status": "string",
    "reason": "string",
    "submitted_at": "string",
    "started_at": "string",
    "finished_at": "string",
    "n_outputs": "int64",
    "opponents": "list",
}
RESULT_CONFIG_FIELDS: dict[str, str] = {
    "submission_id": "string",
    "model": "string",
    "model_link": "string",
    "benchmark": "string",
    "judge_id": "string",
    "judge_revision": "string",
    "prompt_version": "string",
    "seed": "int64",
    "submitted_at": "string",
    "evaluated_at": "string",
}
RESULT_FIELDS: dict[str, str] = {
    "winrate_fdt": "float64",
    "winrate_with_tie": "float64",
    "winrate_without_tie": "float64",
    "rating": "float64",
    "rating_lower": "float64",
    "rating_upper": "float64",
    "rank": "int64",
    "battles": "int64",
    "new_battles": "int64",
    "judged": "int64",
}
VERDICT_FIELDS: dict[str, str] = {
    "benchmark": "string",
    "submission_id": "string",
    "uid": "string",
    "model_a": "string",
    "model_b": "string",
    "hash_a": "string",
    "hash_b": "string",
    "judge_id": "string",
    "judge_revision": "string",
    "prompt_version": "string",
    "winner": "string",
}


def now() -> str:
    """UTC timestamp, second precision, ISO 8601 (what the board shows as the submission date)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _yaml_struct(fields: dict[str, str], indent: int) -> str:
    pad = " " * indent
    return "".join(
        f"{pad}- name: {name}\n{pad}  list: string\n"
        if dtype == "list"
        else f"{pad}- name: {name}\n{pad}  dtype: {dtype}\n"
        for name, dtype in fields.items()
    )


def dataset_card() -> str:
    """The dataset card: ``configs`` so ``load_dataset(folder, "results")`` works, and the features
    declared so files whose values are all null (a first model has no rating yet) still load.

    All configs are JSON: ``datasets`` picks one file format for a whole repo, so the Parquet board
    cache is left out of the configs (it can be read with pandas).
    """
    return (
        "---\n"
        "configs:\n"
        "- config_name: results\n  data_files:\n  - split: train\n    path: results/*.json\n"
        "- config_name: requests\n  data_files:\n  - split: train\n    path: requests/*.json\n"
        "- config_name: verdicts\n  data_files:\n  - split: train\n    path: verdicts/*/*.jsonl\n"
        "dataset_info:\n"
        "- config_name: results\n  features:\n"
        "  - name: config\n    struct:\n"
        + _yaml_struct(RESULT_CONFIG_FIELDS, 4)
        + "  - name: results\n    struct:\n"
        + _yaml_struct(RESULT_FIELDS, 4)
        + "- config_name: requests\n  features:\n"
        + _yaml_struct(REQUEST_FIELDS, 2)
        + "- config_name: verdicts\n  features:\n"
        + _yaml_struct(VERDICT_FIELDS, 2)
        + "---\n\n"
        "# genjudge leaderboard\n\n"
        "Submissions to the genjudge leaderboard, the pairwise verdicts that rank them, and the board.\n\n"
        "- `requests`: one row per submission with its status (PENDING, RUNNING, FINISHED, FAILED).\n"
        "- `results`: one row per finished submission: the judge it was rated with and its scores\n"
        "  at the time it joined the board.\n"
        "- `verdicts`: every battle (instance, both models, content hashes of both outputs, judge\n"
        "  id/revision/prompt version, verdict), so the board can be recomputed from scratch.\n"
        "\n`board/<benchmark>.parquet` is the current ranking (win rates, Bradley–Terry rating with 95%\n"
        "interval) as the Space shows it; it is recomputed from the verdicts after every finished job.\n"
    )


@dataclass(frozen=True)
class SubmitResult:
    """What happened to an upload: ``created`` is false when the same zip was submitted before."""

    submission_id: str
    created: bool
    status: str
    message: str


class LeaderboardStore:
    """A leaderboard dataset on disk (optionally mirrored to a Hub dataset repo)."""

    def __init__(self, root: Path | str, *, hub: HubMirror | None = None, pull: bool = True) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.hub = hub
        if hub is not None and pull:
            hub.pull(self.root)
        self.lock = FileLock(str(self.root / ".lock"))
        with self.lock:
            card = self.root / "README.md"
            if not card.exists() or card.read_text(encoding="utf-8") != dataset_card():
                atomic_write_bytes(card, dataset_card().encode())
                self._publish(["README.md"], "Dataset card")

    # ------------------------------------------------------------------ paths
    def request_path(self, sid: str) -> Path:
        return self.root / "requests" / f"{sid}.json"

    def result_path(self, sid: str) -> Path:
        return self.root / "results" / f"{sid}.json"

    def outputs_path(self, sid: str) -> Path:
        return self.root / "outputs" / f"{sid}.parquet"

    def verdicts_path(self, benchmark: str, sid: str) -> Path:
        return self.root / "verdicts" / benchmark / f"{sid}.jsonl"

    def board_path(self, benchmark: str) -> Path:
        return self.root / "board" / f"{benchmark}.parquet"

    def chart_path(self, benchmark: str, kind: str) -> Path:
        """Where the worker draws the board's pictures (``ratings`` or ``heatmap``)."""
        path = self.root / "board" / f"{benchmark}-{kind}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _publish(self, paths: Sequence[str], message: str) -> None:
        if self.hub is not None:
            self.hub.push(self.root, paths, message)

    # ------------------------------------------------------------------ requests
    def request(self, sid: str) -> dict[str, Any] | None:
        path = self.request_path(sid)
        return read_json(path) if path.exists() else None

    def requests(self, status: str | None = None, benchmark: str | None = None) -> list[dict[str, Any]]:
        """All requests, oldest first (``seq`` is assigned under the lock, so the order is total)."""
        folder = self.root / "requests"
        rows = [read_json(p) for p in folder.glob("*.json")] if folder.exists() else []
        rows = [
            r
            for r in rows
            if (status is None or r["status"] == status)
            and (benchmark is None or r["benchmark"] == benchmark)
        ]
        return sorted(rows, key=lambda r: r["seq"])

    def taken_names(self) -> set[str]:
        """Model names in use: every submission that has not failed holds its name."""
        return {r["model"] for r in self.requests() if r["status"] != FAILED}

    def submit(
        self,
        source: Path | str,
        *,
        benchmark: str,
        instances: Sequence[Instance],
        model_name: str,
        link: str = "",
        description: str = "",
        limits: SubmissionLimits | None = None,
    ) -> SubmitResult:
        """Validate an upload and queue it. Raises ``SubmissionError`` for bad input.

        The same archive a second time is a no-op that says so (the id is its content hash).
        Validation runs outside the lock (it is the slow part); the name and id are re-checked
        under the lock so two racing uploads cannot both take a name.
        """
        source = Path(source)
        sid = submission_id_of(source)
        existing = self.request(sid)
        if existing is not None:
            return self._already(existing)
        submission = validate_submission(
            source,
            instances,
            model_name,
            link=link,
            description=description,
            taken_names=self.taken_names(),
            limits=limits,
        )
        with self.lock:
            existing = self.request(sid)
            if existing is not None:
                return self._already(existing)
            check_model_name(submission.model, self.taken_names(), limits)
            self.write_outputs(sid, submission.outputs)
            seq = (
                len(list((self.root / "requests").glob("*.json"))) if (self.root / "requests").exists() else 0
            )
            request = self._new_request(sid, seq, benchmark, submission)
            atomic_write_json(self.request_path(sid), request)
            self._publish(
                [self._rel(self.outputs_path(sid)), self._rel(self.request_path(sid))],
                f"Queue {submission.model} ({sid})",
            )
        return SubmitResult(sid, True, PENDING, f"Queued {submission.model} as submission {sid}.")

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

    @staticmethod
    def _new_request(sid: str, seq: int, benchmark: str, submission: Submission) -> dict[str, Any]:
        return {
            "submission_id": sid,
            "seq": seq,
            "model": submission.model,
            "model_link": submission.link,
            "model_description": submission.description,
            "benchmark": benchmark,
            "status": PENDING,
            "reason": None,
            "submitted_at": now(),
            "started_at": None,
            "finished_at": None,
            "n_outputs": len(submission.outputs),
            "opponents": None,
        }

    def update_request(self, sid: str, **changes: Any) -> dict[str, Any]:
        """Change fields of a request (status moves) atomically, as one commit."""
        with self.lock:
            request = self.request(sid)
            if request is None:
                raise KeyError(f"no submission {sid}")
            request.update(changes)
            atomic_write_json(self.request_path(sid), request)
            self._publish([self._rel(self.request_path(sid))], f"{request['model']}: {request['status']}")
            return request

    def claim_next(self) -> dict[str, Any] | None:
        """The next job for the worker: a RUNNING one left by a crash first, else the oldest PENDING
        (marked RUNNING here, under the lock, so two workers never take the same job)."""
        with self.lock:
            running = self.requests(RUNNING)
            if running:
                return running[0]
            pending = self.requests(PENDING)
            if not pending:
                return None
            request = pending[0]
            request.update(status=RUNNING, started_at=now())
            atomic_write_json(self.request_path(request["submission_id"]), request)
            self._publish(
                [self._rel(self.request_path(request["submission_id"]))], f"{request['model']}: RUNNING"
            )
            return request

    # ------------------------------------------------------------------ outputs
    def write_outputs(self, sid: str, outputs: Sequence[ModelOutput]) -> None:
        step = pa.struct([("text", pa.string()), ("image", pa.binary())])
        table = pa.table(
            {
                "total_uid": pa.array([o.total_uid for o in outputs], pa.string()),
                "model": pa.array([o.model for o in outputs], pa.string()),
                "content_hash": pa.array([o.content_hash for o in outputs], pa.string()),
                "steps": pa.array(
                    [[{"text": s.text, "image": s.image} for s in o.steps] for o in outputs], pa.list_(step)
                ),
            }
        )
        with atomic_target(self.outputs_path(sid)) as tmp:
            pq.write_table(table, tmp)

    def read_outputs(self, sid: str) -> dict[str, ModelOutput]:
        """A submission's outputs by instance id."""
        rows = pq.read_table(self.outputs_path(sid)).to_pylist()
        return {
            row["total_uid"]: ModelOutput(
                total_uid=row["total_uid"],
                model=row["model"],
                steps=tuple(Step(text=s["text"], image=s["image"]) for s in row["steps"]),
            )
            for row in rows
        }

    # ------------------------------------------------------------------ verdicts
    def append_verdicts(self, benchmark: str, sid: str, rows: Sequence[dict[str, Any]]) -> None:
        """Append judged battles; they are durable when this returns (a kill loses none of them)."""
        if rows:
            with self.lock:
                append_jsonl(self.verdicts_path(benchmark, sid), rows)

    def read_verdicts(self, benchmark: str, sid: str) -> list[dict[str, Any]]:
        path = self.verdicts_path(benchmark, sid)
        with self.lock:
            repair_tail(path)
        return read_jsonl(path)

    def all_verdicts(self, benchmark: str) -> list[dict[str, Any]]:
        folder = self.root / "verdicts" / benchmark
        rows: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.jsonl")) if folder.exists() else []:
            rows.extend(read_jsonl(path))
        return rows

    # ------------------------------------------------------------------ results and board
    def finish(
        self,
        sid: str,
        *,
        benchmark: str,
        result: dict[str, Any],
        board: pd.DataFrame,
        extra_files: Sequence[Path] = (),
    ) -> None:
        """Publish a finished job: results file, board, then the FINISHED status — in that order, so
        a crash in between leaves a RUNNING job that the worker redoes, never a half-published one."""
        with self.lock:
            atomic_write_json(self.result_path(sid), result)
            with atomic_target(self.board_path(benchmark)) as tmp:
                board.to_parquet(tmp, index=False)
            request = self.request(sid)
            assert request is not None
            request.update(status=FINISHED, finished_at=now(), reason=None)
            atomic_write_json(self.request_path(sid), request)
            paths = [
                self._rel(self.verdicts_path(benchmark, sid)),
                self._rel(self.result_path(sid)),
                self._rel(self.board_path(benchmark)),
                self._rel(self.request_path(sid)),
                *(self._rel(p) for p in extra_files),
            ]
            self._publish(paths, f"{request['model']}: FINISHED")

    def fail(self, sid: str, reason: str) -> None:
        self.update_request(sid, status=FAILED, reason=reason, finished_at=now())

    def result(self, sid: str) -> dict[str, Any] | None:
        path = self.result_path(sid)
        return read_json(path) if path.exists() else None

    def read_board(self, benchmark: str) -> pd.DataFrame | None:
        path = self.board_path(benchmark)
        return pd.read_parquet(path) if path.exists() else None

    def board_mtime(self, benchmark: str) -> float:
        path = self.board_path(benchmark)
        return os.stat(path).st_mtime_ns if path.exists() else 0.0
