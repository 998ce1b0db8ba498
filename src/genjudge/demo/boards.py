"""The leaderboard part of ``genjudge demo``: the bundled samples of every benchmark, end to end, offline.

The embedded OpenING sample ships a small benchmark and the outputs of a few sample models; the
embedded General-Level sample a small SoTA sheet and three models' result sheets; the embedded
EvalMi-50K sample a few rated images and one metric's scores for them; the Judges board's sample
invented human votes on the OpenING sample and a length heuristic's verdicts on them. Each sample
submission is uploaded exactly as a person would (validated like any upload), the worker evaluates
them (OpenING battles with the configured judge, the offline reference judge by default;
General-Level levels from the sheets) and the boards, their pictures and the leaderboard dataset
land in one local folder. A previous demo board there is replaced (models submitted to it by hand,
e.g. through ``--serve``, are gone), so the boards show exactly the bundled models; the verdict
cache is kept, so a rerun judges nothing again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from genjudge.benchmarks.evalmi.board import MetricsBoard
from genjudge.benchmarks.general_level.board import GeneralLevelBoard
from genjudge.benchmarks.opening.board import OpeningBoard
from genjudge.benchmarks.opening.judges_board.board import JudgesBoard
from genjudge.benchmarks.plugin import Board
from genjudge.judges.protocol import PairwiseJudge
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore, SubmitResult
from genjudge.leaderboard.worker import Worker

OPENING_BOARD, GENERAL_LEVEL_BOARD, METRICS_BOARD = "opening-test", "general-level", "evalmi-metrics"
JUDGES_BOARD = "opening-judges"


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


def sample_submissions() -> list[Path]:
    """The bundled OpenING sample models' output folders (``gen_outputs/<Model>_output``)."""
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


def demo_boards(judge: PairwiseJudge | None = None) -> dict[str, Board]:
    """The sample boards: OpenING's sample test split judged by ``judge`` (default: the offline
    reference judge), General-Level on the sample SoTA sheet, EvalMi-50K's Metrics board on the
    sample ratings, and the Judges board on the sample's invented votes (``judge`` gives its
    reference row)."""
    from genjudge.benchmarks.evalmi.ratings import load_ratings
    from genjudge.benchmarks.evalmi.sample import sample_dir as evalmi_sample
    from genjudge.benchmarks.general_level.reference import read_reference
    from genjudge.benchmarks.general_level.sample import sample_reference_path
    from genjudge.benchmarks.opening import read_benchmark, sample_dir
    from genjudge.benchmarks.opening.judges_board import load_human_verdicts

    if judge is None:
        from genjudge.judges import load_judge

        judge = load_judge("reference")
    instances = read_benchmark(sample_dir() / "OpenING-benchmark", "test")
    human = load_human_verdicts()
    return {
        OPENING_BOARD: OpeningBoard(instances, judge, board_id=OPENING_BOARD),
        GENERAL_LEVEL_BOARD: GeneralLevelBoard(read_reference(sample_reference_path())),
        METRICS_BOARD: MetricsBoard(load_ratings(evalmi_sample())),
        JUDGES_BOARD: JudgesBoard(human, unseen=human.default_unseen(), reference_judge=judge),
    }


def run_demo_board(
    store_dir: Path, *, judge: PairwiseJudge | None = None, progress: bool = True
) -> DemoBoard:
    """Submit every bundled sample to a fresh local leaderboard at ``store_dir`` and evaluate them."""
    from genjudge.benchmarks.evalmi.sample import sample_dir as evalmi_sample
    from genjudge.benchmarks.general_level.sample import sample_results_paths
    from genjudge.benchmarks.opening.judges_board import sample_arena_dir
    from genjudge.benchmarks.opening.outputs import model_name_from_dir

    boards = demo_boards(judge)
    _fresh(store_dir)
    store = LeaderboardStore(store_dir, boards=list(boards.values()))
    uploads = [(OPENING_BOARD, folder, model_name_from_dir(folder)) for folder in sample_submissions()]
    uploads += [(GENERAL_LEVEL_BOARD, path, path.stem) for path in sample_results_paths()]
    uploads += [(METRICS_BOARD, evalmi_sample() / "metric_scores.csv", "Sample-Metric")]
    uploads += [(JUDGES_BOARD, sample_arena_dir() / "length-judge_modelAB_results.json", "Length-Heuristic")]
    submissions = []
    for board_id, source, model in uploads:
        result = store.submit(
            source, boards[board_id], model_name=model, description="bundled sample submission"
        )
        submissions.append((board_id, model, result))
    Worker(store, boards, progress=progress).run_until_empty()
    charts = [
        path
        for board_id, board in boards.items()
        for name, _ in board.spec.charts
        if (path := store.chart_path(board_id, name)).exists()
    ]
    tables = {board_id: BoardView(store, board_id, board.spec).table() for board_id, board in boards.items()}
    return DemoBoard(store, boards, submissions, tables, charts)
