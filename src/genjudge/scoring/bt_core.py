"""The Bradley–Terry core: per-pair counts, the likelihood, its derivatives and one Newton solver.

Everything that fits Bradley–Terry ratings in genjudge goes through here: the arena fit
(:func:`genjudge.scoring.bradley_terry.fit_bradley_terry`), its bootstrap replicates, and the
board's incremental re-rating (:class:`genjudge.scoring.incremental.BoardState`). The two
interval strategies (bootstrap and sandwich, :mod:`genjudge.scoring.bt_intervals`) use the same
functions, so a point estimate never depends on which path computed it.

Model ``i`` has strength ``theta_i``; ``P(i beats j) = expit(alpha * (theta_i - theta_j))`` with
``alpha = ln(base)``, and a tie is half a win for each side (FastChat's convention). Summed
over the battles, the log-likelihood only depends on each unordered model pair's battle count
``N`` and the lower-indexed model's score total ``S`` (wins + ties/2)::

    log L = sum over pairs of  S * log σ(d) + (N - S) * log σ(-d),   d = alpha * (theta_low - theta_high)

which is FastChat's sum over unique (pair, outcome) rows, regrouped. :class:`PairTotals` holds
those per-pair sums (plus the sum of squared scores, which the sandwich interval needs).

:func:`newton_fit` maximises the likelihood for a stack of count vectors at once (one row per
bootstrap replicate, or a single row): exact Newton steps with the dense Hessian, a backtracking
line search, and a stop when the largest step is below ``tol`` — because Newton converges
quadratically, the estimate is then accurate far below ``tol``, and a warm start reaches the same
optimum as a cold one. Everything works in per-battle units (counts divided by the total), so
``tol`` means the same on a board of ten battles as on one of a million.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit, log_expit

_RIDGE = 1e-9
_GRADIENT_FLOOR = 1e-13
UNBOUNDED_RIDGE = 1e-6
"""Per-battle ridge of :func:`fit_strengths` when some strength has no finite maximum."""
_MAX_ITERATIONS = 100
_BACKTRACKS = 30


@dataclass(frozen=True)
class PairTotals:
    """Bradley–Terry sufficient statistics per unordered model pair (``low < high`` indices).

    ``count`` is the pair's number of battles, ``score_sum`` the low model's score total (a win
    1, a tie 0.5) and ``score_sq`` the sum of its squared per-battle scores. Pairs are sorted by
    ``(low, high)`` and unique.
    """

    n_models: int
    low: np.ndarray
    high: np.ndarray
    count: np.ndarray
    score_sum: np.ndarray
    score_sq: np.ndarray

    @property
    def n_battles(self) -> float:
        return float(self.count.sum())

    def incidence(self) -> sparse.csr_array:
        """``(pairs, models)`` matrix with +1 at the low model and -1 at the high model of each pair."""
        rows = np.repeat(np.arange(len(self.low)), 2)
        columns = np.stack([self.low, self.high], axis=1).ravel()
        signs = np.tile([1.0, -1.0], len(self.low))
        return sparse.csr_array((signs, (rows, columns)), shape=(len(self.low), self.n_models))

    def played(self) -> np.ndarray:
        """Battles per model."""
        return np.bincount(self.low, self.count, self.n_models) + np.bincount(
            self.high, self.count, self.n_models
        )

    def points(self) -> np.ndarray:
        """Score total per model (wins + ties/2)."""
        return np.bincount(self.low, self.score_sum, self.n_models) + np.bincount(
            self.high, self.count - self.score_sum, self.n_models
        )

    def open_sides(self) -> tuple[np.ndarray, np.ndarray]:
        """(never lost, never won) per model, ties counting half.

        Such a model has no finite maximum-likelihood rating: the fit only stops where the
        likelihood gets flat, so its interval is open on that side.
        """
        played, points = self.played(), self.points()
        return (played > 0) & np.isclose(points, played), (played > 0) & np.isclose(points, 0.0)


@dataclass(frozen=True)
class PairIndex:
    """Where each battle falls among the pairs of a :class:`PairTotals`.

    ``pair[i]`` is battle ``i``'s pair and ``score_code[i]`` its low model's score doubled
    (0 = loss, 1 = tie, 2 = win): what a bootstrap resamples.
    """

    pair: np.ndarray
    score_code: np.ndarray


def pair_totals(
    a: np.ndarray, b: np.ndarray, score_a: np.ndarray, n_models: int
) -> tuple[PairTotals, PairIndex]:
    """Per-pair sums of battles ``a[i]`` vs ``b[i]`` where side A scored ``score_a[i]`` (1, ½ or 0)."""
    swap = a > b
    low, high = np.where(swap, b, a), np.where(swap, a, b)
    score = np.where(swap, 1.0 - score_a, score_a)
    keys, pair = np.unique(low * n_models + high, return_inverse=True)
    pair = pair.reshape(-1)
    totals = PairTotals(
        n_models=n_models,
        low=keys // n_models,
        high=keys % n_models,
        count=np.bincount(pair, minlength=len(keys)).astype(np.float64),
        score_sum=np.bincount(pair, score, len(keys)),
        score_sq=np.bincount(pair, score**2, len(keys)),
    )
    return totals, PairIndex(pair=pair, score_code=np.rint(score * 2).astype(np.int64))


def laplacian(n_models: int, low: np.ndarray, high: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Σ weight · (e_low − e_high)(e_low − e_high)ᵀ, for each row of ``weight`` (shape (R, pairs)).

    The Hessian of the negative log-likelihood and the sandwich's middle term both have this form.
    """
    rows = weight.shape[0]
    matrix = np.zeros((rows, n_models, n_models))
    matrix[:, low, high] = -weight
    matrix[:, high, low] = -weight
    diagonal = np.arange(n_models)
    matrix[:, diagonal, diagonal] = -matrix.sum(axis=2)
    return matrix


