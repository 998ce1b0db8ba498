"""Plots render headless to valid PNGs and refuse empty input."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from PIL import Image

from genjudge.charts.arena import rating_chart, win_rate_heatmap
from genjudge.scoring.bradley_terry import fit_bradley_terry
from genjudge.scoring.winrate import win_rate_matrix


def png_size(figure) -> tuple[int, int]:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    buffer.seek(0)
    with Image.open(buffer) as image:
        assert image.format == "PNG"
        return image.size


def test_heatmap_and_rating_chart_render(human_battles):
    heatmap = win_rate_heatmap(win_rate_matrix(human_battles, "with_tie_05"), variant="with_tie_05")
    assert "tie = 0.5" in heatmap.axes[0].get_title()
    assert png_size(heatmap)[0] > 200
    chart = rating_chart(fit_bradley_terry(human_battles, bootstrap_rounds=20))
    labels = [label.get_text() for label in chart.axes[0].get_yticklabels()]
    assert labels[-1].endswith("X")  # best model on top
    assert png_size(chart)[1] > 100


def test_plots_refuse_empty_or_malformed_frames():
    with pytest.raises(ValueError, match="empty"):
        win_rate_heatmap(pd.DataFrame())
    with pytest.raises(ValueError, match="missing column"):
        rating_chart(pd.DataFrame({"model": ["x"], "rating": [1.0]}))


def test_rating_chart_draws_open_intervals_and_intervals_that_miss_the_estimate():
    # A never-lost model (open above), a never-won one (open below), and a percentile interval
    # lying wholly above its estimate, as near-separated bootstraps produce.
    ratings = pd.DataFrame(
        {
            "model": ["top", "mid", "low"],
            "rating": [2376.0, 1864.0, -1240.0],
            "lower": [2400.0, 1180.0, float("-inf")],
            "upper": [float("inf"), 2169.0, -1240.0],
            "rank": [1, 2, 3],
        }
    )
    chart = rating_chart(ratings)
    left, right = chart.axes[0].get_xlim()
    assert left < -1240 and right > 2400, "finite values stay in view"
    assert png_size(chart)[1] > 100


def test_rating_chart_names_the_interval_method(human_battles):
    chart = rating_chart(fit_bradley_terry(human_battles, interval="sandwich"))
    assert chart.axes[0].get_xlabel().endswith("95% interval (sandwich)")
