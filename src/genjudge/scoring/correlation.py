"""Agreement of a metric with human opinion scores: SRCC, PLCC, KRCC, with bootstrap intervals.

Two conventions exist and both are offered, named apart:

- ``plcc`` is Pearson's r on the raw predictions, as the official LMM4LMM evaluation reports it;
- ``plcc_logistic`` is Pearson's r after mapping the predictions onto the MOS scale with the
  4-parameter logistic of the VQEG/IQA literature, ``(b1 - b2) / (1 + exp(-(x - b3) / b4)) + b2``,
  fitted by least squares (``scipy.optimize.curve_fit``). SRCC and KRCC are rank statistics, so the
  monotonic mapping does not change them.

``official=True`` reproduces the official ``eval_scores.py``: the MOS goes through a bfloat16
tensor before ``scipy.stats.spearmanr`` / ``pearsonr`` / ``kendalltau`` (tau-b) on raw predictions.
bfloat16 keeps 8 significant bits, so MOS values around 50 are rounded to steps of 0.25 and many
become ties; the official numbers therefore differ slightly from the full-precision ones.

Bootstrap rounds resample rows with replacement. They are computed without re-sorting: a resample
is a vector of counts per row, and the average rank of a value in the resample is the number of
resampled rows below its tie group plus (the group's own count + 1) / 2. So one sort per variable
serves every round: ranks are integer cumulative sums of counts, the rank variances follow from
the tie-group sizes, and PLCC comes from count-weighted moments. KRCC
has no such shortcut; its intervals call ``scipy.stats.kendalltau`` once per round and are off
unless asked for.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

STATISTICS = ("srcc", "plcc", "krcc", "plcc_logistic")
"""Names of the statistics, as they appear in results and tables."""

_BLOCK_ELEMENTS = 1 << 17
"""Rounds are bootstrapped in blocks of about this many (round, row) cells: small enough to stay
in cache, which matters more here than fewer, larger array operations."""


class CorrelationError(ValueError):
    """Input for which a correlation is undefined or would be wrong; says which row/field and why."""

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None) -> None:
        self.field = field
        self.row = row
        self.reason = message
        where = []
        if field is not None:
            where.append(f"field {field!r}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass(frozen=True)
class CorrelationResult:
    """Point estimates and, when bootstrapped, percentile intervals (``{"srcc": (low, high), ...}``)."""

    n: int
    srcc: float
    plcc: float
    krcc: float
    plcc_logistic: float | None = None
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    bootstrap_rounds: int = 0
    confidence: float = 0.95
    official: bool = False
    logistic_params: tuple[float, float, float, float] | None = None

    def as_dict(self) -> dict[str, object]:
        """Plain numbers for JSON: ``{"n", "srcc", "srcc_low", "srcc_high", ...}``."""
        out: dict[str, object] = {"n": self.n}
        for name in STATISTICS:
            value = getattr(self, name)
            if value is None:
                continue
            out[name] = value
            if name in self.intervals:
                out[f"{name}_low"], out[f"{name}_high"] = self.intervals[name]
        out["bootstrap_rounds"] = self.bootstrap_rounds
        out["official"] = self.official
        return out


@dataclass(frozen=True)
class ModelLevelResult:
    """Generators ranked by the metric's mean against their ranking by mean human MOS."""

    srcc: float
    plcc: float
    table: pd.DataFrame
    """One row per generator: ``metric_mean``, ``mos_mean``, ``metric_rank``, ``mos_rank`` (1 = best)."""
    interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class AccuracyResult:
    """Share of yes/no answers that agree with the human answers."""

    accuracy: float
    n: int
    correct: int
    interval: tuple[float, float] | None = None


def to_bfloat16(values: np.ndarray | Sequence[float]) -> np.ndarray:
    """Round like ``torch.tensor(v, dtype=torch.bfloat16)`` does, returned as float64.

    Python floats reach torch's bfloat16 through float32 (c10's BFloat16 is built from a float),
    then round to nearest, ties to even, on the upper 16 bits; this does the same with numpy.
    """
    as_float32 = np.ascontiguousarray(np.asarray(values, dtype=np.float64).astype(np.float32))
    bits = as_float32.view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return rounded.astype(np.uint32).view(np.float32).astype(np.float64)


def logistic_4(x: np.ndarray, b1: float, b2: float, b3: float, b4: float) -> np.ndarray:
    """The 4-parameter logistic of the IQA literature, from ``b2`` to ``b1``; falling if ``b4 < 0``."""
    z = np.clip(-(x - b3) / b4, -500.0, 500.0)
    return (b1 - b2) / (1.0 + np.exp(z)) + b2


