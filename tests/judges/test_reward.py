"""Scalar rewards for RL loops from pairwise verdicts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from genjudge.core.records import Step
from genjudge.judges import load_judge
from genjudge.judges.protocol import PairwiseItem, Verdict
from genjudge.judges.reward import RewardGroup, group_rewards, pairwise_rewards


class LengthJudge:
    """Test double: the longer text wins with probability 0.8 (0.2 left on the other side)."""

    judge_id, revision, prompt_version = "test/length", "1", "p1"

    def __init__(self) -> None:
        self.calls = 0

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        self.calls += 1
        out = []
        for item in items:
            a, b = len(item.output_a[0].text), len(item.output_b[0].text)
            if a == b:
                out.append(Verdict("Tie(A)", {"Tie(A)": 0.5, "Tie(B)": 0.5}))
            else:
                winner, loser = ("A", "B") if a > b else ("B", "A")
                out.append(Verdict(winner, {winner: 0.8, loser: 0.2}))
        return out


def test_rewards_against_a_baseline_are_win_minus_loss_probability():
    rewards = pairwise_rewards(LengthJudge(), "q", ["long answer", "s", "same"], baseline="base")
    assert rewards.shape == (3,) and rewards.dtype == np.float64
    np.testing.assert_allclose(rewards, [0.6, -0.6, 0.0])


def test_round_robin_averages_the_margin_over_opponents():
    rewards = pairwise_rewards(LengthJudge(), "q", ["aaa", "a", "aa"])
    # aaa beats both (0.6, 0.6); aa beats a, loses to aaa; a loses twice.
    np.testing.assert_allclose(rewards, [0.6, -0.6, 0.0])
    assert list(np.argsort(-rewards)) == [0, 2, 1]


def test_groups_share_batches():
    judge = LengthJudge()
    groups = [
        RewardGroup("q1", ["a", "bb", "ccc"]),
        RewardGroup("q2", ["x"], baseline="yy"),
        RewardGroup((Step("q3"),), [(Step("p"),), (Step("qq"),)], baseline=(Step("r"),)),
    ]
    rewards = group_rewards(judge, groups, batch_size=16)
    assert judge.calls == 1  # 3 round-robin pairs + 1 + 2 baseline comparisons in one batch
    assert [r.shape for r in rewards] == [(3,), (1,), (2,)]
    np.testing.assert_allclose(rewards[1], [-0.6])


def test_reference_judge_rewards_follow_closeness_to_the_gold_answer():
    judge = load_judge("reference", embedder="lexical")
    gold = "Boil the pasta for ten minutes, drain it and add tomato sauce."
    candidates = [
        "Drive to the airport early.",
        "Boil the pasta ten minutes, drain it, add the tomato sauce.",
        "Boil pasta.",
    ]
    rewards = pairwise_rewards(judge, "How do I make pasta?", candidates, reference=gold, swap=True)
    assert rewards.argmax() == 1 and rewards.argmin() == 0
    assert np.all(np.abs(rewards) <= 1.0)


def test_bad_groups_are_reported():
    with pytest.raises(ValueError, match="group 0: round-robin rewards need at least two candidates"):
        pairwise_rewards(LengthJudge(), "q", ["only one"])
    with pytest.raises(TypeError, match="got int at position 0"):
        pairwise_rewards(LengthJudge(), "q", [[1, 2]], baseline="b")
