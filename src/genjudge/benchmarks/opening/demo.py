"""OpenING's part of ``genjudge demo``: its boards on the bundled sample and the bundled uploads.

The OpenING board ranks the sample models on the sample's test split, judged by the demo's judge;
the Judges board ranks a length heuristic's verdicts (and the demo's judge as a reference row) by
agreement with the sample's invented human votes.
"""

from __future__ import annotations

from genjudge.benchmarks.opening.board import OpeningBoard
from genjudge.benchmarks.opening.judges_board import load_human_verdicts, sample_arena_dir
from genjudge.benchmarks.opening.judges_board.board import JudgesBoard
from genjudge.benchmarks.opening.outputs import model_name_from_dir
from genjudge.benchmarks.opening.release import read_benchmark
from genjudge.benchmarks.opening.sample import sample_dir, sample_output_dirs
from genjudge.benchmarks.sections import DemoContext, DemoUpload

BOARD_ID = "opening-test"


def demo_board(context: DemoContext) -> OpeningBoard:
    instances = read_benchmark(sample_dir() / "OpenING-benchmark", "test")
    return OpeningBoard(instances, context.judge(), board_id=BOARD_ID)


def demo_uploads() -> list[DemoUpload]:
    return [(folder, model_name_from_dir(folder)) for folder in sample_output_dirs()]


def judges_demo_board(context: DemoContext) -> JudgesBoard:
    human = load_human_verdicts()
    return JudgesBoard(human, unseen=human.default_unseen(), reference_judge=context.judge())


def judges_demo_uploads() -> list[DemoUpload]:
    return [(sample_arena_dir() / "length-judge_modelAB_results.json", "Length-Heuristic")]