def negative_log_likelihood(diff: np.ndarray, count: np.ndarray, score_sum: np.ndarray) -> np.ndarray:
    """−log L per row, from ``diff = alpha * (theta_low − theta_high)`` per pair (rows = replicates)."""
    log_win = log_expit(diff)
    # log σ(−d) = log σ(d) − d, so one log_expit serves both sides.
    return -(count * log_win - (count - score_sum) * diff).sum(axis=1)


@dataclass(frozen=True)
class NewtonResult:
    """``theta`` (rows, models), centred per row; iterations run; rows that hit the iteration cap;
    ``flat``: per row, whether it stopped on a flat likelihood instead of a small step (no finite
    optimum), or ``None`` where no row did."""

    theta: np.ndarray
    iterations: int
    unconverged: int
    flat: np.ndarray | None = None

    @property
    def unbounded(self) -> int:
        """How many rows have no finite optimum."""
        return 0 if self.flat is None else int(self.flat.sum())


def newton_fit(
    pairs: PairTotals,
    theta0: np.ndarray,
    count: np.ndarray,
    score_sum: np.ndarray,
    *,
    alpha: float,
    tol: float,
    incidence: sparse.csr_array | None = None,
    ridge: float = 0.0,
) -> NewtonResult:
    """Maximum-likelihood strengths for each row of ``count``/``score_sum`` (shape (rows, pairs)).

    ``count`` and ``score_sum`` are per-pair totals in per-battle units (divided by the total
    number of battles); ``theta0`` (rows, models) is the start. A row stops once its largest
    Newton step is below ``tol``, or its gradient is at rounding level (a model that never lost
    has no finite optimum: its strength then only marks a direction, and where it stops
    depends on the start). ``ridge`` adds ``ridge/2 · |theta|²`` to the loss, which gives every
    row a unique optimum.
    """
    incidence = pairs.incidence() if incidence is None else incidence
    n = pairs.n_models
    low, high = pairs.low, pairs.high
    theta = np.array(theta0, dtype=np.float64, copy=True)
    theta -= theta.mean(axis=1, keepdims=True)
    # The likelihood does not change when every strength shifts by the same amount; the all-ones
    # term fixes that direction (steps keep the mean at zero). The small ridge keeps the solve
    # defined when a resample leaves the comparison graph disconnected (those shifts have zero
    # gradient, so they get a zero step); it only damps steps, never moves the optimum.
    gauge = np.ones((n, n)) / n + (_RIDGE + ridge) * np.eye(n)

    def objective(diff: np.ndarray, th: np.ndarray, w: np.ndarray, s: np.ndarray) -> np.ndarray:
        return negative_log_likelihood(diff, w, s) + 0.5 * ridge * (th**2).sum(axis=1)

    loss = objective(alpha * (theta[:, low] - theta[:, high]), theta, count, score_sum)
    active = np.ones(len(theta), dtype=bool)
    flat_rows = np.zeros(len(theta), dtype=bool)
    iterations = 0
    while active.any() and iterations < _MAX_ITERATIONS:
        iterations += 1
        rows = np.flatnonzero(active)
        th, w, s = theta[rows], count[rows], score_sum[rows]
        p = expit(alpha * (th[:, low] - th[:, high]))
        grad = (incidence.T @ (alpha * (w * p - s)).T).T + ridge * th
        hessian = laplacian(n, low, high, alpha**2 * w * p * (1.0 - p)) + gauge
        step = np.linalg.solve(hessian, -grad[..., None])[..., 0]
        small = np.abs(step).max(axis=1) < tol
        flat = np.abs(grad).max(axis=1) < _GRADIENT_FLOOR
        # Backtracking keeps a row whose likelihood is flat in some direction from overshooting.
        size = np.ones(len(rows))
        for _ in range(_BACKTRACKS):
            candidate = th + size[:, None] * step
            new_loss = objective(alpha * (candidate[:, low] - candidate[:, high]), candidate, w, s)
            worse = new_loss > loss[rows] + 1e-15 * np.abs(loss[rows])
            if not worse.any():
                break
            size[worse] *= 0.5
        keep = ~worse
        theta[rows[keep]] = candidate[keep]
        loss[rows[keep]] = new_loss[keep]
        flat_rows[rows[flat & ~small]] = True
        active[rows[small | flat | worse]] = False
    theta -= theta.mean(axis=1, keepdims=True)
    return NewtonResult(theta=theta, iterations=iterations, unconverged=int(active.sum()), flat=flat_rows)