def fit_logistic(predictions: np.ndarray, references: np.ndarray) -> tuple[float, float, float, float]:
    """Least-squares fit of :func:`logistic_4` mapping predictions onto the MOS scale.

    Started where IQA evaluation code starts it (MOS extremes, the predictions' centre and spread),
    so the fit does not depend on the scale of the metric; the spread takes the sign of the raw
    correlation, so a metric where lower means better is fitted by a falling curve.
    """
    direction = 1.0 if stats.pearsonr(predictions, references).statistic >= 0 else -1.0
    spread = direction * (float(np.std(predictions)) or 1.0)
    start = [float(np.max(references)), float(np.min(references)), float(np.mean(predictions)), spread]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optimize.OptimizeWarning)
        try:
            params, _ = optimize.curve_fit(logistic_4, predictions, references, p0=start, maxfev=20_000)
        except RuntimeError as exc:  # no convergence
            raise CorrelationError(f"the 4-parameter logistic fit did not converge: {exc}") from exc
    return tuple(float(p) for p in params)  # type: ignore[return-value]


def validate_pair(predictions: object, references: object) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays of equal length, finite, with at least 3 rows and neither side constant."""
    pred = _finite_vector(predictions, "predictions")
    ref = _finite_vector(references, "references")
    if pred.size != ref.size:
        raise CorrelationError(
            f"{pred.size} predictions but {ref.size} references; they must pair up row by row"
        )
    if pred.size < 3:
        raise CorrelationError(f"a correlation needs at least 3 rows, got {pred.size}")
    for name, values in (("predictions", pred), ("references", ref)):
        if np.all(values == values[0]):
            raise CorrelationError(
                f"all {values.size} {name} equal {float(values[0])!r}; no correlation with a constant",
                field=name,
            )
    return pred, ref


def _finite_vector(values: object, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise CorrelationError(f"not numbers: {exc}", field=name) from exc
    if array.ndim != 1:
        raise CorrelationError(
            f"expected one number per row, got an array of shape {array.shape}", field=name
        )
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise CorrelationError(
            f"{bad.size} value(s) are NaN or infinite (first: {float(array[bad[0]])!r}); fix or drop them",
            field=name,
            row=int(bad[0]),
        )
    return array


def correlations(
    predictions: Sequence[float] | np.ndarray,
    references: Sequence[float] | np.ndarray,
    *,
    official: bool = False,
    logistic: bool = False,
    bootstrap_rounds: int = 0,
    confidence: float = 0.95,
    seed: int = 0,
    krcc_interval: bool = False,
) -> CorrelationResult:
    """SRCC, PLCC and KRCC of ``predictions`` against ``references`` (the human MOS).

    ``official`` casts the references to bfloat16 first (the LMM4LMM evaluation); ``logistic``
    adds ``plcc_logistic``. With ``bootstrap_rounds`` > 0, percentile intervals at ``confidence``
    are added for SRCC and PLCC (and KRCC with ``krcc_interval``); the logistic mapping is fitted
    once on all rows and held fixed across rounds.
    """
    pred, ref = validate_pair(predictions, references)
    if official:
        ref = to_bfloat16(ref)
        if np.all(ref == ref[0]):
            raise CorrelationError("the references are constant after the bfloat16 cast", field="references")
    srcc = float(stats.spearmanr(ref, pred).statistic)
    plcc = float(stats.pearsonr(ref, pred).statistic)
    krcc = float(stats.kendalltau(ref, pred).statistic)
    params = fit_logistic(pred, ref) if logistic else None
    mapped = logistic_4(pred, *params) if params is not None else None
    plcc_logistic = None
    if mapped is not None:
        if np.ptp(mapped) == 0:
            raise CorrelationError(
                "the fitted logistic maps every prediction to one value", field="predictions"
            )
        plcc_logistic = float(stats.pearsonr(ref, mapped).statistic)
    intervals: dict[str, tuple[float, float]] = {}
    if bootstrap_rounds > 0:
        rounds = bootstrap_statistics(
            pred, ref, rounds=bootstrap_rounds, seed=seed, mapped=mapped, krcc=krcc_interval
        )
        intervals = {name: percentile_interval(values, confidence) for name, values in rounds.items()}
    return CorrelationResult(
        n=int(pred.size),
        srcc=srcc,
        plcc=plcc,
        krcc=krcc,
        plcc_logistic=plcc_logistic,
        intervals=intervals,
        bootstrap_rounds=bootstrap_rounds,
        confidence=confidence,
        official=official,
        logistic_params=params,
    )


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """The central ``confidence`` percentile interval of the bootstrap values."""
    if not 0 < confidence < 1:
        raise CorrelationError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_counts(n: int, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """How often each of ``n`` rows is drawn in each round: a ``(rounds, n)`` int64 matrix.

    Counted round by round: one round's counts fit in cache, a whole block's scatter does not.
    """
    draws = rng.integers(0, n, size=(rounds, n))
    counts = np.empty((rounds, n), dtype=np.int64)
    for index, row in enumerate(draws):
        counts[index] = np.bincount(row, minlength=n)
    return counts


class _SortedRanks:
    """One variable's sort order and tie groups, so that every round ranks without sorting.

    ``doubled_ranks`` takes counts in this variable's sorted order and returns twice the average
    rank of each row in the resample (an integer: ``2 * below + count + 1``), plus the sum of
    cubed tie-group sizes that the rank variance needs. Integer cumulative sums are several times
    faster than floating-point ones and exact.
    """

    def __init__(self, sorted_values: np.ndarray) -> None:
        new_group = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
        self.ties = not bool(new_group.all())
        self.starts = np.flatnonzero(new_group)
        self.group = np.cumsum(new_group) - 1

    def doubled_ranks(self, sorted_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sizes = np.add.reduceat(sorted_counts, self.starts, axis=1) if self.ties else sorted_counts
        doubled = 2 * np.cumsum(sizes, axis=1) - sizes + 1
        cubes = np.einsum("ij,ij,ij->i", sizes, sizes, sizes)
        return (np.take(doubled, self.group, axis=1) if self.ties else doubled), cubes


def _spearman_rounds(
    counts: np.ndarray, pred_ranks: _SortedRanks, ref_ranks: _SortedRanks, ref_order: np.ndarray
) -> np.ndarray:
    """SRCC of each round; ``counts`` are in prediction order, ``ref_order`` sorts them by reference.

    With ``n`` rows drawn, the ranks average ``(n + 1) / 2`` and their summed squared deviation is
    ``(n^3 - sum of cubed tie-group sizes) / 12`` (ties averaged), so only the cross term needs a
    pass over the rows.
    """
    n = float(counts.shape[1])
    pred_doubled, pred_cubes = pred_ranks.doubled_ranks(counts)
    ref_counts = np.take(counts, ref_order, axis=1)  # much faster than counts[:, ref_order]
    ref_doubled, ref_cubes = ref_ranks.doubled_ranks(ref_counts)
    cross = np.einsum("ij,ij,ij->i", ref_counts, np.take(pred_doubled, ref_order, axis=1), ref_doubled)
    centre = (n + 1.0) / 2.0
    covariance = cross / 4.0 - n * centre * centre
    with np.errstate(invalid="ignore", divide="ignore"):
        return covariance / np.sqrt((n**3 - pred_cubes) * (n**3 - ref_cubes) / 144.0)


def _weighted_pearson(counts: np.ndarray, sums_of: np.ndarray, n: int) -> np.ndarray:
    """Pearson's r of each round from ``sums_of`` = rows ``x, y, x*x, y*y, x*y`` (shape ``(5, n)``)."""
    x, y, xx, yy, xy = (sums_of @ counts.T.astype(np.float64)) / n
    with np.errstate(invalid="ignore", divide="ignore"):
        return (xy - x * y) / np.sqrt((xx - x * x) * (yy - y * y))


