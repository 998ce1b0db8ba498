"""Running board statistics, so adding a model costs in proportion to its new battles.

A board of 1,000 models rests on about a million battles. Re-reading and re-counting all of them
for every submission would make each new model cost as much as the whole board, so the worker
keeps sufficient statistics instead and folds each job's new battles into them:

* **win rates**: per model, the credit earned and the battles counted under each OpenING variant
  (the same credit tables as :func:`genjudge.scoring.winrate.win_rates`); adding battles is a
  couple of ``np.add.at`` calls, reading the rates is O(models);
* **Bradley–Terry**: the likelihood only depends on counts per (model pair, outcome) — the same
  formulation as :func:`genjudge.scoring.bradley_terry.fit_bradley_terry` (ties are half a win,
  FastChat style). New battles increment existing rows or append new ones; the refit starts from
  the previous board's ratings (new model at the mean), so L-BFGS needs a few iterations instead
  of a cold start's hundreds;
* **95% intervals**: sandwich (robust) standard errors at the fit — one n×n inverse; a bootstrap
  would refit the whole board hundreds of times per submission and, with a dense Hessian per
  replicate, does not scale to 1,000 models. Rank is
  1 + the number of models whose interval lies entirely above, as in the arena scoring.

Everything here is pure computation on arrays: no files, no judge.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from genjudge.scoring.rating_columns import RATING_COLUMNS

OUTCOMES = {"A": 0, "B": 1, "Tie(A)": 2, "Tie(B)": 3, "Tie": 4}
# Per outcome code (A, B, Tie(A), Tie(B), Tie): side A's credit and whether the battle counts,
# for the three variants the board shows: fdt, with tie (ties earn 0), without tie.
_CREDIT_A = np.array(
    [[1.0, 0.0, 1.0, 0.0, 0.5], [1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]]
).T  # shape (5 outcomes, 3 variants)
_CREDIT_B = _CREDIT_A[[1, 0, 3, 2, 4]]
_COUNTED = np.array([[1.0] * 5, [1.0] * 5, [1.0, 1.0, 0.0, 0.0, 0.0]]).T
_SCORE_A = np.array([1.0, 0.0, 0.5, 0.5, 0.5])
INIT_RATING, SCALE, ALPHA = 1000.0, 400.0, float(np.log(10.0))
Z95 = 1.959963984540054
_MAX_MODELS = 1 << 21  # model indices are packed into int64 keys: (low * _MAX_MODELS + high) * 3 + score


class BoardState:
    """Sufficient statistics of all battles on one board; grow it with :meth:`add`."""

    def __init__(self) -> None:
        self.models: list[str] = []
        self.index: dict[str, int] = {}
        self.credit = np.zeros((0, 3))
        self.counted = np.zeros((0, 3))
        self.battles = np.zeros(0, dtype=np.int64)
        # Per unordered pair (low index, high index): the low model's FDT credit, the battles,
        # and the sum and sum of squares of the low model's BT score (1, ½ for a tie, 0). The BT
        # likelihood and its sandwich variance only need these per-pair sums.
        self._pairs = _SparseCounts(4)
        self.n_battles = 0
        self.last_timings: dict[str, float] = {}

    # ------------------------------------------------------------------ growing
    def add_models(self, names: Sequence[str]) -> None:
        new = [name for name in dict.fromkeys(names) if name not in self.index]
        for name in new:
            self.index[name] = len(self.models)
            self.models.append(name)
        if new:
            pad = len(new)
            self.credit = np.vstack([self.credit, np.zeros((pad, 3))])
            self.counted = np.vstack([self.counted, np.zeros((pad, 3))])
            self.battles = np.concatenate([self.battles, np.zeros(pad, dtype=np.int64)])

    def add(self, model_a: Sequence[str], model_b: Sequence[str], winner: Sequence[str]) -> None:
        """Fold new battles in: O(new battles)."""
        if len(model_a) == 0:
            return
        self.add_models([*model_a, *model_b])
        a = np.fromiter((self.index[m] for m in model_a), np.int64, len(model_a))
        b = np.fromiter((self.index[m] for m in model_b), np.int64, len(model_b))
        try:
            outcome = np.fromiter((OUTCOMES[w] for w in winner), np.int64, len(winner))
        except KeyError as exc:
            raise ValueError(f"unknown verdict {exc.args[0]!r}; expected one of {list(OUTCOMES)}") from exc
        np.add.at(self.credit, a, _CREDIT_A[outcome])
        np.add.at(self.credit, b, _CREDIT_B[outcome])
        np.add.at(self.counted, a, _COUNTED[outcome])
        np.add.at(self.counted, b, _COUNTED[outcome])
        np.add.at(self.battles, a, 1)
        np.add.at(self.battles, b, 1)
        self.n_battles += len(a)

        swap = a > b
        low, high = np.where(swap, b, a), np.where(swap, a, b)
        score = np.where(swap, 1.0 - _SCORE_A[outcome], _SCORE_A[outcome])
        credit_low = np.where(swap, _CREDIT_B[outcome, 0], _CREDIT_A[outcome, 0])
        pair_key = low * _MAX_MODELS + high
        self._pairs.add(pair_key, np.stack([credit_low, np.ones(len(low)), score, score**2], axis=1))

    def add_frame(self, battles: pd.DataFrame) -> None:
        self.add(battles["model_a"].tolist(), battles["model_b"].tolist(), battles["winner"].tolist())

    # ------------------------------------------------------------------ reading
    def win_rates(self) -> pd.DataFrame:
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = np.where(
                self.counted > 0, self.credit / np.where(self.counted > 0, self.counted, 1), np.nan
            )
        return pd.DataFrame(
            {
                "model": self.models,
                "winrate_fdt": rates[:, 0],
                "winrate_with_tie": rates[:, 1],
                "winrate_without_tie": rates[:, 2],
                "battles": self.battles,
            }
        )

    def head_to_head(self, models: Sequence[str]) -> pd.DataFrame:
        """FDT win rate of each row model against each column model (NaN where they never met)."""
        matrix = np.full((len(models), len(models)), np.nan)
        for i, row in enumerate(models):
            for j, col in enumerate(models):
                a, b = self.index.get(row), self.index.get(col)
                if a is None or b is None or a == b:
                    continue
                credit, battles, _, _ = self._pairs.get(min(a, b) * _MAX_MODELS + max(a, b))
                if battles:
                    low_rate = credit / battles
                    matrix[i, j] = low_rate if a < b else 1.0 - low_rate
        return pd.DataFrame(matrix, index=list(models), columns=list(models))

    def fit(self, warm_start: dict[str, float] | None = None, tol: float = 1e-8) -> tuple[pd.DataFrame, int]:
        """BT ratings with 95% intervals and ranks for every model; also the L-BFGS iteration count.

        ``warm_start`` maps model → rating (the previous board); models not in it start at the mean.
        """
        n = len(self.models)
        low, high = np.divmod(self._pairs.keys, _MAX_MODELS)
        count, score_sum, score_sq = (
            self._pairs.values[:, 1],
            self._pairs.values[:, 2],
            self._pairs.values[:, 3],
        )
        scale = max(self.n_battles, 1)
        started = time.perf_counter()
        theta0 = np.zeros(n)
        if warm_start:
            known = np.zeros(n, dtype=bool)
            for name, rating in warm_start.items():
                if name in self.index and np.isfinite(rating):
                    theta0[self.index[name]] = (rating - INIT_RATING) / SCALE
                    known[self.index[name]] = True
            if known.any():
                theta0[known] -= theta0[known].mean()
                for k in np.flatnonzero(~known):
                    theta0[k] = _place_newcomer(k, theta0, low, high, count, score_sum)
        result = minimize(
            _loss_and_grad,
            theta0,
            args=(low, high, count / scale, score_sum / scale),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 1000, "gtol": tol},
        )
        theta = result.x - result.x.mean()
        fitted = time.perf_counter()
        stderr = _standard_errors(theta, low, high, count, score_sum, score_sq)
        self.last_timings = {"bt_fit": fitted - started, "intervals": time.perf_counter() - fitted}
        rating = INIT_RATING + SCALE * theta
        lower = rating - Z95 * SCALE * stderr
        upper = rating + Z95 * SCALE * stderr
        # A model that never lost (never won), ties counting half, has no finite maximum-likelihood
        # rating: the fit only stops where the likelihood gets flat. Its interval is open on that side.
        points = np.bincount(low, score_sum, n) + np.bincount(high, count - score_sum, n)
        played = np.bincount(low, count, n) + np.bincount(high, count, n)
        upper[(played > 0) & np.isclose(points, played)] = np.inf
        lower[(played > 0) & np.isclose(points, 0.0)] = -np.inf
        frame = self.win_rates()
        frame["rating"], frame["rating_lower"], frame["rating_upper"] = rating, lower, upper
        frame["rank"] = _rank(lower, upper)
        return frame[list(RATING_COLUMNS)], int(result.nit)


def _standard_errors(theta, low, high, count, score_sum, score_sq) -> np.ndarray:
    """Sandwich (robust) standard errors, sqrt(diag(H⁻¹ J H⁻¹)) over all battles.

    H is the Fisher information; J the outer product of per-battle score gradients. With ties
    scored as half-wins the plain inverse Fisher information overstates the variance; the
    sandwich estimates what a multinomial bootstrap of the battles would, at the cost of one solve.
    """
    p = expit(ALPHA * (theta[low] - theta[high]))
    hessian = _pair_matrix(len(theta), low, high, count * ALPHA**2 * p * (1.0 - p))
    # Σ over a pair's battles of (score − p)², from the per-pair sums.
    squared_residuals = score_sq - 2.0 * p * score_sum + count * p**2
    outer = _pair_matrix(len(theta), low, high, ALPHA**2 * squared_residuals)
    # The likelihood is flat along "all ratings shift together": fix that direction.
    gauge = np.ones_like(hessian) / len(theta)
    inverse = np.linalg.inv(hessian + gauge) - gauge
    variance = np.einsum("ij,ji->i", inverse @ outer, inverse)
    return np.sqrt(np.clip(variance, 0.0, None))


class _SparseCounts:
    """Float columns keyed by sorted int64 keys; ``add`` is vectorised (unique + searchsorted +
    insert), so folding in a job's battles costs O(new battles + log) plus one memory move."""

    def __init__(self, columns: int) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.values = np.zeros((0, columns))

    def add(self, keys: np.ndarray, values: np.ndarray) -> None:
        unique, inverse = np.unique(keys, return_inverse=True)
        inverse = inverse.reshape(-1)
        sums = np.stack(
            [np.bincount(inverse, values[:, c], len(unique)) for c in range(values.shape[1])], axis=1
        )
        pos = np.searchsorted(self.keys, unique)
        found = pos < len(self.keys)
        found[found] = self.keys[pos[found]] == unique[found]
        self.values[pos[found]] += sums[found]
        self.keys = np.insert(self.keys, pos[~found], unique[~found])
        self.values = np.insert(self.values, pos[~found], sums[~found], axis=0)

    def get(self, key: int) -> np.ndarray:
        pos = int(np.searchsorted(self.keys, key))
        if pos < len(self.keys) and self.keys[pos] == key:
            return self.values[pos]
        return np.zeros(self.values.shape[1])