def chord_fit(
    pairs: PairTotals,
    theta_hat: np.ndarray,
    count: np.ndarray,
    score_sum: np.ndarray,
    *,
    alpha: float,
    tol: float,
    incidence: sparse.csr_array | None = None,
    ridge: float = 0.0,
) -> NewtonResult:
    """:func:`newton_fit` for rows that are small perturbations of the data fitted at ``theta_hat``.

    Bootstrap replicates are: their optimum lies close to the estimate and their Hessians close
    to its Hessian. So every row takes Newton steps with the Hessian held at ``theta_hat``
    (the chord method: one inverse for all rows, each step a matrix product instead of a solve);
    the steps still converge to each row's own optimum, only linearly instead of quadratically.
    A row whose steps do not shrink at least twofold each time (a resample that left a model
    without a loss, say) is refitted by :func:`newton_fit` instead. ``ridge`` is
    :func:`newton_fit`'s: the same penalty for every row.
    """
    incidence = pairs.incidence() if incidence is None else incidence
    n = pairs.n_models
    low, high = pairs.low, pairs.high
    scale = max(pairs.n_battles, 1.0)
    p = expit(alpha * (theta_hat[low] - theta_hat[high]))
    curvature = alpha**2 * pairs.count / scale * p * (1.0 - p)
    inverse = np.linalg.inv(
        laplacian(n, low, high, curvature[None, :])[0] + np.ones((n, n)) / n + (_RIDGE + ridge) * np.eye(n)
    )
    rows = len(count)
    # Columns are replicates: each pair's numbers sit together, so the two sparse products
    # (strengths -> pair differences, pair residuals -> model gradients) stream through memory.
    theta = np.tile((theta_hat - theta_hat.mean())[:, None], (1, rows))
    count_t, score_t = np.ascontiguousarray(count.T), np.ascontiguousarray(score_sum.T)
    incidence_t = incidence.T.tocsr()
    active = np.ones(rows, dtype=bool)
    fallback = np.zeros(rows, dtype=bool)
    previous = np.full(rows, np.inf)
    iterations = 0
    while active.any() and iterations < _MAX_ITERATIONS:
        iterations += 1
        residual = incidence @ theta
        residual *= alpha
        expit(residual, out=residual)
        residual *= count_t
        residual -= score_t
        gradient = incidence_t @ residual
        if ridge:
            gradient += (ridge / alpha) * theta
        step = inverse @ gradient
        step *= -alpha
        size = np.abs(step).max(axis=0)
        # Converged columns keep stepping (it only refines them); columns whose steps stopped
        # shrinking are set aside for the full Newton solver.
        stalled = active & np.isfinite(previous) & ~(size <= 0.5 * previous)
        stalled |= ~np.isfinite(size)
        fallback |= stalled
        step[:, fallback] = 0.0
        theta += step
        previous = size
        active &= ~fallback & (size >= tol)
    theta = np.ascontiguousarray(theta.T)
    fallback |= active
    unconverged = 0
    flat = np.zeros(rows, dtype=bool)
    if fallback.any():
        refit = newton_fit(
            pairs,
            np.tile(theta_hat, (int(fallback.sum()), 1)),
            count[fallback],
            score_sum[fallback],
            alpha=alpha,
            tol=tol,
            incidence=incidence,
            ridge=ridge,
        )
        theta[fallback] = refit.theta
        iterations += refit.iterations
        unconverged = refit.unconverged
        if refit.flat is not None:
            flat[fallback] = refit.flat
    theta -= theta.mean(axis=1, keepdims=True)
    return NewtonResult(theta=theta, iterations=iterations, unconverged=unconverged, flat=flat)