def _moment_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    # Centring first keeps the one-pass variance formula accurate.
    x = x - x.mean()
    y = y - y.mean()
    return np.stack([x, y, x * x, y * y, x * y])


def bootstrap_statistics(
    predictions: np.ndarray,
    references: np.ndarray,
    *,
    rounds: int,
    seed: int = 0,
    mapped: np.ndarray | None = None,
    krcc: bool = False,
) -> dict[str, np.ndarray]:
    """Each statistic once per bootstrap round (rounds whose resample is constant are dropped).

    Rows are put in prediction order once, so the prediction ranks of a round are a cumulative
    sum of its counts; the reference ranks need one gather into reference order. Rounds are drawn
    from ``numpy.random.default_rng(seed)``, so the result depends on the seed only.
    """
    n = predictions.size
    rng = np.random.default_rng(seed)
    frame = np.argsort(predictions, kind="stable")
    pred, ref = predictions[frame], references[frame]
    ref_order = np.argsort(ref, kind="stable")
    pred_ranks = _SortedRanks(pred)
    ref_ranks = _SortedRanks(ref[ref_order])
    raw = _moment_rows(pred, ref)
    logistic = None if mapped is None else _moment_rows(mapped[frame], ref)
    out: dict[str, list[np.ndarray]] = {"srcc": [], "plcc": []}
    if logistic is not None:
        out["plcc_logistic"] = []
    if krcc:
        out["krcc"] = []
    for size in _blocks(rounds, n):
        counts = bootstrap_counts(n, size, rng)
        out["srcc"].append(_spearman_rounds(counts, pred_ranks, ref_ranks, ref_order))
        out["plcc"].append(_weighted_pearson(counts, raw, n))
        if logistic is not None:
            out["plcc_logistic"].append(_weighted_pearson(counts, logistic, n))
        if krcc:
            out["krcc"].append(_kendall_rounds(counts, pred, ref))
    result = {}
    for name, parts in out.items():
        values = np.concatenate(parts)
        values = values[np.isfinite(values)]
        if values.size == 0:
            raise CorrelationError(f"{name} is undefined in every bootstrap round (too few distinct values)")
        result[name] = np.clip(values, -1.0, 1.0)  # rounding can overshoot by a few ulps
    return result


