"""The leaderboard part of ``genjudge demo``: the bundled sample, end to end, offline.

The embedded OpenING sample ships a small benchmark and the outputs of a few sample models. Each
model folder is submitted exactly as a person would upload it (validated like any upload), the
worker judges the battles with the configured judge (the offline reference judge by default) and
the board, its pictures and the leaderboard dataset land in a local folder. A previous demo board
there is replaced (models submitted to it by hand, e.g. through ``--serve``, are gone), so the board
shows exactly the bundled models; its verdict cache is kept, so a rerun judges nothing again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from genjudge.benchmarks.opening.board import OpeningBoard
from genjudge.judges.protocol import PairwiseJudge
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore, SubmitResult
from genjudge.leaderboard.worker import Worker

BOARD_ID = "opening-test"


@dataclass(frozen=True)
class DemoBoard:
    """What the demo produced: where the store is, what happened to each submission, the board."""

    store: LeaderboardStore
    board: OpeningBoard
    submissions: list[tuple[str, SubmitResult]]
    table: pd.DataFrame
    charts: list[Path]

    def service(self) -> LeaderboardService:
        """The same board as a running Space would serve it (for ``--serve``)."""
        return LeaderboardService(self.store, {BOARD_ID: self.board})


def sample_submissions() -> list[Path]:
    """The bundled sample models' output folders (``gen_outputs/<Model>_output``)."""
    from genjudge.benchmarks.opening import sample_dir

    return sorted(p for p in (sample_dir() / "gen_outputs").iterdir() if p.is_dir())


def _fresh(store_dir: Path) -> None:
    """Empty a previous demo board, keeping its verdict cache (so nothing is judged twice); refuse
    to touch a folder that is not a leaderboard."""
    if not store_dir.exists() or not any(store_dir.iterdir()):
        return
    if not (store_dir / "README.md").is_file() or not (store_dir / "requests").is_dir():
        raise FileExistsError(f"{store_dir} exists and is not a leaderboard folder; pick another --out")
    for entry in store_dir.iterdir():
        if entry.name == "cache":
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def run_demo_board(
    store_dir: Path, *, judge: PairwiseJudge | None = None, progress: bool = True
) -> DemoBoard:
    """Submit every bundled sample model to a fresh local leaderboard at ``store_dir`` and judge them."""
    from genjudge.benchmarks.opening import read_benchmark, sample_dir
    from genjudge.benchmarks.opening.outputs import model_name_from_dir

    if judge is None:
        from genjudge.judges import load_judge

        judge = load_judge("reference")
    board = OpeningBoard(read_benchmark(sample_dir() / "OpenING-benchmark", "test"), judge, board_id=BOARD_ID)
    _fresh(store_dir)
    store = LeaderboardStore(store_dir, boards=[board])
    submissions = []
    for folder in sample_submissions():
        model = model_name_from_dir(folder)
        result = store.submit(folder, board, model_name=model, description="bundled sample submission")
        submissions.append((model, result))
    Worker(store, {BOARD_ID: board}, progress=progress).run_until_empty()
    charts = [p for name, _ in board.spec.charts if (p := store.chart_path(BOARD_ID, name)).exists()]
    table = BoardView(store, BOARD_ID, board.spec).table()
    return DemoBoard(store, board, submissions, table, charts)
