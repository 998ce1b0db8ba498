"""Bradley–Terry: recovers a simulated population, anchors, intervals, reproducibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from scipy.special import log_expit

from genjudge.scoring.bradley_terry import fit_bradley_terry

TRUE = {"m0": 1200.0, "m1": 1100.0, "m2": 1000.0, "m3": 950.0, "m4": 800.0}


def simulate(n: int, seed: int, tie_share: float = 0.0) -> pd.DataFrame:
    """Battles drawn from a Bradley–Terry population with Elo-scale ratings ``TRUE``."""
    rng = np.random.default_rng(seed)
    names = np.array(list(TRUE))
    ratings = np.array(list(TRUE.values()))
    a = rng.integers(0, len(names), n)
    b = (a + rng.integers(1, len(names), n)) % len(names)
    p_a = 1 / (1 + 10 ** ((ratings[b] - ratings[a]) / 400))
    a_wins = rng.random(n) < p_a
    tie = rng.random(n) < tie_share
    winner = np.where(tie, np.where(a_wins, "Tie(A)", "Tie(B)"), np.where(a_wins, "A", "B"))
    return pd.DataFrame(
        {"uid": np.arange(n).astype(str), "model_a": names[a], "model_b": names[b], "winner": winner}
    )


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return simulate(20_000, seed=3)


@pytest.fixture(scope="module")
def fitted(population) -> pd.DataFrame:
    return fit_bradley_terry(population, bootstrap_rounds=200, seed=0)


def test_recovers_ratings_and_order(fitted):
    assert fitted["model"].tolist() == list(TRUE)
    estimated = fitted.set_index("model")["rating"]
    truth = pd.Series(TRUE)
    centred_truth = truth - truth.mean() + 1000.0  # no anchor: ratings average init_rating
    np.testing.assert_allclose(estimated[truth.index], centred_truth, atol=15)
    assert estimated.mean() == pytest.approx(1000.0)


def test_intervals_contain_the_estimate_and_truth(fitted):
    assert (fitted["lower"] <= fitted["rating"]).all()
    assert (fitted["rating"] <= fitted["upper"]).all()
    truth = pd.Series(TRUE) - np.mean(list(TRUE.values())) + 1000.0
    covered = (fitted["lower"] <= truth[fitted["model"]].to_numpy()) & (
        truth[fitted["model"]].to_numpy() <= fitted["upper"]
    )
    assert covered.sum() >= 4  # 95% intervals: at most one miss expected among five
    assert fitted.attrs["bootstrap_unconverged"] == 0


def test_rank_counts_models_clearly_above():
    # m2 and m3 are 50 points apart: with few battles their intervals overlap and they share a rank.
    table = fit_bradley_terry(simulate(600, seed=1), bootstrap_rounds=200, seed=0).set_index("model")
    for model in table.index:
        above = (table["lower"] > table.loc[model, "upper"]).sum()
        assert table.loc[model, "rank"] == 1 + above
    assert table["rank"].is_monotonic_increasing or table["rank"].nunique() < len(table)


def test_point_estimate_matches_a_plain_per_battle_fit():
    battles = simulate(3_000, seed=5, tie_share=0.3)
    fitted = fit_bradley_terry(battles, bootstrap_rounds=0).set_index("model")["rating"]
    names = sorted(TRUE)
    index = {name: i for i, name in enumerate(names)}
    a = battles["model_a"].map(index).to_numpy()
    b = battles["model_b"].map(index).to_numpy()
    score = battles["winner"].map({"A": 1.0, "B": 0.0, "Tie(A)": 0.5, "Tie(B)": 0.5}).to_numpy()

    def loss(theta):
        logit = np.log(10) * (theta[a] - theta[b])
        return -np.mean(score * log_expit(logit) + (1 - score) * log_expit(-logit))

    theta = minimize(loss, np.zeros(len(names)), method="BFGS", options={"gtol": 1e-9}).x
    reference = 1000 + 400 * (theta - theta.mean())
    np.testing.assert_allclose(fitted[names].to_numpy(), reference, atol=0.05)


def test_anchor_pins_one_model_and_keeps_gaps(population, fitted):
    anchored = fit_bradley_terry(population, bootstrap_rounds=200, seed=0, anchor="m2", anchor_rating=1500)
    anchored = anchored.set_index("model")
    plain = fitted.set_index("model")
    assert anchored.loc["m2", "rating"] == pytest.approx(1500)
    gaps = anchored["rating"] - plain["rating"]
    np.testing.assert_allclose(gaps, 1500 - plain.loc["m2", "rating"])
    # Every bootstrap replicate is shifted too, so the anchor's interval is a point.
    assert anchored.loc["m2", "lower"] == pytest.approx(1500)
    assert anchored.loc["m2", "upper"] == pytest.approx(1500)


def test_seeded_bootstrap_is_reproducible(population):
    first = fit_bradley_terry(population, bootstrap_rounds=50, seed=7)
    again = fit_bradley_terry(population, bootstrap_rounds=50, seed=7)
    other = fit_bradley_terry(population, bootstrap_rounds=50, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["lower"], other["lower"])
    np.testing.assert_allclose(first["rating"], other["rating"])  # the estimate itself is not random


def test_scale_and_base_follow_the_elo_convention():
    battles = pd.DataFrame(
        {
            "uid": [str(i) for i in range(11)],
            "model_a": ["p"] * 11,
            "model_b": ["q"] * 11,
            "winner": ["A"] * 10 + ["B"],
        }
    )
    table = fit_bradley_terry(battles, bootstrap_rounds=0).set_index("model")
    # 10:1 odds is exactly one factor of base=10: a 400-point gap.
    assert table.loc["p", "rating"] - table.loc["q", "rating"] == pytest.approx(400, abs=0.01)
    assert table.loc["p", "rank"] == 1 and table.loc["q", "rank"] == 2


def test_bad_options_are_refused(population):
    with pytest.raises(ValueError, match="anchor model 'nobody'"):
        fit_bradley_terry(population, bootstrap_rounds=0, anchor="nobody")
    with pytest.raises(ValueError, match="bootstrap_rounds"):
        fit_bradley_terry(population, bootstrap_rounds=-1)


def test_models_that_never_lose_are_flagged_and_the_bootstrap_still_runs():
    battles = pd.DataFrame(
        {
            "uid": list("abcd"),
            "model_a": ["x", "x", "y", "z"],
            "model_b": ["y", "z", "z", "x"],
            "winner": ["A", "Tie(A)", "B", "B"],
        }
    )
    table = fit_bradley_terry(battles, bootstrap_rounds=100, seed=0)
    assert table.attrs["unbounded_models"] == ["y"]  # y never won a point
    assert table["model"].tolist() == ["x", "z", "y"]
    table = table.set_index("model")
    assert np.isfinite(table["rating"]).all()
    # y's rating only marks a direction: its interval is open below and still holds the estimate.
    assert table.loc["y", "lower"] == -np.inf and table.loc["y", "upper"] >= table.loc["y", "rating"]
    assert np.isfinite(table.loc[["x", "z"], ["lower", "upper"]].to_numpy()).all()


def test_sandwich_intervals_are_as_wide_as_the_bootstrap(population, fitted):
    sandwich = fit_bradley_terry(population, interval="sandwich").set_index("model")
    bootstrap = fitted.set_index("model")
    np.testing.assert_allclose(sandwich["rating"], bootstrap["rating"])
    widths = (sandwich["upper"] - sandwich["lower"]) / (bootstrap["upper"] - bootstrap["lower"])
    assert widths.between(0.8, 1.25).all()
    assert sandwich.attrs["interval_method"] == "sandwich" and fitted.attrs["interval_method"] == "bootstrap"
    with pytest.raises(ValueError, match="unknown interval method 'jackknife'"):
        fit_bradley_terry(population, interval="jackknife")


def test_bootstrap_replicates_do_not_depend_on_the_worker_count(population):
    from genjudge.scoring import bt_core, bt_intervals
    from genjudge.scoring.battles import encode_battles
    from genjudge.scoring.credit import BT_SCORE_A

    encoded = encode_battles(population)
    pairs, index = bt_core.pair_totals(encoded.a, encoded.b, BT_SCORE_A[encoded.outcome], encoded.n_models)
    theta = bt_core.fit_strengths(pairs, alpha=np.log(10), tol=1e-10).theta[0]
    one, _ = bt_intervals.bootstrap_strengths(
        pairs, index, theta, rounds=30, seed=4, alpha=np.log(10), tol=1e-9, workers=1
    )
    two, _ = bt_intervals.bootstrap_strengths(
        pairs, index, theta, rounds=30, seed=4, alpha=np.log(10), tol=1e-9, workers=2
    )
    np.testing.assert_allclose(one, two, atol=1e-9)
    # Each replicate sits at its own optimum, not at the estimate it started from.
    assert np.abs(one - theta).max() > 1e-3


def little_data(seed: int) -> pd.DataFrame:
    """A handful of battles among a few models, ties included: where resampling is rough."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 25)), int(rng.integers(2, 6))
    a = rng.integers(0, m, n)
    b = (a + rng.integers(1, m, n)) % m
    winner = rng.choice(["A", "B", "Tie(A)", "Tie(B)"], n, p=[0.4, 0.3, 0.15, 0.15])
    return pd.DataFrame(
        {"uid": np.arange(n).astype(str), "model_a": [f"m{i}" for i in a], "model_b": [f"m{i}" for i in b]}
    ).assign(winner=winner)