def _kendall_rounds(counts: np.ndarray, predictions: np.ndarray, references: np.ndarray) -> np.ndarray:
    values = np.empty(counts.shape[0])
    for index, row in enumerate(counts):
        take = np.repeat(np.arange(row.size), row)
        values[index] = stats.kendalltau(references[take], predictions[take]).statistic
    return values


def grouped_correlations(
    predictions: Sequence[float] | np.ndarray,
    references: Sequence[float] | np.ndarray,
    groups: Sequence[str],
    *,
    official: bool = False,
    logistic: bool = False,
    bootstrap_rounds: int = 0,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, CorrelationResult]:
    """:func:`correlations` within each group (e.g. generator or task tag), groups in sorted order.

    A group where a correlation is undefined (fewer than 3 rows, constant scores) raises
    :class:`CorrelationError` naming the group.
    """
    pred, ref = validate_pair(predictions, references)
    keys = np.asarray(list(groups), dtype=object)
    if keys.size != pred.size:
        raise CorrelationError(f"{keys.size} group labels for {pred.size} rows", field="groups")
    results = {}
    for key in sorted(set(keys.tolist()), key=str):
        rows = keys == key
        try:
            results[str(key)] = correlations(
                pred[rows],
                ref[rows],
                official=official,
                logistic=logistic,
                bootstrap_rounds=bootstrap_rounds,
                confidence=confidence,
                seed=seed,
            )
        except CorrelationError as exc:
            raise CorrelationError(f"in group {key!r}: {exc}", field=exc.field) from exc
    return results


def model_level(
    predictions: Sequence[float] | np.ndarray,
    references: Sequence[float] | np.ndarray,
    generators: Sequence[str],
    *,
    bootstrap_rounds: int = 0,
    confidence: float = 0.95,
    seed: int = 0,
    higher_is_better: bool = True,
) -> ModelLevelResult:
    """Rank generators by the mean prediction over their images and by the mean human MOS.

    ``srcc`` is Spearman's correlation of the two rankings (``plcc`` that of the means). With
    ``bootstrap_rounds``, images are resampled and both means recomputed per round. Set
    ``higher_is_better=False`` for a metric where lower predictions mean better images.
    """
    pred, ref = validate_pair(predictions, references)
    labels = np.asarray(list(generators), dtype=object)
    if labels.size != pred.size:
        raise CorrelationError(f"{labels.size} generator labels for {pred.size} rows", field="generators")
    names, index = np.unique(labels.astype(str), return_inverse=True)
    if names.size < 3:
        raise CorrelationError(
            f"ranking generators needs at least 3 of them, got {names.size}", field="generators"
        )
    sizes = np.bincount(index)
    metric_mean = np.bincount(index, weights=pred) / sizes
    mos_mean = np.bincount(index, weights=ref) / sizes
    signed = metric_mean if higher_is_better else -metric_mean
    for name, means in (("predictions", signed), ("references", mos_mean)):
        if np.all(means == means[0]):
            raise CorrelationError(
                f"every generator has the same mean {name}; ranking is undefined", field=name
            )
    table = pd.DataFrame(
        {
            "generator": names,
            "images": sizes,
            "metric_mean": metric_mean,
            "mos_mean": mos_mean,
            "metric_rank": stats.rankdata(-signed, method="min").astype(int),
            "mos_rank": stats.rankdata(-mos_mean, method="min").astype(int),
        }
    ).sort_values(["mos_rank", "generator"], ignore_index=True)
    srcc = float(stats.spearmanr(signed, mos_mean).statistic)
    plcc = float(stats.pearsonr(signed, mos_mean).statistic)
    interval = None
    if bootstrap_rounds > 0:
        interval = percentile_interval(
            _model_level_rounds(
                pred if higher_is_better else -pred, ref, index, names.size, bootstrap_rounds, seed
            ),
            confidence,
        )
    return ModelLevelResult(srcc=srcc, plcc=plcc, table=table, interval=interval)


