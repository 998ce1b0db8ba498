"""Scalar rewards from a pairwise judge, for RL loops (GRPO-style groups, best-of-n, DPO pairs).

A pairwise judge says which of two outputs is better; a policy-gradient loop wants one number per
sampled output. Two ways to get it, both batched through :func:`~genjudge.judges.runner.judge_pairs`
(so caching, the image cap and position swap apply):

* **Against a baseline** (a reference policy's output, the previous checkpoint's, …): each
  candidate is shown as A against the baseline as B, and its reward is
  ``P(A side) − P(B side)``, where a side's probability counts its decisive win *and* its leaning
  tie (``P(A) + P(Tie(A))``, the force-dividing-tie view OpenING's maintainers recommend).
  Rewards lie in [−1, 1]; 0 means "as good as the baseline".
* **Round robin** (no baseline): every pair of candidates is judged once and a candidate's
  reward is its average of that same margin over all opponents, i.e. ``2 × (average win
  probability) − 1``, on the same [−1, 1] scale.

Judges show the candidate first, so position bias adds a constant that does not change the
ordering within a group; pass ``swap=True`` to cancel it at twice the judging cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from genjudge.core.records import Step
from genjudge.judges.cache import VerdictCache
from genjudge.judges.protocol import PairwiseItem, PairwiseJudge, Verdict
from genjudge.judges.runner import judge_pairs, probabilities_of

Steps = Sequence[Step] | str


@dataclass(frozen=True)
class RewardGroup:
    """One prompt with its sampled candidates, an optional baseline and optional gold answer."""

    question: Steps
    candidates: Sequence[Steps]
    baseline: Steps | None = None
    reference: Steps | None = None


def pairwise_rewards(
    judge: PairwiseJudge,
    question: Steps,
    candidates: Sequence[Steps],
    *,
    baseline: Steps | None = None,
    reference: Steps | None = None,
    cache: VerdictCache | str | Path | None = None,
    batch_size: int = 8,
    max_image_side: int | None = None,
    swap: bool = False,
    progress: bool = False,
) -> np.ndarray:
    """Rewards in [−1, 1] for ``candidates`` (shape ``(len(candidates),)``, float64).

    Plain strings are accepted wherever steps are, as one text-only step.

    >>> from genjudge.judges import load_judge
    >>> judge = load_judge("reference", embedder="lexical")
    >>> pairwise_rewards(judge, "Name a red fruit.", ["an apple", "a red apple", "a car"],
    ...                  reference="a red apple").argmax()
    np.int64(1)
    """
    group = RewardGroup(question, candidates, baseline, reference)
    return group_rewards(
        judge,
        [group],
        cache=cache,
        batch_size=batch_size,
        max_image_side=max_image_side,
        swap=swap,
        progress=progress,
    )[0]


def group_rewards(
    judge: PairwiseJudge,
    groups: Sequence[RewardGroup],
    *,
    cache: VerdictCache | str | Path | None = None,
    batch_size: int = 8,
    max_image_side: int | None = None,
    swap: bool = False,
    progress: bool = False,
) -> list[np.ndarray]:
    """Rewards for many prompts at once: all their comparisons go to the judge in shared batches."""
    items: list[PairwiseItem] = []
    plans: list[list[tuple[int, int | None]]] = []  # per group: (candidate, opponent or None=baseline)
    for number, group in enumerate(groups):
        question = _steps(group.question)
        reference = None if group.reference is None else _steps(group.reference)
        candidates = [_steps(c) for c in group.candidates]
        if group.baseline is None and len(candidates) < 2:
            raise ValueError(
                f"group {number}: round-robin rewards need at least two candidates (got {len(candidates)}); "
                "pass a baseline to score a single candidate"
            )
        if group.baseline is not None:
            baseline = _steps(group.baseline)
            plan = [(i, None) for i in range(len(candidates))]
            items += [PairwiseItem(question, c, baseline, reference) for c in candidates]
        else:
            plan = list(combinations(range(len(candidates)), 2))
            items += [PairwiseItem(question, candidates[i], candidates[j], reference) for i, j in plan]
        plans.append(plan)

    run = judge_pairs(
        judge,
        items,
        cache=cache,
        batch_size=batch_size,
        max_image_side=max_image_side,
        swap=swap,
        progress=progress,
    )
    margins = iter(_margin(pair.verdict) for pair in run)
    rewards = []
    for group, plan in zip(groups, plans, strict=True):
        n = len(group.candidates)
        total = np.zeros(n)
        if group.baseline is not None:
            for i, _ in plan:
                total[i] = next(margins)
            rewards.append(total)
            continue
        for i, j in plan:
            margin = next(margins)
            total[i] += margin
            total[j] -= margin
        rewards.append(total / (n - 1))
    return rewards


def _margin(verdict: Verdict) -> float:
    p = probabilities_of(verdict)
    return (p["A"] + p["Tie(A)"]) - (p["B"] + p["Tie(B)"])


def _steps(value: Steps) -> tuple[Step, ...]:
    if isinstance(value, str):
        return (Step(value),)
    steps = tuple(value)
    for position, step in enumerate(steps):
        if not isinstance(step, Step):
            raise TypeError(
                f"expected a string or a sequence of Step, got {type(step).__name__} at position {position}"
            )
    return steps
