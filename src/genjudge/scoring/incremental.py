"""Running board statistics, so adding a model costs in proportion to its new battles.

A board of 1,000 models rests on about a million battles. Re-reading and re-counting all of them
for every submission would make each new model cost as much as the whole board, so the worker
keeps sufficient statistics instead and folds each job's new battles into them:

* **win rates**: per model, the credit earned and the battles counted under each OpenING variant
  (the credit tables of :mod:`genjudge.scoring.credit`, the same as
  :func:`genjudge.scoring.winrate.win_rates`); adding battles is a couple of ``np.add.at``
  calls, reading the rates is O(models);
* **Bradley–Terry**: per (model pair) battle counts and score sums, the
  :class:`~genjudge.scoring.bt_core.PairTotals` that the arena fit builds too; the refit is the
  same Newton solver (:func:`~genjudge.scoring.bt_core.fit_strengths`), started from the
  previous board's ratings (new models at the mean), so it needs a few steps instead of a cold
  start's dozen, and lands on the same optimum;
* **95% intervals**: sandwich standard errors at the fit
  (:func:`~genjudge.scoring.bt_intervals.sandwich_errors`, one n×n inverse) — a bootstrap would
  refit the whole board a thousand times per submission. Rank is 1 + the number of models whose
  interval lies entirely above, as in the arena scoring.

Everything here is pure computation on arrays: no files, no judge.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

from genjudge.core.verdicts import OUTCOME_CODES
from genjudge.scoring.bt_core import PairTotals, fit_strengths, rank_by_intervals
from genjudge.scoring.bt_intervals import Z95, sandwich_errors
from genjudge.scoring.credit import BT_SCORE_A, COUNTED, CREDIT, SEEN_BY_B, VARIANTS
from genjudge.scoring.rating_columns import RATING_COLUMNS

INIT_RATING, SCALE, ALPHA = 1000.0, 400.0, float(np.log(10.0))
# The variants the board shows, as columns of the credit tables: fdt, with tie (ties earn 0), without tie.
_BOARD_VARIANTS = [VARIANTS.index(variant) for variant in ("fdt", "with_tie_0", "without_tie")]
_FDT = VARIANTS.index("fdt")
_MAX_MODELS = 1 << 21  # model indices are packed into int64 keys: low * _MAX_MODELS + high


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
            outcome = np.fromiter((OUTCOME_CODES[w] for w in winner), np.int64, len(winner))
        except KeyError as exc:
            raise ValueError(
                f"unknown verdict {exc.args[0]!r}; expected one of {list(OUTCOME_CODES)}"
            ) from exc
        seen_by_b = SEEN_BY_B[outcome]
        np.add.at(self.credit, a, CREDIT[outcome][:, _BOARD_VARIANTS])
        np.add.at(self.credit, b, CREDIT[seen_by_b][:, _BOARD_VARIANTS])
        np.add.at(self.counted, a, COUNTED[outcome][:, _BOARD_VARIANTS])
        np.add.at(self.counted, b, COUNTED[seen_by_b][:, _BOARD_VARIANTS])
        np.add.at(self.battles, a, 1)
        np.add.at(self.battles, b, 1)
        self.n_battles += len(a)

        swap = a > b
        low, high = np.where(swap, b, a), np.where(swap, a, b)
        score = np.where(swap, 1.0 - BT_SCORE_A[outcome], BT_SCORE_A[outcome])
        credit_low = np.where(swap, CREDIT[seen_by_b, _FDT], CREDIT[outcome, _FDT])
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

    def pair_totals(self) -> PairTotals:
        """The board's Bradley–Terry sufficient statistics (the arena fit's input type)."""
        low, high = np.divmod(self._pairs.keys, _MAX_MODELS)
        values = self._pairs.values
        return PairTotals(
            n_models=len(self.models),
            low=low,
            high=high,
            count=values[:, 1],
            score_sum=values[:, 2],
            score_sq=values[:, 3],
        )

    def fit(self, warm_start: dict[str, float] | None = None, tol: float = 1e-10) -> tuple[pd.DataFrame, int]:
        """BT ratings with 95% sandwich intervals and ranks for every model; also the Newton steps taken.

        ``warm_start`` maps model → rating (the previous board); models not in it start at the
        mean. Warm or cold, the fit stops at the same optimum (Newton steps below ``tol``, in
        units of 400 rating points), so a warm start only saves steps.
        """
        n = len(self.models)
        pairs = self.pair_totals()
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
        result = fit_strengths(pairs, alpha=ALPHA, tol=tol, theta0=theta0)
        theta = result.theta[0]
        fitted = time.perf_counter()
        stderr = sandwich_errors(pairs, theta, alpha=ALPHA)
        self.last_timings = {"bt_fit": fitted - started, "intervals": time.perf_counter() - fitted}
        rating = INIT_RATING + SCALE * theta
        lower = rating - Z95 * SCALE * stderr
        upper = rating + Z95 * SCALE * stderr
        never_lost, never_won = pairs.open_sides()
        upper[never_lost] = np.inf
        lower[never_won] = -np.inf
        frame = self.win_rates()
        frame["rating"], frame["rating_lower"], frame["rating_upper"] = rating, lower, upper
        frame["rank"] = rank_by_intervals(lower, upper)
        return frame[list(RATING_COLUMNS)], result.iterations


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