def _model_level_rounds(
    row_pred: np.ndarray, ref: np.ndarray, index: np.ndarray, groups: int, rounds: int, seed: int
) -> np.ndarray:
    """Spearman's r of the two generator rankings in each round of resampled images."""
    rng = np.random.default_rng(seed)
    one_hot = np.zeros((index.size, groups))
    one_hot[np.arange(index.size), index] = 1.0
    pred_columns = one_hot * row_pred[:, None]
    ref_columns = one_hot * ref[:, None]
    values = []
    for size in _blocks(rounds, index.size):
        counts = bootstrap_counts(index.size, size, rng).astype(np.float64)
        images = counts @ one_hot
        with np.errstate(invalid="ignore", divide="ignore"):
            metric = (counts @ pred_columns) / images
            mos = (counts @ ref_columns) / images
        values.append(_row_pearson(stats.rankdata(metric, axis=1), stats.rankdata(mos, axis=1)))
    result = np.concatenate(values)
    return result[np.isfinite(result)]


def _row_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (xc * yc).sum(axis=1) / np.sqrt((xc**2).sum(axis=1) * (yc**2).sum(axis=1))


def parse_yes_no(value: object, *, official: bool = False) -> bool | None:
    """A yes/no answer as a bool: bools, 0/1, or text.

    Text is read as the official ``eval_qa.py`` does when ``official``: ``yes`` anywhere in it
    means yes, else ``no`` anywhere means no (so "not sure" counts as no). Otherwise the text,
    stripped of case, spaces and a final full stop, must be exactly ``yes`` or ``no``.
    Returns ``None`` when the value is neither.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and math.isfinite(value)):
        return {0: False, 1: True}.get(int(value)) if float(value) in (0.0, 1.0) else None
    if isinstance(value, str):
        text = value.strip().lower()
        if official:
            return True if "yes" in text else (False if "no" in text else None)
        text = text.rstrip(".").strip()
        return {"yes": True, "no": False}.get(text)
    return None


def qa_accuracy(
    predicted: Sequence[object],
    answers: Sequence[object],
    *,
    official: bool = False,
    bootstrap_rounds: int = 0,
    confidence: float = 0.95,
    seed: int = 0,
) -> AccuracyResult:
    """Share of predicted yes/no answers equal to the human ones (see :func:`parse_yes_no`).

    A predicted answer that is neither yes nor no raises, naming its row, unless ``official``:
    then, as in ``eval_qa.py``, it counts as right only if its text occurs in the human answer
    written ``Yes``/``No`` (so an empty answer counts as right there; reproduced, not endorsed).
    """
    if len(predicted) != len(answers):
        raise CorrelationError(f"{len(predicted)} predicted answers but {len(answers)} human answers")
    if len(predicted) == 0:
        raise CorrelationError("no answers to score")
    truth = np.empty(len(answers), dtype=bool)
    for row, value in enumerate(answers):
        parsed = parse_yes_no(value)
        if parsed is None:
            raise CorrelationError(f"human answer {value!r} is neither yes nor no", field="answers", row=row)
        truth[row] = parsed
    right = np.empty(len(predicted), dtype=bool)
    for row, value in enumerate(predicted):
        parsed = parse_yes_no(value, official=official)
        if parsed is None and not official:
            raise CorrelationError(
                f"predicted answer {value!r} is neither yes nor no", field="predicted", row=row
            )
        if parsed is None:
            right[row] = str(value) in ("Yes" if truth[row] else "No")
        else:
            right[row] = parsed == truth[row]
    interval = None
    if bootstrap_rounds > 0:
        rng = np.random.default_rng(seed)
        shares = [
            bootstrap_counts(right.size, rounds, rng) @ right.astype(np.int64) / right.size
            for rounds in _blocks(bootstrap_rounds, right.size)
        ]
        interval = percentile_interval(np.concatenate(shares), confidence)
    return AccuracyResult(
        accuracy=float(right.mean()), n=int(right.size), correct=int(right.sum()), interval=interval
    )


def _blocks(rounds: int, n: int) -> list[int]:
    block = max(1, _BLOCK_ELEMENTS // max(n, 1))
    return [min(block, rounds - start) for start in range(0, rounds, block)]
