"""Running board statistics: folding battles in chunks gives the same board as all at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from genjudge.scoring.incremental import BoardState


def simulated(n_models: int = 12, n_battles: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    strength = np.linspace(-1.5, 1.5, n_models)
    a = rng.integers(0, n_models, n_battles)
    b = (a + rng.integers(1, n_models, n_battles)) % n_models
    p = 1 / (1 + np.exp(-(strength[a] - strength[b])))
    u = rng.random(n_battles)
    winner = np.where(
        u < 0.8 * p, "A", np.where(u < p, "Tie(A)", np.where(u < p + 0.2 * (1 - p), "Tie(B)", "B"))
    )
    names = np.array([f"m{i:02d}" for i in range(n_models)])
    return pd.DataFrame({"model_a": names[a], "model_b": names[b], "winner": winner})


def test_win_rates_follow_the_opening_variants():
    state = BoardState()
    state.add(["x", "x", "y"], ["y", "y", "x"], ["A", "Tie(B)", "Tie(A)"])
    rates = state.win_rates().set_index("model")
    # x: won outright once, lost one tie leaning to y, lost one tie leaning to y (as side B).
    assert rates.loc["x", "winrate_fdt"] == pytest.approx(1 / 3)
    assert rates.loc["x", "winrate_with_tie"] == pytest.approx(1 / 3)
    assert rates.loc["x", "winrate_without_tie"] == pytest.approx(1.0)
    assert rates.loc["y", "winrate_fdt"] == pytest.approx(2 / 3)


def test_chunks_and_warm_starts_give_the_cold_fit():
    battles = simulated()
    whole = BoardState()
    whole.add_frame(battles)
    cold, cold_iterations = whole.fit()

    chunked = BoardState()
    previous = None
    for start in range(0, len(battles), 700):
        chunked.add_frame(battles.iloc[start : start + 700])
        frame, _ = chunked.fit(warm_start=previous)
        previous = dict(zip(frame["model"], frame["rating"], strict=True))
    warm = frame.set_index("model").loc[cold["model"]].reset_index()
    pd.testing.assert_frame_equal(
        warm.drop(columns=["rating", "rating_lower", "rating_upper"]),
        cold.drop(columns=["rating", "rating_lower", "rating_upper"]),
    )
    np.testing.assert_allclose(warm["rating"], cold["rating"], atol=0.01)
    np.testing.assert_allclose(warm["rating_upper"], cold["rating_upper"], atol=0.01)
    # Restarting from the converged board costs (almost) nothing.
    _, iterations = whole.fit(warm_start=dict(zip(cold["model"], cold["rating"], strict=True)))
    assert iterations < cold_iterations / 3


def test_stronger_models_rate_higher_with_sensible_intervals():
    state = BoardState()
    state.add_frame(simulated())
    frame, _ = state.fit()
    frame = frame.set_index("model").sort_index()
    assert frame["rating"].corr(pd.Series(range(12), index=frame.index), method="spearman") > 0.9
    assert (frame["rating_lower"] < frame["rating"]).all() and (frame["rating"] < frame["rating_upper"]).all()
    assert frame["rating"].mean() == pytest.approx(1000.0)
    assert frame.loc["m11", "rank"] == 1 and frame.loc["m00", "rank"] > 5


def test_head_to_head_is_antisymmetric():
    state = BoardState()
    state.add(["x", "y", "x", "z"], ["y", "x", "z", "x"], ["A", "Tie(A)", "B", "Tie(A)"])
    matrix = state.head_to_head(["x", "y", "z"])
    assert matrix.loc["x", "y"] == pytest.approx(0.5)  # x won once, y's lean won once
    assert matrix.loc["x", "z"] == pytest.approx(0.0)
    assert matrix.loc["z", "x"] == pytest.approx(1.0)
    assert np.isnan(matrix.loc["y", "z"]) and np.isnan(matrix.loc["x", "x"])


def test_unknown_verdicts_are_refused():
    with pytest.raises(ValueError, match="unknown verdict 'C'"):
        BoardState().add(["x"], ["y"], ["C"])


def test_a_model_that_never_lost_has_an_open_interval():
    state = BoardState()
    state.add(["x", "z", "y", "z", "y"], ["y", "x", "z", "y", "z"], ["A", "B", "A", "B", "Tie(B)"])
    frame, _ = state.fit()
    frame = frame.set_index("model")
    assert frame.loc["x", "rating_upper"] == np.inf
    assert frame.loc["x", "rank"] == 1
    assert np.isfinite(frame.loc["y", ["rating_lower", "rating_upper"]]).all()


def test_the_same_numbers_as_the_arena_scoring():
    """The running statistics reproduce the arena's win rates and BT fit; the sandwich interval is
    as wide as the arena's multinomial bootstrap."""
    from genjudge.scoring.bradley_terry import fit_bradley_terry
    from genjudge.scoring.winrate import win_rates

    battles = simulated(n_models=10, n_battles=4000, seed=3)
    battles.insert(0, "uid", [str(i) for i in range(len(battles))])
    state = BoardState()
    for start in range(0, len(battles), 1000):
        state.add_frame(battles.iloc[start : start + 1000])
    mine, _ = state.fit()
    mine = mine.set_index("model").sort_index()
    rates = win_rates(battles).sort_index()
    np.testing.assert_allclose(mine["winrate_fdt"], rates["fdt"])
    np.testing.assert_allclose(mine["winrate_with_tie"], rates["with_tie_0"])
    np.testing.assert_allclose(mine["winrate_without_tie"], rates["without_tie"])
    assert (mine["battles"] == rates["battles"]).all()
    arena = fit_bradley_terry(battles, bootstrap_rounds=300, seed=0).set_index("model").sort_index()
    np.testing.assert_allclose(mine["rating"], arena["rating"], atol=0.05)
    width_mine = (mine["rating_upper"] - mine["rating_lower"]).mean()
    width_boot = (arena["upper"] - arena["lower"]).mean()
    assert abs(width_mine - width_boot) / width_boot < 0.1


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_board_grown_one_model_at_a_time_keeps_the_from_scratch_ratings(seed):
    """Each submission adds a model and its battles; the warm-started refit stays on the cold fit."""
    rng = np.random.default_rng(seed)
    strength = rng.normal(0.0, 1.0, 14)
    names = [f"s{seed}-m{i:02d}" for i in range(len(strength))]
    state, previous = BoardState(), None
    for newcomer in range(1, len(names)):
        opponents = rng.integers(0, newcomer, 60)
        new_side_first = rng.random(60) < 0.5
        a = np.where(new_side_first, newcomer, opponents)
        b = np.where(new_side_first, opponents, newcomer)
        p = 1 / (1 + np.exp(-(strength[a] - strength[b])))
        u = rng.random(60)
        winner = np.where(
            u < 0.75 * p, "A", np.where(u < p, "Tie(A)", np.where(u < p + 0.25 * (1 - p), "Tie(B)", "B"))
        )
        state.add([names[i] for i in a], [names[i] for i in b], winner.tolist())
        warm, _ = state.fit(warm_start=previous)
        cold, _ = state.fit()
        np.testing.assert_allclose(warm["rating"], cold["rating"], atol=0.01)
        np.testing.assert_allclose(warm["rating_lower"], cold["rating_lower"], atol=0.01)
        np.testing.assert_allclose(warm["rating_upper"], cold["rating_upper"], atol=0.01)
        assert (warm["rank"] == cold["rank"]).all()
        previous = dict(zip(warm["model"], warm["rating"], strict=True))
