"""The board-wide pictures of General-Level and EvalMi-50K: drawn by the evaluation, stored beside
the board and listed by the service for the Space's Leaderboard tab."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genjudge.benchmarks.board_charts import MAX_MODELS, interval_bars
from genjudge.benchmarks.plugin import SortKey
from genjudge.demo.boards import run_demo_board

GENERAL_LEVEL_BOARD, METRICS_BOARD = "general-level", "evalmi-metrics"


def test_models_appear_best_first_with_their_intervals():
    board = pd.DataFrame(
        {
            "model": ["Low", "High", "Unscored"],
            "score": [1.0, 3.0, math.nan],
            "score_lower": [0.5, 2.0, math.nan],
            "score_upper": [1.5, 3.5, math.nan],
        }
    )
    figure = interval_bars(board, {"Score": "score"}, (SortKey("score"),), title="T", xlabel="x")
    ax = figure.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["High", "Low", "Unscored"]
    widths = [bar.get_width() for bar in ax.patches]
    assert widths[:2] == [3.0, 1.0] and math.isnan(widths[2])
    assert ax.get_title() == "T"


def test_a_long_board_shows_its_top_models_and_says_so():
    board = pd.DataFrame({"model": [f"M{i:02d}" for i in range(30)], "score": np.arange(30.0)})
    figure = interval_bars(board, {"Score": "score"}, (SortKey("score"),), title="T", xlabel="x")
    ax = figure.axes[0]
    assert len(ax.get_yticklabels()) == MAX_MODELS
    assert ax.get_yticklabels()[0].get_text() == "M29"
    assert ax.get_title() == f"T (top {MAX_MODELS} of 30)"


def test_an_empty_board_is_refused():
    with pytest.raises(ValueError, match="empty"):
        interval_bars(
            pd.DataFrame({"model": [], "score": []}), {"S": "score"}, (SortKey("score"),), title="", xlabel=""
        )


def test_general_level_and_evalmi_boards_publish_their_pictures(tmp_path):
    demo = run_demo_board(tmp_path / "lb", progress=False)
    service = demo.service()
    for board_id in (GENERAL_LEVEL_BOARD, METRICS_BOARD):
        pictures = service.charts(board_id)
        assert [caption for _, caption in pictures] == [label for _, label in service.spec(board_id).charts]
        assert pictures and all(Path(path).read_bytes()[:4] == b"\x89PNG" for path, _ in pictures)
    assert {str(path) for path in demo.charts} >= {
        str(demo.store.chart_path(GENERAL_LEVEL_BOARD, "levels")),
        str(demo.store.chart_path(METRICS_BOARD, "srcc")),
    }