@pytest.mark.parametrize("seed", range(12))
def test_every_interval_holds_its_estimate_even_on_little_data(seed):
    # Replicates are fitted by the estimator that gave the rating (the ridge where a model never
    # lost) and aligned on the models the data identify; before, 4 of 150 such boards had an
    # interval beside its own rating.
    table = fit_bradley_terry(little_data(seed), bootstrap_rounds=200, seed=seed)
    assert ((table["lower"] <= table["rating"]) & (table["rating"] <= table["upper"])).all()


def test_the_card_example_interval_holds_its_estimate():
    # The opening_winrate card's example: x's lower bound used to sit above x's rating.
    battles = pd.DataFrame(
        {"uid": list("1234"), "model_a": ["x", "x", "y", "z"], "model_b": ["y", "z", "z", "x"]}
    ).assign(winner=["A", "Tie(A)", "B", "B"])
    for rounds in (100, 1000):
        x = fit_bradley_terry(battles, bootstrap_rounds=rounds).set_index("model").loc["x"]
        assert x["lower"] < x["rating"] < x["upper"]


def established_board() -> pd.DataFrame:
    """Three models with 20 battles each, then a newcomer that won its only battle."""
    verdicts = ["A", "B", "A", "A", "Tie(A)", "A", "B", "A", "A", "A"] * 3
    return pd.DataFrame(
        {
            "uid": [str(i) for i in range(31)],
            "model_a": ["m1"] * 10 + ["m2"] * 10 + ["m1"] * 10 + ["new"],
            "model_b": ["m2"] * 10 + ["m3"] * 10 + ["m3"] * 10 + ["m1"],
            "winner": [*verdicts, "A"],
        }
    )