def _pair_matrix(n: int, low: np.ndarray, high: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Σ weight · (e_low − e_high)(e_low − e_high)ᵀ: a graph Laplacian over the model pairs."""
    off = np.bincount(low * n + high, weight, n * n).reshape(n, n)
    matrix = -(off + off.T)
    matrix[np.diag_indices(n)] = -matrix.sum(axis=1)
    return matrix


def _rank(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """1 + the number of models whose lower bound is above this model's upper bound."""
    above = len(lower) - np.searchsorted(np.sort(lower), upper, side="right")
    return 1 + above


def _place_newcomer(k, theta, low, high, count, score_sum, steps: int = 8) -> float:
    """A new model's rating given everyone else's (1-D Newton on its own battles only).

    Starting the full refit there instead of at the mean is what keeps the warm start warm:
    the optimiser then only has to spread the small ripple the newcomer causes.
    """
    mine = np.flatnonzero((low == k) | (high == k))
    sign = np.where(low[mine] == k, 1.0, -1.0)
    other = np.where(low[mine] == k, high[mine], low[mine])
    n, wins = count[mine], np.where(sign > 0, score_sum[mine], count[mine] - score_sum[mine])
    value = 0.0
    for _ in range(steps):
        p = expit(ALPHA * (value - theta[other]))
        grad = ALPHA * (n * p - wins).sum()
        hess = ALPHA**2 * (n * p * (1 - p)).sum() + 1e-9
        value = float(np.clip(value - grad / hess, -10.0, 10.0))
    return value


def _loss_and_grad(theta, low, high, count, score_sum):
    """Negative BT log-likelihood per battle from per-pair sums: W log σ(d) + (N − W) log σ(−d)."""
    diff = ALPHA * (theta[low] - theta[high])
    loss = -(score_sum * log_expit(diff) + (count - score_sum) * log_expit(-diff)).sum()
    residual = ALPHA * (count * expit(diff) - score_sum)
    grad = np.bincount(low, residual, len(theta)) - np.bincount(high, residual, len(theta))
    return loss, grad
