"""The pair-choice rule: uncertainty weights, the mix of rules, and a seed that fixes the sequence."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from genjudge.votes.pair_choice import (
    CONTROL_PAIR,
    DISAGREEMENT,
    PRIOR_VARIANCE,
    UNCERTAINTY,
    PairMix,
    choose_pair,
    crowd_uncertainty,
    uncertainty_weights,
)

COVERAGE = {m: frozenset({"1", "2", "3"}) for m in ("a", "b", "c")}


def never(uid: str, a: str, b: str) -> bool:
    return False


def test_weights_are_bt_information_times_the_variance_of_the_difference():
    frame = pd.DataFrame(
        {"model": ["a", "b", "c"], "rating": [1000.0, 1000.0, 1400.0], "variance": [100, 300, 100]}
    )
    pairs, weights = uncertainty_weights(frame)
    assert pairs == [("a", "b"), ("a", "c"), ("b", "c")]
    p_ac = 1 / (1 + 10 ** (400 / 400))
    np.testing.assert_allclose(weights, [0.25 * 400, p_ac * (1 - p_ac) * 200, p_ac * (1 - p_ac) * 400])


def test_models_without_votes_keep_the_prior_and_votes_shrink_the_variance():
    battles = pd.DataFrame(
        {"model_a": ["a", "b"] * 20, "model_b": ["b", "a"] * 20, "winner": ["A", "Tie(B)", "B", "A"] * 10}
    )
    frame = crowd_uncertainty(battles, ["a", "b", "c"]).set_index("model")
    assert frame.loc["c", "variance"] == PRIOR_VARIANCE and frame.loc["c", "rating"] == 1000.0
    assert frame.loc["a", "variance"] < PRIOR_VARIANCE / 10


def test_ties_only_or_one_sided_votes_do_not_make_a_pair_look_settled():
    ties = pd.DataFrame(
        {"model_a": ["a"] * 3, "model_b": ["b"] * 3, "winner": ["Tie(A)", "Tie(B)", "Tie(A)"]}
    )
    one_sided = pd.DataFrame({"model_a": ["a"], "model_b": ["b"], "winner": ["A"]})
    for battles in (ties, one_sided):
        frame = crowd_uncertainty(battles, ["a", "b"])
        assert frame["variance"].tolist() == [PRIOR_VARIANCE] * 2  # three votes say little
        assert frame["rating"].tolist() == [1000.0, 1000.0]  # not a runaway fit


def test_the_mix_follows_its_shares_and_a_seed_repeats_the_sequence():
    uncertainty = crowd_uncertainty(pd.DataFrame(columns=["model_a", "model_b", "winner"]), ["a", "b", "c"])

    def run(seed: int) -> list:
        rng = np.random.default_rng(seed)
        return [
            choose_pair(
                coverage=COVERAGE,
                uncertainty=uncertainty,
                disagreements=[("2", "a", "c")],
                control_uids=["1", "2", "3"],
                done=never,
                rng=rng,
                mix=PairMix(control_share=0.1, disagreement_share=0.2),
            )
            for _ in range(2000)
        ]

    choices = run(7)
    assert choices == run(7) and choices != run(8)
    rules = Counter(c.rule for c in choices)
    assert rules[CONTROL_PAIR] == pytest.approx(200, abs=50)
    assert rules[DISAGREEMENT] == pytest.approx(400, abs=70)
    assert rules[UNCERTAINTY] == pytest.approx(1400, abs=90)
    lefts = Counter(c.left == "a" for c in choices if c.rule == DISAGREEMENT)
    assert lefts[True] == pytest.approx(lefts[False], abs=80)  # the side shown is a fair coin


def test_pairs_the_voter_has_done_are_never_chosen_again():
    uncertainty = crowd_uncertainty(pd.DataFrame(columns=["model_a", "model_b", "winner"]), ["a", "b"])
    coverage = {"a": frozenset({"1", "2"}), "b": frozenset({"1", "2"})}
    rng = np.random.default_rng(0)
    done = {("1", "a", "b")}

    def seen(uid: str, a: str, b: str) -> bool:
        return (uid, *sorted((a, b))) in done

    choice = choose_pair(
        coverage=coverage, uncertainty=uncertainty, disagreements=[], control_uids=[], done=seen, rng=rng
    )
    assert choice is not None and choice.uid == "2"
    done.add(("2", "a", "b"))
    assert (
        choose_pair(
            coverage=coverage, uncertainty=uncertainty, disagreements=[], control_uids=[], done=seen, rng=rng
        )
        is None
    )


def test_shares_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError, match="sum to at most 1"):
        PairMix(control_share=0.7, disagreement_share=0.5)
