"""Two ways to put a 95% interval on Bradley–Terry strengths, over the same core.

* :func:`bootstrap_strengths` — a plain multinomial bootstrap: each replicate resamples the
  battles with replacement and is refitted exactly (:func:`~genjudge.scoring.bt_core.newton_fit`,
  many replicates per call, warm-started at the estimate, by Newton steps that keep the
  estimate's Hessian: :func:`~genjudge.scoring.bt_core.chord_fit`). The arena report's default; the
  interval is the 2.5%–97.5% quantile range, as in FastChat.
* :func:`sandwich_errors` — robust (sandwich) standard errors at the estimate, one n×n inverse;
  ±1.96 standard errors. What the board uses after every submission, where refitting the
  whole board a thousand times would cost too much; it estimates what the bootstrap measures.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import expit
from tqdm.auto import tqdm

from genjudge.scoring.bt_core import (
    UNBOUNDED_RIDGE,
    PairIndex,
    PairTotals,
    chord_fit,
    laplacian,
    open_rows,
)

Z95 = 1.959963984540054
"""The two-sided 95% normal quantile."""

# Replicates are fitted in blocks, a few per worker thread (numpy releases the GIL in the
# heavy calls); a block's arrays are about (block, pairs), capped near 64 MiB of (block, models,
# models) so that a fallback Newton solve on a whole block stays small.
_BLOCK_BYTES = 64 * 2**20
# numpy's multinomial costs about 110 ns per category, resampling battle indices about 10 ns
# per battle: the bootstrap draws whichever is cheaper for the data (both are the same law).
_MULTINOMIAL_COST_RATIO = 11


class _Resampler:
    """Draws one bootstrap replicate's per-pair totals: battles drawn with replacement."""

    def __init__(self, index: PairIndex, n_pairs: int) -> None:
        self.cells = (index.pair * 3 + index.score_code).astype(np.int32)
        self.n_pairs = n_pairs
        self.n_battles = len(self.cells)
        observed = np.bincount(self.cells, minlength=3 * n_pairs)
        self.present = np.flatnonzero(observed)
        self.probabilities = observed[self.present] / self.n_battles
        self.use_multinomial = len(self.present) * _MULTINOMIAL_COST_RATIO < self.n_battles

    def draw(self, rng: np.random.Generator, count: np.ndarray, score_sum: np.ndarray) -> None:
        """Write one replicate's battle counts and low-model score totals (per battle) into the rows given."""
        if self.use_multinomial:
            cells = np.zeros(3 * self.n_pairs, dtype=np.int64)
            cells[self.present] = rng.multinomial(self.n_battles, self.probabilities)
        else:
            drawn = self.cells.take(rng.integers(0, self.n_battles, self.n_battles))
            cells = np.bincount(drawn, minlength=3 * self.n_pairs)
        cells = cells.reshape(self.n_pairs, 3) / self.n_battles
        count[:] = cells.sum(axis=1)
        score_sum[:] = cells[:, 2] + 0.5 * cells[:, 1]


