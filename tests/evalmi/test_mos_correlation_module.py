"""The mos_correlation evaluate module loads offline from its folder, names its outputs like
evaluate's spearmanr/pearsonr modules, and its "official" config reproduces the official numbers."""

from __future__ import annotations

import os
from pathlib import Path

import evaluate
import pytest
import torch
from scipy import stats

MODULE = str(Path(__file__).resolve().parents[2] / "metrics" / "mos_correlation")

PREDICTIONS = [0.12, 0.4, 0.35, 0.8, 0.7, 0.2, 0.55, 0.61]
REFERENCES = [20.3, 41.55, 48.01, 66.27, 70.02, 30.4, 50.13, 50.2]


@pytest.fixture(scope="module", autouse=True)
def offline():
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "HF_EVALUATE_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def mos_correlation():
    return evaluate.load(MODULE)


def test_default_config_matches_scipy(mos_correlation) -> None:
    results = mos_correlation.compute(predictions=PREDICTIONS, references=REFERENCES)
    assert results["spearmanr"] == pytest.approx(stats.spearmanr(PREDICTIONS, REFERENCES)[0])
    assert results["pearsonr"] == pytest.approx(stats.pearsonr(PREDICTIONS, REFERENCES)[0])
    assert results["kendalltau"] == pytest.approx(stats.kendalltau(PREDICTIONS, REFERENCES)[0])
    assert (results["n"], results["official"]) == (8, False)


def test_official_config_casts_the_mos_to_bfloat16() -> None:
    official_mos = [torch.tensor(m, dtype=torch.bfloat16).item() for m in REFERENCES]
    results = evaluate.load(MODULE, "official").compute(predictions=PREDICTIONS, references=REFERENCES)
    assert results["official"] is True
    assert results["spearmanr"] == stats.spearmanr(official_mos, PREDICTIONS)[0]
    assert results["kendalltau"] == stats.kendalltau(official_mos, PREDICTIONS)[0]


def test_options_add_logistic_intervals_groups_model_level_and_qa(mos_correlation) -> None:
    results = mos_correlation.compute(
        predictions=PREDICTIONS,
        references=REFERENCES,
        logistic=True,
        bootstrap_rounds=100,
        groups=["x"] * 4 + ["y"] * 4,
        generators=["a", "a", "b", "b", "c", "c", "d", "d"],
        qa_predictions=["yes", "no", "yes"],
        qa_references=[1, 0, 0],
    )
    low, high = results["spearmanr_interval"]
    assert low <= results["spearmanr"] <= high
    assert "pearsonr_logistic" in results and "pearsonr_logistic_interval" in results
    assert sorted(results["groups"]) == ["x", "y"]
    assert results["generator_ranking"][0] == "b"  # highest mean MOS
    assert results["qa_accuracy"] == pytest.approx(2 / 3)


def test_constant_predictions_are_an_error_not_nan(mos_correlation) -> None:
    with pytest.raises(ValueError, match=r"all 8 predictions equal 0\.5"):
        mos_correlation.compute(predictions=[0.5] * 8, references=REFERENCES)


def test_an_unknown_config_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown configuration 'fast'"):
        evaluate.load(MODULE, "fast")
