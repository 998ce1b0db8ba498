"""Bootstrap intervals of judge–human agreement, and position-swap consistency of one judge."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import bootstrap

from genjudge.scoring.agreement import judge_agreement, swap_consistency

LABELS = ["A", "B", "Tie(A)", "Tie(B)"]


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["uid", "model_a", "model_b", "winner"])


def random_sets(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` human verdicts and a judge that copies about two thirds of them."""
    rng = np.random.default_rng(seed)
    models = ["P", "Q", "R"]
    rows, judged = [], []
    for k in range(n):
        a, b = rng.choice(models, size=2, replace=False)
        human = LABELS[rng.integers(4)]
        judge = human if rng.random() < 0.66 else LABELS[rng.integers(4)]
        rows.append((f"{k:07d}", a, b, human))
        judged.append((f"{k:07d}", a, b, judge))
    return frame(judged), frame(rows)


def fdt_side(label: str) -> str:
    return "A" if label in ("A", "Tie(A)") else "B"


def test_the_interval_is_the_percentile_bootstrap_over_pairs():
    judge, human = random_sets(300, seed=1)
    result = judge_agreement(judge, human, bootstrap_rounds=4000, seed=3)
    agree = np.array([fdt_side(j) == fdt_side(h) for j, h in zip(judge.winner, human.winner, strict=True)])
    reference = bootstrap(
        (agree.astype(float),),
        np.mean,
        n_resamples=4000,
        confidence_level=0.95,
        method="percentile",
        random_state=7,
    ).confidence_interval
    low, high = result.intervals.loc["all", ["fdt_lower", "fdt_upper"]]
    assert low == pytest.approx(reference.low, abs=0.01)
    assert high == pytest.approx(reference.high, abs=0.01)
    assert low < result.table.loc["all", "fdt"] < high


def test_intervals_are_seeded_and_the_overall_one_ignores_the_split():
    judge, human = random_sets(120, seed=2)
    first = judge_agreement(judge, human, bootstrap_rounds=300, seed=5)
    again = judge_agreement(judge, human, bootstrap_rounds=300, seed=5)
    split = judge_agreement(judge, human, bootstrap_rounds=300, seed=5, unseen_models=["R"])
    pd.testing.assert_frame_equal(first.intervals, again.intervals)
    pd.testing.assert_series_equal(first.intervals.loc["all"], split.intervals.loc["all"])
    assert list(split.intervals.index) == ["all", "seen", "unseen", "harmonic_mean"]
    for group in ("seen", "unseen", "harmonic_mean"):
        assert split.intervals.loc[group, "fdt_lower"] <= split.table.loc[group, "fdt"]
        assert split.table.loc[group, "fdt"] <= split.intervals.loc[group, "fdt_upper"]
    assert split.to_dict()["intervals"]["seen"]["fdt_lower"] == split.intervals.loc["seen", "fdt_lower"]


def test_a_judge_that_always_agrees_has_a_point_interval_and_a_missing_variant_stays_missing():
    human = frame([("1", "P", "Q", "A"), ("2", "P", "Q", "Tie(B)"), ("3", "Q", "P", "B")])
    result = judge_agreement(human, human, bootstrap_rounds=50)
    assert tuple(result.intervals.loc["all", ["fdt_lower", "fdt_upper"]]) == (1.0, 1.0)
    only_ties = frame([("1", "P", "Q", "Tie(A)")])
    result = judge_agreement(only_ties, only_ties, bootstrap_rounds=50)
    assert math.isnan(result.intervals.loc["all", "without_tie_lower"])
    assert result.to_dict()["intervals"]["all"]["without_tie_lower"] is None


def test_no_rounds_no_intervals_and_bad_settings_are_refused():
    judge, human = random_sets(10, seed=0)
    assert judge_agreement(judge, human).intervals is None
    with pytest.raises(ValueError, match="bootstrap_rounds must be 0 or more"):
        judge_agreement(judge, human, bootstrap_rounds=-1)
    with pytest.raises(ValueError, match="confidence must lie strictly between 0 and 1"):
        judge_agreement(judge, human, bootstrap_rounds=10, confidence=1.0)


def test_swap_consistency_counts_verdicts_that_follow_the_outputs():
    verdicts = frame(
        [
            ("1", "P", "Q", "A"),
            ("1", "Q", "P", "B"),  # P both times: consistent
            ("2", "P", "Q", "Tie(A)"),
            ("2", "Q", "P", "Tie(A)"),  # whichever is shown first: position bias
            ("3", "P", "Q", "Tie"),
            ("3", "Q", "P", "Tie"),  # a plain tie either way: consistent
            ("4", "P", "R", "A"),  # one order only: not counted
        ]
    )
    swap = swap_consistency(verdicts)
    assert (swap.pairs, swap.consistent) == (3, 2)
    assert swap.rate == pytest.approx(2 / 3)


def test_swap_consistency_without_both_orders_is_missing_and_a_repeat_is_refused():
    assert math.isnan(swap_consistency(frame([("1", "P", "Q", "A")])).rate)
    with pytest.raises(ValueError, match=r"row 0 \(uid='1'.* more than once in the same order"):
        swap_consistency(frame([("1", "P", "Q", "A"), ("1", "P", "Q", "B")]))
