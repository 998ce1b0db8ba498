"""What the Space (and the CLI) run: a store, the benchmarks it serves, a judge and a worker thread.

Configuration comes from the environment so the same code runs locally and as a Hub Space:

``GENJUDGE_LEADERBOARD_DIR``    the leaderboard folder (default ``./leaderboard-data``)
``GENJUDGE_LEADERBOARD_REPO``   a Hub dataset repo id to mirror it to (needs ``HF_TOKEN``)
``GENJUDGE_JUDGE``              judge name for ``genjudge.judges.load_judge`` (default ``reference``)
``GENJUDGE_OPENING_DIR``        an OpenING release folder (default: the embedded sample)
``GENJUDGE_OPENING_SPLIT``      its split (default ``test``)
``GENJUDGE_OPENING_ALLOW_MISSING_IMAGES``  ``1`` to accept a release whose input images are missing
                                (the public repo ships only a few; judges then see those steps
                                without their image)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from genjudge.judges.protocol import PairwiseJudge
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.mirror import HubMirror
from genjudge.leaderboard.store import LeaderboardStore, SubmitResult
from genjudge.leaderboard.worker import Worker
from genjudge.records import Instance

QUEUE_COLUMNS = {
    "model": "Model",
    "status": "Status",
    "reason": "Reason",
    "submitted_at": "Submitted",
    "started_at": "Started",
    "finished_at": "Finished",
    "submission_id": "Submission",
}


@dataclass(frozen=True)
class LeaderboardConfig:
    """Where the board lives and what it is judged with. ``from_env`` reads the variables above."""

    store_dir: Path = Path("leaderboard-data")
    repo_id: str | None = None
    judge: str = "reference"
    opening_dir: Path | None = None
    opening_split: str = "test"
    allow_missing_images: bool = False

    @classmethod
    def from_env(cls) -> LeaderboardConfig:
        opening = os.environ.get("GENJUDGE_OPENING_DIR")
        return cls(
            store_dir=Path(os.environ.get("GENJUDGE_LEADERBOARD_DIR", "leaderboard-data")),
            repo_id=os.environ.get("GENJUDGE_LEADERBOARD_REPO") or None,
            judge=os.environ.get("GENJUDGE_JUDGE", "reference"),
            opening_dir=Path(opening) if opening else None,
            opening_split=os.environ.get("GENJUDGE_OPENING_SPLIT", "test"),
            allow_missing_images=os.environ.get("GENJUDGE_OPENING_ALLOW_MISSING_IMAGES", "") == "1",
        )

    @property
    def benchmark_name(self) -> str:
        return f"opening-{self.opening_split}"

    def open_store(self) -> LeaderboardStore:
        hub = HubMirror(self.repo_id) if self.repo_id else None
        return LeaderboardStore(self.store_dir, hub=hub)

    def load_instances(self) -> list[Instance]:
        from genjudge.benchmarks.opening import read_benchmark, sample_dir

        source = self.opening_dir or sample_dir() / "OpenING-benchmark"
        return read_benchmark(source, self.opening_split, allow_missing_images=self.allow_missing_images)

    def load_judge(self) -> PairwiseJudge:
        from genjudge.judges import load_judge

        return load_judge(self.judge)


class LeaderboardService:
    """The running leaderboard: submissions in, a background worker, board views out."""

    def __init__(
        self,
        store: LeaderboardStore,
        benchmarks: Mapping[str, Sequence[Instance]],
        judge: PairwiseJudge,
        *,
        about: str = "",
        worker_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.benchmarks = dict(benchmarks)
        self.judge = judge
        self.about = about
        self.worker = Worker(store, self.benchmarks, judge, **dict(worker_options or {}))
        self.views = {name: BoardView(store, name) for name in self.benchmarks}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_config(cls, config: LeaderboardConfig, **options: Any) -> LeaderboardService:
        return cls(
            config.open_store(),
            {config.benchmark_name: config.load_instances()},
            config.load_judge(),
            **options,
        )

    @property
    def default_benchmark(self) -> str:
        return next(iter(self.benchmarks))

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
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    # ---------------------------------------------------------------- callbacks' library side
    def submit(
        self,
        source: Path | str,
        model_name: str,
        link: str = "",
        description: str = "",
        benchmark: str | None = None,
    ) -> SubmitResult:
        """Validate and queue an upload; raises ``SubmissionError`` with a message for the submitter."""
        name = benchmark or self.default_benchmark
        return self.store.submit(
            source,
            benchmark=name,
            instances=self.benchmarks[name],
            model_name=model_name,
            link=link,
            description=description,
        )

    def queue_table(self) -> pd.DataFrame:
        """Every submission, newest first, with its status and the reason when it failed."""
        rows = list(reversed(self.store.requests()))
        frame = pd.DataFrame(rows, columns=list(QUEUE_COLUMNS)).fillna("")
        return frame.rename(columns=QUEUE_COLUMNS)

    def board_table(
        self,
        benchmark: str | None = None,
        search: str = "",
        sort_by: str = "Rank",
        descending: bool | None = None,
    ) -> pd.DataFrame:
        return self.views[benchmark or self.default_benchmark].table(search, sort_by, descending)

    def chart(self, kind: str, benchmark: str | None = None) -> str | None:
        path = self.store.root / "board" / f"{benchmark or self.default_benchmark}-{kind}.png"
        return str(path) if path.exists() else None
