"""General-Level's part of ``genjudge demo``: its board on the bundled SoTA sheet, and the bundled
models' result sheets as uploads."""

from __future__ import annotations

from genjudge.benchmarks.general_level.board import GeneralLevelBoard
from genjudge.benchmarks.general_level.reference import read_reference
from genjudge.benchmarks.general_level.sample import sample_reference_path, sample_results_paths
from genjudge.benchmarks.sections import DemoContext, DemoUpload


def demo_board(context: DemoContext) -> GeneralLevelBoard:
    return GeneralLevelBoard(read_reference(sample_reference_path()))


def demo_uploads() -> list[DemoUpload]:
    return [(path, path.stem) for path in sample_results_paths()]
