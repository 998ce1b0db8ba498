"""Bradley–Terry ratings on the Elo scale with 95% intervals (bootstrap by default, or sandwich).

Follows FastChat's current ``rating_systems.py``: the likelihood is written over the battle
counts of each model pair, ties count as half a win for each side (the lean of
``Tie(A)``/``Tie(B)`` is ignored), and the default 95% interval comes from a multinomial
bootstrap of the battles. Rank is 1 + the number of models whose lower bound is above this
model's upper bound, so models whose intervals overlap share a rank; an interval open on one
side counts as open on both (:func:`~genjudge.scoring.bt_core.rank_by_intervals`).

Ratings are ``init_rating + scale * theta`` where ``P(i beats j) = 1 / (1 + base ** (theta_j -
theta_i))``; with ``scale=400, base=10`` a 400-point gap means 10:1 odds. Without an anchor the
ratings average ``init_rating``; with one, every rating (and every bootstrap replicate) is
shifted so that the anchor model sits at ``anchor_rating``.

The fitting itself — per-pair counts, likelihood, Newton steps — is the shared core in
:mod:`genjudge.scoring.bt_core`; the two interval strategies are in
:mod:`genjudge.scoring.bt_intervals`. Bootstrap replicates only change the counts, never the
design, so they are fitted many at a time, warm-started from the estimate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genjudge.scoring.battles import PreparedBattles, encode_battles
from genjudge.scoring.bt_core import (
    MIN_BATTLES,
    fit_strengths,
    is_provisional,
    pair_totals,
    rank_by_intervals,
)
from genjudge.scoring.bt_intervals import Z95, bootstrap_strengths, sandwich_errors
from genjudge.scoring.credit import BT_SCORE_A
from genjudge.scoring.vocabulary import IntervalMethod

# Replicates are solved to 1e-7 strength units (4e-5 rating points at scale 400): a thousand
# times below the bootstrap's sampling noise, and a few chord steps from the estimate.
_BOOTSTRAP_TOL = 1e-7


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
    interval: IntervalMethod | str = IntervalMethod.bootstrap,
    tol: float = 1e-10,
    progress: bool = False,
) -> pd.DataFrame:
    """Fit Bradley–Terry ratings with 95% intervals.

    Returns one row per model, sorted by rating (highest first), with columns ``model``,
    ``rating`` (the maximum-likelihood estimate), ``lower``/``upper`` (the 95% interval;
    infinite on the open side for a model that never lost or never won), ``rank``,
    ``battles`` and ``provisional`` (fewer than :data:`~genjudge.scoring.bt_core.MIN_BATTLES`
    battles or an open interval: see :func:`~genjudge.scoring.bt_core.is_provisional`).
    ``interval="bootstrap"`` (default) takes the 2.5% / 97.5% quantiles of
    ``bootstrap_rounds`` refits on battles resampled with replacement (``bootstrap_rounds=0``:
    the interval collapses to the rating and rank is 1 + the number of strictly higher-rated
    models); ``interval="sandwich"`` uses ±1.96 robust standard errors instead and ignores
    ``bootstrap_rounds``. ``tol`` is the Newton stop (largest step, in units of ``scale``):
    the estimate is then accurate far below it. ``progress`` shows a progress bar over the
    bootstrap rounds.

    The frame's ``attrs`` records the settings (``interval_method`` and ``min_battles`` among them),
    ``bootstrap_unconverged`` (replicates that hit the iteration cap) and ``unbounded_models``
    (models that never won or never lost, counting ties as half: their maximum-likelihood rating
    is infinite, so theirs only marks a direction).

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
    if interval not in set(IntervalMethod):
        raise ValueError(
            f"unknown interval method {interval!r}; expected one of {[m.value for m in IntervalMethod]}"
        )
    interval = IntervalMethod(interval)
    encoded = encode_battles(battles)
    models = encoded.models
    if anchor is not None and anchor not in set(models):
        raise ValueError(f"anchor model {anchor!r} is not in the battles; models: {sorted(models)}")
    alpha = float(np.log(base))
    pairs, index = pair_totals(encoded.a, encoded.b, BT_SCORE_A[encoded.outcome], encoded.n_models)
    theta = fit_strengths(pairs, alpha=alpha, tol=tol).theta[0]
    never_lost, never_won = pairs.open_sides()

    ratings = init_rating + scale * theta
    unconverged = 0
    rounds = bootstrap_rounds if interval is IntervalMethod.bootstrap else 0
    if rounds:
        boot_theta, unconverged = bootstrap_strengths(
            pairs,
            index,
            theta,
            rounds=rounds,
            seed=seed,
            alpha=alpha,
            tol=max(tol, _BOOTSTRAP_TOL),
            progress=progress,
        )
        boot_ratings = init_rating + scale * _align(boot_theta, theta, ~(never_lost | never_won))
    else:
        boot_ratings = ratings[None, :]
    if anchor is not None:
        anchor_position = int(np.flatnonzero(models == anchor)[0])
        ratings = ratings + (anchor_rating - ratings[anchor_position])
        boot_ratings = boot_ratings + (anchor_rating - boot_ratings[:, [anchor_position]])
    if interval is IntervalMethod.sandwich:
        # Standard errors of the centred ratings; an anchor only shifts them.
        errors = scale * sandwich_errors(pairs, theta, alpha=alpha)
        lower, upper = ratings - Z95 * errors, ratings + Z95 * errors
    elif rounds:
        lower, upper = np.percentile(boot_ratings, [2.5, 97.5], axis=0)
    else:
        lower, upper = ratings.copy(), ratings.copy()
    per_model = pairs.played().astype(np.int64)
    # A model that never won (or never lost) has no finite maximum-likelihood rating: the fit
    # only stops where the ridge holds it, so its interval is open on that side.
    upper = np.where(never_lost, np.inf, upper)
    lower = np.where(never_won, -np.inf, lower)
    rank = rank_by_intervals(lower, upper)
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
            "provisional": is_provisional(per_model, lower, upper)[order],
        }
    )
    table.attrs.update(
        min_battles=MIN_BATTLES,
        bootstrap_rounds=bootstrap_rounds,
        seed=seed,
        anchor=anchor,
        anchor_rating=anchor_rating if anchor is not None else None,
        scale=scale,
        base=base,
        init_rating=init_rating,
        interval_method=interval.value,
        bootstrap_unconverged=unconverged,
        unbounded_models=unbounded,
    )
    return table


def _align(replicates: np.ndarray, theta: np.ndarray, identified: np.ndarray) -> np.ndarray:
    """Bootstrap strengths shifted so that the models the data identify average as in the estimate.

    Strengths are only defined up to a common shift; the estimate fixes it by their mean over all
    models. A model with no finite rating lands wherever the ridge holds it, and that spot moves
    from replicate to replicate with its battle count, dragging every other model's replicate
    along: the quantiles then describe another centre than the estimate. Fixing the shift on the
    identified models (all of them when none is open) keeps each interval about its own rating.
    """
    if not identified.any() or identified.all():
        return replicates
    shift = theta[identified].mean() - replicates[:, identified].mean(axis=1, keepdims=True)
    return replicates + shift
