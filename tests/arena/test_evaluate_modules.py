"""The evaluate modules load offline from their folders, run their documented examples, and
return what genjudge.scoring returns."""

from __future__ import annotations

import doctest
import importlib.util
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import evaluate

METRICS = Path(__file__).resolve().parents[2] / "metrics"


def run_examples(name: str, globs: dict) -> None:
    spec = importlib.util.spec_from_file_location(name, METRICS / name / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    test = doctest.DocTestParser().get_doctest(
        module._KWARGS_DESCRIPTION, {**globs, "evaluate": evaluate}, name, None, 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


@pytest.fixture(scope="module")
def winrate():
    return evaluate.load(str(METRICS / "opening_winrate"))


@pytest.fixture(scope="module")
def agreement():
    return evaluate.load(str(METRICS / "judge_agreement"))


def test_winrate_examples_run(winrate):
    run_examples("opening_winrate", {"winrate": winrate})


def test_agreement_examples_run(agreement):
    run_examples("judge_agreement", {"agreement": agreement})


def test_winrate_module_matches_the_library(winrate, human_battles):
    results = winrate.compute(
        model_a=human_battles["model_a"].tolist(),
        model_b=human_battles["model_b"].tolist(),
        winner=human_battles["winner"].tolist(),
        uid=human_battles["uid"].tolist(),
        bootstrap_rounds=30,
        seed=3,
    )
    assert results["win_rates"]["X"] == {
        "fdt": 0.75,
        "with_tie_0": 0.75,
        "with_tie_05": 0.875,
        "without_tie": 1.0,
        "battles": 4,
    }
    assert list(results["ratings"]) == ["X", "Z", "Y"]
    rating = results["ratings"]["Z"]
    assert rating["lower"] <= rating["rating"] <= rating["upper"]


def test_winrate_module_reports_bad_labels(winrate):
    with pytest.raises(ValueError, match="unknown winner label"):
        winrate.compute(model_a=["x"], model_b=["y"], winner=["draw"], bootstrap_rounds=0)


def test_agreement_module_counts_rows_without_a_verdict(agreement, judge_battles, human_battles):
    merged = judge_battles.merge(
        human_battles, on=["uid", "model_a", "model_b"], how="outer", suffixes=("_judge", "_human")
    ).fillna("")
    results = agreement.compute(
        uid=merged["uid"].tolist(),
        model_a=merged["model_a"].tolist(),
        model_b=merged["model_b"].tolist(),
        predictions=merged["winner_judge"].tolist(),
        references=merged["winner_human"].tolist(),
        unseen_models=["Z"],
    )
    assert results["agreement"]["all"]["fdt"] == pytest.approx(0.6)
    assert results["counts"]["judge_only"] == 1 and results["counts"]["human_only"] == 1
    assert results["agreement"]["unseen"]["without_tie"] is None


def load_app(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_app", METRICS / name / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_space_apps_score_their_examples():
    import gradio as gr

    winrate_app = load_app("opening_winrate")
    table, note = winrate_app.score(winrate_app.EXAMPLE, 20, "sandwich")
    assert table["model"].tolist()[0] == "x" and "95% interval (sandwich)" in table.columns
    assert "share a rank" in note
    with pytest.raises(gr.Error, match="missing: \\['winner'\\]"):
        winrate_app.score("model_a,model_b\nx,y\n", 0, "bootstrap")

    agreement_app = load_app("judge_agreement")
    table, note = agreement_app.compare(agreement_app.EXAMPLE, "z")
    assert table.set_index("group").loc["all", "FDT"] == "66.67%"
    assert "human_only: 1" in note
