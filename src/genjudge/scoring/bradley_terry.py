"""Bradley–Terry ratings on the Elo scale with bootstrap confidence intervals.

Follows FastChat's current ``rating_systems.py``: the likelihood is written over the unique
(model pair, outcome) combinations with their counts, ties count as half a win for each side
(the lean of ``Tie(A)``/``Tie(B)`` is ignored), the point estimate is fitted with scipy's
L-BFGS, and 95% intervals come from a multinomial bootstrap of the counts. Rank is
1 + the number of models whose lower bound is above this model's upper bound, so models whose
intervals overlap share a rank.

Ratings are ``init_rating + scale * theta`` where ``P(i beats j) = 1 / (1 + base ** (theta_j -
theta_i))``; with ``scale=400, base=10`` a 400-point gap means 10:1 odds. Without an anchor the
ratings average ``init_rating``; with one, every rating (and every bootstrap replicate) is
shifted so that the anchor model sits at ``anchor_rating``.

The bootstrap replicates only change the counts, never the design, so they are fitted together:
batched Newton steps on all replicates at once (one small linear solve per replicate),
warm-started from the point estimate. This is what makes 1,000 rounds take seconds rather than
minutes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from genjudge.scoring.battles import PreparedBattles, encode_battles

# Score of side A for each outcome code (A, B, Tie(A), Tie(B), Tie).
_SCORE_A = np.array([1.0, 0.0, 0.5, 0.5, 0.5])
_NEWTON_MAX_ITER = 50
_RIDGE = 1e-9


def _unique_outcomes(a: np.ndarray, b: np.ndarray, score_a: np.ndarray, n_models: int):
    """Collapse battles to unique (lower model, higher model, score of lower) rows with counts.

    Rows come out sorted by pair, so each pair's rows are contiguous (used for the Hessian).
    """
    swap = a > b
    low = np.where(swap, b, a)
    high = np.where(swap, a, b)
    score = np.where(swap, 1.0 - score_a, score_a)
    score_code = np.rint(score * 2).astype(np.int64)  # 0, 0.5, 1 -> 0, 1, 2
    keys = (low * n_models + high) * 3 + score_code
    unique_keys, counts = np.unique(keys, return_counts=True)
    pair = unique_keys // 3
    return pair // n_models, pair % n_models, (unique_keys % 3) / 2.0, counts.astype(np.float64)


def _loss_and_grad(theta, low, high, score, weight, alpha):
    diff = alpha * (theta[low] - theta[high])
    loss = -(weight * (score * log_expit(diff) + (1.0 - score) * log_expit(-diff))).sum()
    residual = weight * alpha * (expit(diff) - score)
    grad = np.bincount(low, residual, len(theta)) - np.bincount(high, residual, len(theta))
    return loss, grad


def _fit_point(low, high, score, weight, n_models, alpha, tol) -> np.ndarray:
    result = minimize(
        _loss_and_grad,
        np.zeros(n_models),
        args=(low, high, score, weight, alpha),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 1000, "gtol": tol},
    )
    return result.x - result.x.mean()


def _batched_loss(theta, low, high, score, weights, alpha):
    diff = alpha * (theta[:, low] - theta[:, high])
    return -(weights * (score * log_expit(diff) + (1.0 - score) * log_expit(-diff))).sum(axis=1)


def _fit_bootstrap(theta0, low, high, score, weights, alpha, tol) -> tuple[np.ndarray, int]:
    """Newton's method on every replicate (rows of ``weights``) at once; returns (thetas, unconverged)."""
    rounds, n_models = weights.shape[0], len(theta0)
    incidence = np.zeros((len(low), n_models))
    incidence[np.arange(len(low)), low] = 1.0
    incidence[np.arange(len(low)), high] = -1.0
    pair_start = np.flatnonzero(np.r_[True, (low[1:] != low[:-1]) | (high[1:] != high[:-1])])
    pair_low, pair_high = low[pair_start], high[pair_start]
    diagonal = np.arange(n_models)
    # The likelihood does not change when every theta shifts by the same amount; adding the
    # all-ones matrix to the Hessian fixes that direction (steps keep the mean at zero).
    gauge = np.ones((n_models, n_models)) / n_models

    theta = np.tile(theta0, (rounds, 1))
    active = np.ones(rounds, dtype=bool)
    loss = _batched_loss(theta, low, high, score, weights, alpha)
    for _ in range(_NEWTON_MAX_ITER):
        rows = np.flatnonzero(active)
        if len(rows) == 0:
            break
        th, w = theta[rows], weights[rows]
        p = expit(alpha * (th[:, low] - th[:, high]))
        grad = (w * alpha * (p - score)) @ incidence
        converged = np.abs(grad).max(axis=1) < tol
        active[rows[converged]] = False
        rows, th, w, p, grad = (
            rows[~converged],
            th[~converged],
            w[~converged],
            p[~converged],
            grad[~converged],
        )
        if len(rows) == 0:
            break
        curvature = np.add.reduceat(w * alpha**2 * p * (1.0 - p), pair_start, axis=1)
        hessian = np.zeros((len(rows), n_models, n_models))
        hessian[:, pair_low, pair_high] = -curvature
        hessian[:, pair_high, pair_low] = -curvature
        hessian[:, diagonal, diagonal] = -hessian.sum(axis=2)
        # The all-ones term fixes the free shift; the small ridge keeps the solve defined when a
        # resample leaves the comparison graph disconnected (those shifts have zero gradient,
        # so they get a zero step) and only damps steps elsewhere, leaving the optimum as is.
        hessian += gauge + _RIDGE * np.eye(n_models)
        step = np.linalg.solve(hessian, -grad[..., None])[..., 0]
        # Backtracking keeps a replicate whose likelihood is flat in some direction (a model
        # that never lost in this resample) from overshooting.
        size = np.ones(len(rows))
        for _ in range(30):
            candidate = th + size[:, None] * step
            new_loss = _batched_loss(candidate, low, high, score, w, alpha)
            worse = new_loss > loss[rows] + 1e-12
            if not worse.any():
                break
            size[worse] *= 0.5
        improved = ~worse
        theta[rows[improved]] = candidate[improved]
        loss[rows[improved]] = new_loss[improved]
    return theta - theta.mean(axis=1, keepdims=True), int(active.sum())


