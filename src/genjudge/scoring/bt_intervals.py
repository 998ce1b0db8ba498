"""Two ways to put a 95% interval on Bradley–Terry strengths, over the same core.

* :func:`bootstrap_strengths` — a plain multinomial bootstrap: each replicate resamples the
  battles with replacement and is refitted exactly (:func:`~genjudge.scoring.bt_core.newton_fit`,
  many replicates per call, warm-started at the estimate). The arena report's default; the
  interval is the 2.5%–97.5% quantile range, as in FastChat.
* :func:`sandwich_errors` — robust (sandwich) standard errors at the estimate, one n×n inverse;
  ±1.96 standard errors. What the board uses after every submission, where refitting the
  whole board a thousand times would cost too much; it estimates what the bootstrap measures.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy.special import expit
from tqdm.auto import tqdm

from genjudge.scoring.bt_core import PairIndex, PairTotals, laplacian, newton_fit

Z95 = 1.959963984540054
"""The two-sided 95% normal quantile."""

INTERVAL_METHODS: tuple[str, ...] = ("bootstrap", "sandwich")
# Replicates are fitted in blocks: each holds a (block, models, models) Hessian stack, so the
# block shrinks as the board grows (about 64 MiB per stack).
_BLOCK_BYTES = 64 * 2**20
# numpy's multinomial costs about 110 ns per category, resampling battle indices about 10 ns
# per battle: the bootstrap draws whichever is cheaper for the data (both are the same law).
_MULTINOMIAL_COST_RATIO = 11


def _resampled_counts(
    rng: np.random.Generator, index: PairIndex, n_pairs: int, rounds: int
) -> Iterator[np.ndarray]:
    """Per-round counts of each (pair, score code) cell, shape (n_pairs, 3), of battles drawn with
    replacement."""
    cells = index.pair * 3 + index.score_code
    n_battles = len(cells)
    observed = np.bincount(cells, minlength=3 * n_pairs)
    present = np.flatnonzero(observed)
    use_multinomial = len(present) * _MULTINOMIAL_COST_RATIO < n_battles
    probabilities = observed[present] / n_battles
    for _ in range(rounds):
        counts = np.zeros(3 * n_pairs, dtype=np.int64)
        if use_multinomial:
            counts[present] = rng.multinomial(n_battles, probabilities)
        else:
            counts = np.bincount(cells[rng.integers(0, n_battles, n_battles)], minlength=3 * n_pairs)
        yield counts.reshape(n_pairs, 3)


def bootstrap_strengths(
    pairs: PairTotals,
    index: PairIndex,
    theta: np.ndarray,
    *,
    rounds: int,
    seed: int,
    alpha: float,
    tol: float,
    progress: bool = False,
) -> tuple[np.ndarray, int]:
    """Strengths refitted on ``rounds`` resamples of the battles: (array (rounds, models), unconverged).

    The same ``seed`` gives the same replicates whatever the block size.
    """
    rng = np.random.default_rng(seed)
    n_pairs, n_models = len(pairs.low), pairs.n_models
    n_battles = pairs.n_battles
    block = max(1, min(rounds, _BLOCK_BYTES // (8 * n_models * n_models)))
    incidence = pairs.incidence()
    draws = _resampled_counts(rng, index, n_pairs, rounds)
    results, unconverged = [], 0
    with tqdm(total=rounds, desc="bootstrap", unit="round", disable=not progress, leave=False) as bar:
        for start in range(0, rounds, block):
            size = min(block, rounds - start)
            cells = np.stack([next(draws) for _ in range(size)])  # (size, pairs, 3)
            count = cells.sum(axis=2) / n_battles
            score_sum = (cells[:, :, 2] + 0.5 * cells[:, :, 1]) / n_battles
            fitted = newton_fit(
                pairs,
                np.broadcast_to(theta, (size, n_models)),
                count,
                score_sum,
                alpha=alpha,
                tol=tol,
                incidence=incidence,
            )
            results.append(fitted.theta)
            unconverged += fitted.unconverged
            bar.update(size)
    return np.concatenate(results), unconverged


def sandwich_errors(pairs: PairTotals, theta: np.ndarray, *, alpha: float) -> np.ndarray:
    """Sandwich (robust) standard errors of the strengths, sqrt(diag(H⁻¹ J H⁻¹)) over all battles.

    H is the Fisher information; J the sum of outer products of per-battle score gradients,
    from the per-pair sums of scores and squared scores. With ties scored as half-wins the plain
    inverse Fisher information overstates the variance; the sandwich estimates what a
    multinomial bootstrap of the battles would, at the cost of one inverse.
    """
    n = pairs.n_models
    p = expit(alpha * (theta[pairs.low] - theta[pairs.high]))
    hessian = laplacian(n, pairs.low, pairs.high, (pairs.count * alpha**2 * p * (1.0 - p))[None, :])[0]
    # Σ over a pair's battles of (score − p)², from the per-pair sums.
    squared_residuals = pairs.score_sq - 2.0 * p * pairs.score_sum + pairs.count * p**2
    outer = laplacian(n, pairs.low, pairs.high, (alpha**2 * squared_residuals)[None, :])[0]
    # The likelihood is flat along "all ratings shift together": fix that direction.
    gauge = np.ones_like(hessian) / n
    inverse = np.linalg.inv(hessian + gauge) - gauge
    variance = np.einsum("ij,ji->i", inverse @ outer, inverse)
    return np.sqrt(np.clip(variance, 0.0, None))
