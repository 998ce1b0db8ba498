"""The leaderboard part of ``genjudge demo``: the bundled sample, end to end, offline.

The embedded OpenING sample ships a small benchmark and the outputs of a few sample models.
Each model folder is submitted exactly as a person would upload it (validated like any upload),
the worker judges the battles with the configured judge (the offline reference judge by
default) and the board, its plots and the leaderboard dataset land in a local folder. Running it
again is cheap: the same folders are recognised as already submitted and nothing is re-judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from genjudge.judges.protocol import PairwiseJudge
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore, SubmitResult
from genjudge.leaderboard.worker import Worker
from genjudge.records import Instance

BENCHMARK = "opening-test"


@dataclass(frozen=True)
class DemoBoard:
    """What the demo produced: where the store is, what happened to each submission, the board."""

    store: LeaderboardStore
    instances: list[Instance]
    judge: PairwiseJudge
    submissions: list[tuple[str, SubmitResult]]
    table: pd.DataFrame
    charts: list[Path]

    def service(self) -> LeaderboardService:
        """The same board as a running Space would serve it (for ``--serve``)."""
        return LeaderboardService(self.store, {BENCHMARK: self.instances}, self.judge)


def sample_submissions() -> list[Path]:
    """The bundled sample models' output folders (``gen_outputs/<Model>_output``)."""
    from genjudge.benchmarks.opening import sample_dir

    return sorted(p for p in (sample_dir() / "gen_outputs").iterdir() if p.is_dir())


def run_demo_board(
    store_dir: Path, *, judge: PairwiseJudge | None = None, progress: bool = True
) -> DemoBoard:
    """Submit every bundled sample model to a local leaderboard at ``store_dir`` and judge them."""
    from genjudge.benchmarks.opening import read_benchmark, sample_dir
    from genjudge.benchmarks.opening.outputs import model_name_from_dir

    if judge is None:
        from genjudge.judges import load_judge

        judge = load_judge("reference")
    instances = read_benchmark(sample_dir() / "OpenING-benchmark", "test")
    store = LeaderboardStore(store_dir)
    submissions = []
    for folder in sample_submissions():
        model = model_name_from_dir(folder)
        result = store.submit(
            folder,
            benchmark=BENCHMARK,
            instances=instances,
            model_name=model,
            description="bundled sample submission",
        )
        submissions.append((model, result))
    Worker(store, {BENCHMARK: instances}, judge, progress=progress).run_until_empty()
    charts = [p for kind in ("ratings", "heatmap") if (p := store.chart_path(BENCHMARK, kind)).exists()]
    table = BoardView(store, BENCHMARK).table()
    return DemoBoard(store, instances, judge, submissions, table, charts)