def fit_bradley_terry(
    battles: pd.DataFrame | PreparedBattles,
    *,
    bootstrap_rounds: int = 1000,
    seed: int = 0,
    anchor: str | None = None,
    anchor_rating: float = 1000.0,
    scale: float = 400.0,
    base: float = 10.0,
    init_rating: float = 1000.0,
    tol: float = 1e-8,
) -> pd.DataFrame:
    """Fit Bradley–Terry ratings with bootstrap 95% intervals.

    Returns one row per model, sorted by rating (highest first), with columns ``model``,
    ``rating`` (the maximum-likelihood estimate), ``lower``/``upper`` (2.5% / 97.5% bootstrap
    quantiles; infinite on the open side for a model that never lost or never won), ``rank`` and
    ``battles``. With ``bootstrap_rounds=0`` the interval collapses to
    the rating and rank is 1 + the number of strictly higher-rated models. The frame's
    ``attrs`` records the settings and ``bootstrap_unconverged`` (replicates that hit the
    iteration cap) and ``unbounded_models`` (models that never won or never lost, counting
    ties as half: their maximum-likelihood rating is infinite, so theirs only marks a direction).

    >>> import pandas as pd
    >>> battles = pd.DataFrame({"uid": list("123456"), "model_a": ["x", "x", "x", "y", "y", "z"],
    ...                         "model_b": ["y", "z", "z", "z", "x", "x"],
    ...                         "winner": ["A", "A", "Tie(B)", "A", "B", "B"]})
    >>> fit_bradley_terry(battles, bootstrap_rounds=0)["model"].tolist()
    ['x', 'y', 'z']
    """
    if bootstrap_rounds < 0:
        raise ValueError(f"bootstrap_rounds must be >= 0, got {bootstrap_rounds}")
    if scale <= 0 or base <= 1:
        raise ValueError(f"scale must be > 0 and base > 1, got scale={scale}, base={base}")
    encoded = encode_battles(battles)
    models = encoded.models
    if anchor is not None and anchor not in set(models):
        raise ValueError(f"anchor model {anchor!r} is not in the battles; models: {sorted(models)}")
    alpha = float(np.log(base))
    n_battles = len(encoded.a)
    low, high, score, counts = _unique_outcomes(
        encoded.a, encoded.b, _SCORE_A[encoded.outcome], encoded.n_models
    )
    theta = _fit_point(low, high, score, counts / n_battles, encoded.n_models, alpha, tol)

    ratings = init_rating + scale * theta
    unconverged = 0
    if bootstrap_rounds:
        rng = np.random.default_rng(seed)
        boot_counts = rng.multinomial(n_battles, counts / n_battles, size=bootstrap_rounds)
        boot_theta, unconverged = _fit_bootstrap(
            theta, low, high, score, boot_counts / n_battles, alpha, max(tol, 1e-10)
        )
        boot_ratings = init_rating + scale * boot_theta
    else:
        boot_ratings = ratings[None, :]
    if anchor is not None:
        anchor_position = int(np.flatnonzero(models == anchor)[0])
        ratings = ratings + (anchor_rating - ratings[anchor_position])
        boot_ratings = boot_ratings + (anchor_rating - boot_ratings[:, [anchor_position]])
    if bootstrap_rounds:
        lower, upper = np.percentile(boot_ratings, [2.5, 97.5], axis=0)
    else:
        lower, upper = ratings.copy(), ratings.copy()
    per_model = np.bincount(encoded.a, minlength=len(models)) + np.bincount(encoded.b, minlength=len(models))
    score_a = _SCORE_A[encoded.outcome]
    points = np.bincount(encoded.a, score_a, len(models)) + np.bincount(encoded.b, 1.0 - score_a, len(models))
    # A model that never won (or never lost) has no finite maximum-likelihood rating: the fit
    # only stops because the likelihood gets flat, so its number and its bootstrap quantiles are
    # arbitrary (the "interval" can even miss the estimate). Its interval is open on that side.
    never_lost, never_won = points == per_model, points == 0
    upper = np.where(never_lost, np.inf, upper)
    lower = np.where(never_lost, np.minimum(lower, ratings), lower)
    lower = np.where(never_won, -np.inf, lower)
    upper = np.where(never_won, np.maximum(upper, ratings), upper)
    rank = 1 + (lower[None, :] > upper[:, None]).sum(axis=1)
    unbounded = [str(model) for model in models[never_lost | never_won]]

    order = np.argsort(-ratings, kind="stable")
    table = pd.DataFrame(
        {
            "model": models[order],
            "rating": ratings[order],
            "lower": lower[order],
            "upper": upper[order],
            "rank": rank[order],
            "battles": per_model[order],
        }
    )
    table.attrs.update(
        bootstrap_rounds=bootstrap_rounds,
        seed=seed,
        anchor=anchor,
        anchor_rating=anchor_rating if anchor is not None else None,
        scale=scale,
        base=base,
        init_rating=init_rating,
        bootstrap_unconverged=unconverged,
        unbounded_models=unbounded,
    )
    return table