def bootstrap_strengths(
    pairs: PairTotals,
    index: PairIndex,
    theta: np.ndarray,
    *,
    rounds: int,
    seed: int,
    alpha: float,
    tol: float,
    workers: int | None = None,
    progress: bool = False,
) -> tuple[np.ndarray, int]:
    """Strengths refitted on ``rounds`` resamples of the battles: (array (rounds, models), unconverged).

    Replicate ``r`` draws from its own random stream (``SeedSequence(seed).spawn``), so the same
    ``seed`` gives the same replicates whatever the block size and the number of ``workers``
    (threads; default: the CPUs this process may use). Each replicate is solved to ``tol`` (in
    strength units; 1e-7 is 4e-5 rating points on the Elo scale, far below the bootstrap's own
    sampling noise).

    Each replicate is fitted by the estimator that gave ``theta``
    (:func:`~genjudge.scoring.bt_core.fit_strengths`): the plain maximum likelihood, or, where a
    model of the replicate never lost or never won, the same small ridge. Fitting every replicate
    without it, as before, put the replicates of such data around another centre than the
    estimate, so a 95% interval could lie wholly above its own rating.
    """
    n_pairs, n_models = len(pairs.low), pairs.n_models
    workers = workers or len(os.sched_getaffinity(0))
    streams = np.random.SeedSequence(seed).spawn(rounds)
    block = max(1, min(-(-rounds // (2 * workers)), _BLOCK_BYTES // (8 * n_models * n_models)))
    incidence = pairs.incidence()
    resampler = _Resampler(index, n_pairs)

    def fit_block(start: int) -> tuple[np.ndarray, int]:
        size = min(block, rounds - start)
        count, score_sum = np.empty((size, n_pairs)), np.empty((size, n_pairs))
        for row in range(size):
            resampler.draw(np.random.default_rng(streams[start + row]), count[row], score_sum[row])
        return _fit_replicates(pairs, theta, count, score_sum, alpha=alpha, tol=tol, incidence=incidence)

    results, unconverged = [], 0
    with (
        ThreadPoolExecutor(workers) as pool,
        tqdm(total=rounds, desc="bootstrap", unit="round", disable=not progress, leave=False) as bar,
    ):
        for thetas, missed in pool.map(fit_block, range(0, rounds, block)):
            results.append(thetas)
            unconverged += missed
            bar.update(len(thetas))
    return np.concatenate(results), unconverged


def _fit_replicates(
    pairs: PairTotals,
    theta: np.ndarray,
    count: np.ndarray,
    score_sum: np.ndarray,
    *,
    alpha: float,
    tol: float,
    incidence,
) -> tuple[np.ndarray, int]:
    """:func:`~genjudge.scoring.bt_core.fit_strengths` for many replicates at once: open rows (and
    rows whose plain fit found no finite optimum) with the ridge, the others without."""
    fitted = np.empty((len(count), pairs.n_models))
    unconverged = 0
    ridged = open_rows(pairs, count, score_sum)
    plain = np.flatnonzero(~ridged)
    if len(plain):
        result = chord_fit(
            pairs, theta, count[plain], score_sum[plain], alpha=alpha, tol=tol, incidence=incidence
        )
        fitted[plain] = result.theta
        unconverged += result.unconverged
        if result.flat is not None:
            ridged[plain[result.flat]] = True
    rows = np.flatnonzero(ridged)
    if len(rows):
        arguments = (pairs, theta, count[rows], score_sum[rows])
        result = chord_fit(*arguments, alpha=alpha, tol=tol, incidence=incidence, ridge=UNBOUNDED_RIDGE)
        fitted[rows] = result.theta
        unconverged += result.unconverged
    return fitted, unconverged


def sandwich_errors(pairs: PairTotals, theta: np.ndarray, *, alpha: float) -> np.ndarray:
    """Sandwich (robust) standard errors of the strengths, sqrt(diag(H⁻¹ J H⁻¹)) over all battles.

    H is the Fisher information; J the sum of outer products of per-battle score gradients,
    from the per-pair sums of scores and squared scores. With ties scored as half-wins the plain
    inverse Fisher information overstates the variance; the sandwich estimates what a
    multinomial bootstrap of the battles would, at the cost of one inverse.

    The errors are those of each strength against the mean of the models the data identify (that
    played and neither never lost nor never won), the shift the bootstrap fixes too: a model with
    no finite rating has next to no curvature, and centring on it as well would spread its
    near-infinite variance over every other model's interval.
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
    half = inverse @ outer
    variance = np.einsum("ij,ji->i", half, inverse)
    never_lost, never_won = pairs.open_sides()
    identified = (pairs.played() > 0) & ~never_lost & ~never_won
    if identified.any() and not identified.all():
        # Var(θ_i − w·θ) = C_ii − 2 (C w)_i + wᵀ C w, with C = inverse · outer · inverse.
        weights = identified / identified.sum()
        spread = half @ (inverse @ weights)
        variance = variance - 2.0 * spread + weights @ spread
    return np.sqrt(np.clip(variance, 0.0, None))
