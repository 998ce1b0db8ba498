"""The correlation functions agree with scipy, reproduce the official LMM4LMM numbers, and refuse
input for which a correlation is undefined instead of returning NaN."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats

from genjudge.scoring.correlation import (
    CorrelationError,
    bootstrap_counts,
    bootstrap_statistics,
    correlations,
    grouped_correlations,
    logistic_4,
    model_level,
    parse_yes_no,
    qa_accuracy,
    to_bfloat16,
)


@pytest.fixture(scope="module")
def scores() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    mos = rng.uniform(15.9, 73.3, size=500)
    prediction = np.tanh((mos - 45) / 15) + rng.normal(0, 0.15, size=500)  # monotone, not linear
    return prediction, mos


def test_point_estimates_are_scipys(scores) -> None:
    prediction, mos = scores
    result = correlations(prediction, mos)
    assert result.srcc == pytest.approx(stats.spearmanr(mos, prediction).statistic, abs=1e-12)
    assert result.plcc == pytest.approx(stats.pearsonr(mos, prediction).statistic, abs=1e-12)
    assert result.krcc == pytest.approx(stats.kendalltau(mos, prediction).statistic, abs=1e-12)
    assert result.plcc_logistic is None and result.intervals == {}


def test_bfloat16_rounding_equals_torch() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.uniform(15, 74, 20_000), rng.normal(0, 1e3, 2_000), [50.125, 50.375, 0.0]])
    ours = to_bfloat16(values)
    via_torch = torch.tensor(values, dtype=torch.bfloat16).to(torch.float64).numpy()
    one_by_one = np.array([torch.tensor(float(v), dtype=torch.bfloat16).item() for v in values[:500]])
    np.testing.assert_array_equal(ours, via_torch)
    np.testing.assert_array_equal(ours[:500], one_by_one)


def test_official_mode_reproduces_the_official_evaluation(scores) -> None:
    """eval_scores.py: mos = torch.tensor(float(m), dtype=torch.bfloat16).item(), then raw scipy."""
    prediction, mos = scores
    official_mos = [torch.tensor(float(m), dtype=torch.bfloat16).item() for m in mos]
    result = correlations(prediction, mos, official=True)
    assert result.srcc == stats.spearmanr(official_mos, prediction)[0]
    assert result.plcc == stats.pearsonr(official_mos, prediction)[0]
    assert result.krcc == stats.kendalltau(official_mos, prediction)[0]
    assert result.official
    assert result.srcc != correlations(prediction, mos).srcc  # the cast creates ties and moves it


def test_logistic_plcc_fits_a_monotone_but_nonlinear_metric(scores) -> None:
    prediction, mos = scores
    result = correlations(prediction, mos, logistic=True)
    assert result.plcc_logistic > result.plcc
    mapped = logistic_4(prediction, *result.logistic_params)
    assert result.plcc_logistic == pytest.approx(stats.pearsonr(mos, mapped).statistic)
    assert mapped.min() >= mos.min() - 5 and mapped.max() <= mos.max() + 5  # mapped onto the MOS scale
    falling = correlations(-prediction, mos, logistic=True)  # a metric where lower means better
    assert falling.plcc_logistic == pytest.approx(result.plcc_logistic, abs=1e-6)


def test_every_bootstrap_round_equals_scipy_on_the_resampled_rows() -> None:
    rng = np.random.default_rng(11)
    mos = np.round(rng.normal(50, 10, 300))  # many ties on both sides
    prediction = np.round(mos + rng.normal(0, 8, 300))
    rounds = bootstrap_statistics(prediction, mos, rounds=12, seed=5)
    frame = np.argsort(prediction, kind="stable")  # the rows' order the rounds are drawn in
    counts = bootstrap_counts(300, 12, np.random.default_rng(5))
    for k in range(12):
        take = frame[np.repeat(np.arange(300), counts[k].astype(int))]
        assert rounds["srcc"][k] == pytest.approx(stats.spearmanr(mos[take], prediction[take])[0], abs=1e-12)
        assert rounds["plcc"][k] == pytest.approx(stats.pearsonr(mos[take], prediction[take])[0], abs=1e-12)


def test_intervals_surround_the_estimate_and_depend_only_on_the_seed(scores) -> None:
    prediction, mos = scores
    first = correlations(prediction, mos, bootstrap_rounds=300, seed=1, logistic=True, krcc_interval=True)
    again = correlations(prediction, mos, bootstrap_rounds=300, seed=1, logistic=True, krcc_interval=True)
    other = correlations(prediction, mos, bootstrap_rounds=300, seed=2)
    assert first.intervals == again.intervals
    assert first.intervals["srcc"] != other.intervals["srcc"]
    for name in ("srcc", "plcc", "krcc", "plcc_logistic"):
        low, high = first.intervals[name]
        assert low < getattr(first, name) < high
        assert high - low < 0.2


@pytest.mark.parametrize(
    ("prediction", "reference", "message"),
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0], "3 predictions but 2 references"),
        (
            [1.0, float("nan"), 3.0, 4.0],
            [1.0, 2.0, 3.0, 4.0],
            "field 'predictions', row 1: 1 value(s) are",
        ),
        ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, float("inf"), 4.0], "field 'references', row 2"),
        ([0.5, 0.5, 0.5, 0.5], [1.0, 2.0, 3.0, 4.0], "all 4 predictions equal 0.5"),
        ([1.0, 2.0], [1.0, 2.0], "at least 3 rows"),
        (["a", "b", "c"], [1.0, 2.0, 3.0], "not numbers"),
    ],
)
def test_undefined_correlations_are_refused(prediction, reference, message) -> None:
    with pytest.raises(CorrelationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        correlations(prediction, reference)


def test_groups_are_scored_separately_and_a_constant_group_is_named() -> None:
    prediction = [1.0, 2.0, 3.0, 4.0, 3.0, 2.0, 9.0, 9.0, 9.0]
    mos = [10.0, 20.0, 30.0, 40.0, 30.0, 20.0, 1.0, 2.0, 3.0]
    groups = ["up"] * 3 + ["down"] * 3 + ["flat"] * 3
    with pytest.raises(CorrelationError, match=r"in group 'flat'.*all 3 predictions equal 9\.0"):
        grouped_correlations(prediction, mos, groups)
    results = grouped_correlations(prediction[:6], mos[:6], groups[:6])
    assert list(results) == ["down", "up"]
    assert results["up"].srcc == pytest.approx(1.0)
    assert results["down"].srcc == pytest.approx(1.0)


def test_model_level_ranks_generators_by_mean_score_and_mean_mos() -> None:
    generators = ["a"] * 3 + ["b"] * 3 + ["c"] * 3
    mos = [60.0, 62.0, 64.0, 40.0, 42.0, 44.0, 20.0, 22.0, 24.0]
    metric = [0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.5, 0.6, 0.4]  # puts c above b
    result = model_level(metric, mos, generators, bootstrap_rounds=100)
    assert result.table["generator"].tolist() == ["a", "b", "c"]
    assert result.table["metric_rank"].tolist() == [1, 3, 2]
    assert result.srcc == pytest.approx(stats.spearmanr([0.8, 0.2, 0.5], [62, 42, 22])[0])
    assert -1.0 <= result.interval[0] <= result.interval[1] <= 1.0
    lower_better = model_level([-m for m in metric], mos, generators, higher_is_better=False)
    assert lower_better.srcc == pytest.approx(result.srcc)


def test_qa_accuracy_and_the_official_yes_no_reading() -> None:
    result = qa_accuracy(["yes", "No", True, 0], [1, 0, 1, 1], bootstrap_rounds=50)
    assert (result.accuracy, result.correct, result.n) == (0.75, 3, 4)
    with pytest.raises(CorrelationError, match="row 0: predicted answer 'maybe'"):
        qa_accuracy(["maybe"], [1])
    # eval_qa.py: 'yes' anywhere is yes, else 'no' anywhere is no; anything else is simply wrong
    assert parse_yes_no("Not sure, yes.", official=True) is True
    assert parse_yes_no("I do not know", official=True) is False
    assert (
        qa_accuracy(["hmm", "yes", "", "Ye"], [1, 1, 0, 1], official=True).correct == 3
    )  # '' and 'Ye' in 'Yes'