def open_rows(pairs: PairTotals, count: np.ndarray, score_sum: np.ndarray) -> np.ndarray:
    """Per row of ``count``/``score_sum`` (shape (rows, pairs)): does some model that played in it
    never lose or never win (ties counting half)? Such a row has no finite maximum-likelihood
    strengths (:meth:`PairTotals.open_sides` for the data itself)."""
    shape = (len(pairs.low), pairs.n_models)
    positions = np.arange(len(pairs.low))
    at_low = sparse.csr_array((np.ones(len(pairs.low)), (positions, pairs.low)), shape=shape)
    at_high = sparse.csr_array((np.ones(len(pairs.low)), (positions, pairs.high)), shape=shape)
    played = (at_low.T @ count.T + at_high.T @ count.T).T
    points = (at_low.T @ score_sum.T + at_high.T @ (count - score_sum).T).T
    rounding = 1e-9 * played
    never_lost = np.abs(played - points) <= rounding
    never_won = points <= rounding
    return ((played > 0) & (never_lost | never_won)).any(axis=1)


def fit_strengths(
    pairs: PairTotals, *, alpha: float, tol: float, theta0: np.ndarray | None = None
) -> NewtonResult:
    """The maximum-likelihood strengths of one set of pair totals (a single-row :func:`newton_fit`).

    Where the likelihood has no finite maximum (a model, or a group, that never lost or never
    won), the plain fit would stop wherever the likelihood gets flat, which depends on the start
    (a warm-started board would differ from a cold one). Then the fit is redone with a small
    ridge (:data:`UNBOUNDED_RIDGE`), whose optimum is unique: the open models sit far out in
    their direction, and the others move by far less than their intervals.
    """
    scale = max(pairs.n_battles, 1.0)
    start = np.zeros(pairs.n_models) if theta0 is None else theta0
    arguments = (pairs, start[None, :], pairs.count[None, :] / scale, pairs.score_sum[None, :] / scale)
    fitted = newton_fit(*arguments, alpha=alpha, tol=tol)
    never_lost, never_won = pairs.open_sides()
    if fitted.unbounded or never_lost.any() or never_won.any():
        fitted = newton_fit(*arguments, alpha=alpha, tol=tol, ridge=UNBOUNDED_RIDGE)
    return fitted


MIN_BATTLES = 30
"""Below this many battles a model's row is provisional.

With fewer than 30 battles the 95% interval of a win rate is wider than ±18 points (1.96 ·
√(¼/30)), and intervals built on a normal approximation (the sandwich) or on resampling so
few battles cover less than they claim: the numbers are shown, but marked as resting on
little data. The rank does not change: it follows the interval, which is already wide."""


PROVISIONAL_RULE = (
    f"fewer than {MIN_BATTLES} battles, or a 95% interval open on one side (never lost or never won): "
    "numbers resting on little data"
)
"""When a row is provisional, in words (for captions and cards)."""


def is_provisional(battles: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Rows resting on little data: fewer than :data:`MIN_BATTLES` battles, or an interval open on
    one side (a model that never lost or never won, whose rating only marks a direction)."""
    battles = np.asarray(battles)
    return (battles < MIN_BATTLES) | ~np.isfinite(lower) | ~np.isfinite(upper)


def rank_by_intervals(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """1 + the number of models whose lower bound is above this model's upper bound (FastChat's rule).

    Models whose intervals overlap share a rank, so ranks can repeat (1, 1, 3). An interval open
    on one side belongs to a model that never lost (or never won): its closed side is only where
    the fit stopped, not evidence, so for ranking it counts as open on both sides. Such a model
    neither outranks nor is outranked by anyone: after one won battle it shares rank 1 instead
    of pushing every other model down.
    """
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    unbounded = ~np.isfinite(lower) | ~np.isfinite(upper)
    lower = np.where(unbounded, -np.inf, lower)
    upper = np.where(unbounded, np.inf, upper)
    above = len(lower) - np.searchsorted(np.sort(lower), upper, side="right")
    return 1 + above