@pytest.mark.parametrize("interval", ["bootstrap", "sandwich"])
def test_one_won_battle_is_marked_provisional_and_ranks_nobody(interval):
    battles = established_board()
    before = fit_bradley_terry(battles.iloc[:30], interval=interval).set_index("model")
    after = fit_bradley_terry(battles, interval=interval).set_index("model")
    assert after.loc["new", "upper"] == np.inf and after.loc["new", "provisional"]
    # Its lower bound is where the fit stopped, not evidence: it shares rank 1 and the others
    # keep the ranks they had without it.
    assert after.loc["new", "rank"] == 1
    assert after.loc[["m1", "m2", "m3"], "rank"].tolist() == before["rank"].tolist()
    # ... and their intervals hardly move (the newcomer's arbitrary spot no longer drags them).
    widths_before = before["upper"] - before["lower"]
    widths_after = (after["upper"] - after["lower"]).loc[before.index]
    np.testing.assert_allclose(widths_after, widths_before, rtol=0.25)


def test_rows_with_fewer_than_min_battles_are_provisional(population):
    from genjudge.scoring.bt_core import MIN_BATTLES

    table = fit_bradley_terry(population.iloc[: 2 * MIN_BATTLES], bootstrap_rounds=50)
    assert (table["provisional"] == (table["battles"] < MIN_BATTLES)).all()
    assert table.attrs["min_battles"] == MIN_BATTLES
    assert not fit_bradley_terry(population, bootstrap_rounds=0)["provisional"].any()
