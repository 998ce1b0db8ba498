"""Models submitted by Hub id: the requests queue beside the uploads, and the worker step that turns
a request into a board row.

In Hugging Face leaderboards, "submit" means a model id: the Space records the request (it needs
no GPU) and a separate worker with GPUs generates the benchmark's outputs, which are then judged and
published like any upload. The rules are the ones public leaderboards apply:

- a Hub repository id, and a revision resolved to a commit when the Hub can be reached;
- weights in safetensors only, and no model that needs ``trust_remote_code`` (checked on the Hub
  when it can be reached, and again by the generator when it loads);
- one pending request per model, revision and benchmark, and a limit of pending requests per
  submitter.

Layout: ``model_requests/<request_id>.json``, PENDING -> RUNNING -> FINISHED (with the submission it
produced) / FAILED (with the reason). The generated outputs go to ``cache/generated/<request_id>/``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genjudge.benchmarks.plugin import Board
from genjudge.generation.protocol import GenerationError
from genjudge.generation.request import GenerationRequest
from genjudge.leaderboard.model_run import agree_on_shared_options, generation_section, run_model
from genjudge.leaderboard.store import FAILED, FINISHED, PENDING, RUNNING, LeaderboardStore, now
from genjudge.safe_io.durable import atomic_write_json, read_json
from genjudge.safe_io.uploads import SubmissionError, check_model_name, check_short_text

FOLDER = "model_requests"
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")
REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,99}$")
MAX_OPTION_CHARS = 300
log = logging.getLogger(__name__)


class ModelRequestRefused(ValueError):
    """A model request that the rules refuse; the message is for the submitter."""


@dataclass(frozen=True)
class HubModelFacts:
    """What the Hub says about a model at a revision: its commit, whether it has safetensors
    weights, and whether loading it would need code from the repository."""

    commit: str
    has_safetensors: bool
    needs_remote_code: bool


def hub_model_facts(repo_id: str, revision: str | None) -> HubModelFacts | None:
    """The facts from the Hub, or ``None`` when it cannot be reached (offline): the worker's
    generator checks the same rules when it loads the weights."""
    from huggingface_hub import HfApi
    from huggingface_hub.constants import HF_HUB_OFFLINE
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    if HF_HUB_OFFLINE:
        return None
    try:
        info = HfApi().model_info(repo_id, revision=revision)
    except (RepositoryNotFoundError, RevisionNotFoundError) as exc:
        raise ModelRequestRefused(
            f"{repo_id}@{revision or 'main'} is not on the Hub ({type(exc).__name__})"
        ) from None
    except Exception:  # unreachable Hub: checked later, by the loader
        return None
    files = [sibling.rfilename for sibling in info.siblings or ()]
    config = info.config or {}
    return HubModelFacts(
        commit=str(info.sha),
        has_safetensors=any(name.endswith(".safetensors") for name in files),
        needs_remote_code=bool(config.get("auto_map")) or any(name.endswith(".py") for name in files),
    )


@dataclass(frozen=True)
class ModelRequestRules:
    """How many requests one submitter may have waiting."""

    max_pending_per_submitter: int = 2


class ModelRequests:
    """The model requests of a leaderboard folder (shares the store's lock and Hub mirror)."""

    def __init__(
        self,
        store: LeaderboardStore,
        *,
        rules: ModelRequestRules | None = None,
        facts: Callable[[str, str | None], HubModelFacts | None] = hub_model_facts,
    ) -> None:
        self.store = store
        self.rules = rules or ModelRequestRules()
        self._facts = facts

    def path(self, request_id: str) -> Path:
        return self.store.root / FOLDER / f"{request_id}.json"

    def get(self, request_id: str) -> dict[str, Any] | None:
        path = self.path(request_id)
        return read_json(path) if path.exists() else None

    def all(self, status: str | None = None) -> list[dict[str, Any]]:
        """Every model request, oldest first."""
        folder = self.store.root / FOLDER
        rows = [read_json(path) for path in folder.glob("*.json")] if folder.exists() else []
        return sorted((r for r in rows if status is None or r["status"] == status), key=lambda r: r["seq"])

    def submit(
        self,
        *,
        benchmark: str,
        board: Board,
        model: str,
        revision: str = "",
        kind: str = "",
        options: Mapping[str, str] | None = None,
        model_name: str = "",
        submitter: str = "",
    ) -> dict[str, Any]:
        """Check a request against the rules and queue it as PENDING; refusals raise
        :class:`ModelRequestRefused` with the reason."""
        try:
            section = generation_section(benchmark)
        except GenerationError as exc:
            raise ModelRequestRefused(str(exc)) from None
        if section.board != board.spec.name:
            raise ModelRequestRefused(f"{benchmark}'s generated outputs go to the {section.board} board")
        model = model.strip()
        if not REPO_ID.match(model):
            raise ModelRequestRefused(f"{model!r} is not a Hub model id (namespace/name)")
        revision = revision.strip()
        if revision and not REVISION.match(revision):
            raise ModelRequestRefused(f"{revision!r} is not a branch, tag or commit name")
        kind = kind.strip() or section.kinds[0]
        if kind not in section.kinds:
            raise ModelRequestRefused(f"{benchmark} generates with {', '.join(section.kinds)}, not {kind!r}")
        settings = {str(k): str(v) for k, v in (options or {}).items()}
        try:
            for name, value in settings.items():
                check_short_text(f"{name}={value}", "option", MAX_OPTION_CHARS)
            name = check_model_name(
                model_name or model.split("/")[-1], self.store.taken_names(board.board_id)
            )
        except SubmissionError as exc:
            raise ModelRequestRefused(str(exc)) from None
        facts = self._facts(model, revision or None)
        if facts is not None:
            if facts.needs_remote_code:
                raise ModelRequestRefused(
                    f"{model} needs code from its repository (trust_remote_code), which this "
                    "leaderboard never runs"
                )
            if not facts.has_safetensors:
                raise ModelRequestRefused(f"{model} has no .safetensors weights; only safetensors are loaded")
            revision = facts.commit
        with self.store.lock:
            waiting = [r for r in self.all() if r["status"] in (PENDING, RUNNING)]
            same = [
                r
                for r in waiting
                if r["model"] == model
                and r["revision"] == (revision or "main")
                and r["benchmark"] == benchmark
            ]
            if same:
                raise ModelRequestRefused(
                    f"{model}@{revision or 'main'} is already queued for {benchmark} ({same[0]['status']})"
                )
            mine = [r for r in waiting if submitter and r["submitter"] == submitter]
            if len(mine) >= self.rules.max_pending_per_submitter:
                raise ModelRequestRefused(
                    f"you have {len(mine)} model requests waiting; the limit is "
                    f"{self.rules.max_pending_per_submitter} until one finishes"
                )
            key = "\x00".join(
                [benchmark, model, revision or "main", kind, repr(sorted(settings.items())), now()]
            )
            request_id = hashlib.sha256(key.encode()).hexdigest()[:20]
            record = {
                "request_id": request_id,
                "seq": len(self.all()),
                "benchmark": benchmark,
                "board": board.board_id,
                "model": model,
                "revision": revision or "main",
                "revision_resolved": facts is not None,
                "kind": kind,
                "options": json.dumps(settings, sort_keys=True),
                "model_name": name,
                "submitter": submitter,
                "status": PENDING,
                "reason": None,
                "submission_id": None,
                "submitted_at": now(),
                "started_at": None,
                "finished_at": None,
            }
            self._write(record, f"Model request {model} for {board.board_id}")
        return record

    def _write(self, record: dict[str, Any], message: str) -> None:
        path = self.path(record["request_id"])
        atomic_write_json(path, record)
        self.store.publish(path, message)

    def _update(self, request_id: str, **changes: Any) -> dict[str, Any]:
        with self.store.lock:
            record = self.get(request_id)
            if record is None:
                raise KeyError(f"no model request {request_id}")
            record.update(changes)
            self._write(record, f"{record['model']}: {record['status']}")
            return record

    def claim_next(self, boards: Mapping[str, Board]) -> dict[str, Any] | None:
        """The next request for a board this worker serves: a RUNNING one left by a crash first
        (generation resumes where it stopped), else the oldest PENDING one, marked RUNNING."""
        with self.store.lock:
            mine = [r for r in self.all() if r["board"] in boards]
            running = [r for r in mine if r["status"] == RUNNING]
            pending = [r for r in mine if r["status"] == PENDING]
            if running:
                return running[0]
            if not pending:
                return None
            record = pending[0]
            record.update(status=RUNNING, started_at=now())
            self._write(record, f"{record['model']}: RUNNING")
            return record

    def process(
        self,
        record: Mapping[str, Any],
        board: Board,
        *,
        board_options: Mapping[str, str] | None = None,
        progress: bool = False,
    ) -> dict[str, Any]:
        """Generate, submit, evaluate; the request ends FINISHED (with its submission) or FAILED.
        ``board_options`` are the options the worker opened the board with: the ones generation
        shares with the board (the release, the split) are passed on, so both read the same data."""
        try:
            options, _ = agree_on_shared_options(
                generation_section(record["benchmark"]), json.loads(record["options"]), board_options or {}
            )
        except GenerationError as exc:
            return self._update(record["request_id"], status=FAILED, reason=str(exc), finished_at=now())
        request = GenerationRequest(
            model=record["model"],
            kind=record["kind"],
            out_dir=self.store.work_dir / "generated" / record["request_id"],
            model_name=record["model_name"],
            options=options,
            revision=None if record["revision"] == "main" else record["revision"],
            progress=progress,
        )
        try:
            run = run_model(
                record["benchmark"],
                request,
                self.store,
                board,
                link=f"https://huggingface.co/{record['model']}",
                description=f"generated by the leaderboard from {record['model']}@{record['revision']}",
            )
        except (GenerationError, SubmissionError) as exc:
            return self._update(record["request_id"], status=FAILED, reason=str(exc), finished_at=now())
        except Exception as exc:  # a broken generator fails its request, never the worker
            log.exception("model request %s failed", record["request_id"])
            reason = f"{type(exc).__name__}: {exc}"
            return self._update(record["request_id"], status=FAILED, reason=reason, finished_at=now())
        # The submission may have been evaluated by another worker (the Space's own thread) and still
        # be running: the request is done once its outputs are queued; its outcome is the submission's.
        failed = run.request.get("status") == FAILED
        return self._update(
            record["request_id"],
            status=FAILED if failed else FINISHED,
            reason=run.request.get("reason") if failed else None,
            submission_id=run.request.get("submission_id"),
            finished_at=now(),
        )

    def run_until_empty(
        self,
        boards: Mapping[str, Board],
        *,
        board_options: Mapping[str, Mapping[str, str]] | None = None,
        progress: bool = False,
    ) -> list[dict[str, Any]]:
        """Process every waiting request for ``boards``; the final records, in order.
        ``board_options`` maps a benchmark (board spec) name to the options its board was opened with."""
        done = []
        while (record := self.claim_next(boards)) is not None:
            board = boards[record["board"]]
            options = (board_options or {}).get(board.spec.name, {})
            done.append(self.process(record, board, board_options=options, progress=progress))
        return done
