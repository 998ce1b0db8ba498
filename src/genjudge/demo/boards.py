"""The leaderboard part of ``genjudge demo``: every registered benchmark's bundled samples, end to end,
offline.

Each benchmark's ``demo`` sections (:class:`~genjudge.benchmarks.sections.DemoSection`) name a board
on its bundled sample data and the bundled submissions for it. Each sample submission is uploaded
exactly as a person would (validated like any upload), the worker evaluates them (OpenING battles
with the demo's pairwise judge, the offline reference judge by default; General-Level levels from
the sheets; and so on) and the boards, their pictures and the leaderboard dataset land in one local
folder. A previous demo board there is replaced (models submitted to it by hand, e.g. through
``--serve``, are gone), so the boards show exactly the bundled models; the verdict cache is kept,
so a rerun judges nothing again.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from genjudge.benchmarks import registered_benchmarks
from genjudge.benchmarks.plugin import Board
from genjudge.benchmarks.sections import DemoContext, DemoSection
from genjudge.judges.protocol import PairwiseJudge
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore, SubmitResult
from genjudge.leaderboard.worker import Worker


@dataclass(frozen=True)
class DemoBoard:
    """What the demo produced: the store, the boards, what happened to each submission, the tables."""

    store: LeaderboardStore
    boards: dict[str, Board]
    submissions: list[tuple[str, str, SubmitResult]]
    tables: dict[str, pd.DataFrame]
    charts: list[Path]

    def service(self) -> LeaderboardService:
        """The same boards as a running Space would serve them (for ``--serve``)."""
        return LeaderboardService(self.store, self.boards)


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


def demo_sections(only: Sequence[str] = ()) -> list[DemoSection]:
    """The demo sections of every registered benchmark, or of the benchmarks named in ``only``
    (benchmark or board names); an unknown name is refused with the known ones listed."""
    benchmarks = registered_benchmarks()
    known = {benchmark.name for benchmark in benchmarks} | {
        section.board_id for benchmark in benchmarks for section in benchmark.demo
    }
    unknown = sorted(set(only) - known)
    if unknown:
        raise ValueError(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return [
        section
        for benchmark in benchmarks
        for section in benchmark.demo
        if not only or benchmark.name in only or section.board_id in only
    ]


def _shared_judge(judge: PairwiseJudge | None) -> DemoContext:
    """One pairwise judge for every board that judges pairs, built on first use."""
    built: list[PairwiseJudge] = [judge] if judge is not None else []

    def factory() -> PairwiseJudge:
        if not built:
            from genjudge.judges import load_judge

            built.append(load_judge("reference"))
        return built[0]

    return DemoContext(factory)


def run_demo_board(
    store_dir: Path,
    *,
    judge: PairwiseJudge | None = None,
    progress: bool = True,
    only: Sequence[str] = (),
) -> DemoBoard:
    """Submit the bundled samples (of every benchmark, or of those in ``only``) to a fresh local
    leaderboard at ``store_dir`` and evaluate them."""
    sections = demo_sections(only)
    context = _shared_judge(judge)
    boards = {section.board_id: section.open(context) for section in sections}
    _fresh(store_dir)
    store = LeaderboardStore(store_dir, boards=list(boards.values()))
    submissions = []
    for section in sections:
        for source, model in section.sample_uploads():
            result = store.submit(
                source, boards[section.board_id], model_name=model, description="bundled sample submission"
            )
            submissions.append((section.board_id, model, result))
    Worker(store, boards, progress=progress).run_until_empty()
    charts = [
        path
        for board_id, board in boards.items()
        for name, _ in board.spec.charts
        if (path := store.chart_path(board_id, name)).exists()
    ]
    tables = {board_id: BoardView(store, board_id, board.spec).table() for board_id, board in boards.items()}
    return DemoBoard(store, boards, submissions, tables, charts)
