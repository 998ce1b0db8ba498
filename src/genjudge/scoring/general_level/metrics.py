"""Normalising General-Level metrics to a 0–100, higher-is-better scale.

Two rule sets live here. The *official* one reproduces ``utils/special_metrix.py`` and its call
in ``ranker.py`` of path2generalist/General-Level: a metric name is special only when its
``.upper()`` equals a key of the table exactly, zero/NaN/inf become 0 before the mapping, and WER
is mapped with ``1 - x`` although the sheet stores it in percent. The *corrected* one (genjudge's
default) matches metric names after dropping parenthesised glosses, spacing and case, maps WER in
percent, gives a perfect 0 of a lower-is-better metric the full 100, and clips to [0, 100].

Every function is vectorised over numpy arrays: one metric *kind* code and one temperature per task.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

IDENTITY, LOWER_IS_BETTER, PSNR, WER, MS_SSIM, MOS = range(6)

TEMPERATURES = {
    "MAE": 50.0,
    "RMS": 50.0,
    "MSE": 5.0,
    "RMSE": 5.0,
    "ABSREL": 0.1,
    "EPE": 1.0,
    "FID": 25.0,
    "FVD": 100.0,
    "FAD": 10.0,
    "SAD": 10.0,
    "RTE": 0.5,
    "CD": 1.0,
    "MCD": 5.0,
}
"""Lower-is-better metrics and their T in ``100 * (2 * sigmoid(T / x) - 1)``."""

_SPECIAL_KINDS = {"PSNR": PSNR, "WER": WER, "MS-SSIM": MS_SSIM, "MOS": MOS} | {
    name: LOWER_IS_BETTER for name in TEMPERATURES
}
OFFICIAL_SPECIAL = frozenset(_SPECIAL_KINDS)
"""The 17 names the official code normalises; every other name is taken as already 0–100."""

MAY_BE_NEGATIVE = frozenset({"MS-SSIM", "PCC", "SRCC", "PLCC", "KRCC"})
"""Metrics whose raw value can legitimately be below zero (correlations, MS-SSIM in [-1, 1])."""

_GLOSS = re.compile(r"\([^)]*\)")


def metric_key(name: str) -> str:
    """The name genjudge matches a metric by: parenthesised glosses, spacing and case dropped.

    >>> metric_key("CD (Chamfer Distance)"), metric_key("RTE ( Relative Translation Error)")
    ('CD', 'RTE')
    >>> metric_key("  Rouge-L   f ")
    'ROUGE-L F'
    """
    text = _GLOSS.sub(" ", unicodedata.normalize("NFKC", str(name)))
    return " ".join(text.upper().split())


def official_kind(name: object) -> tuple[int, float]:
    """Kind and temperature under the official rule: exact match of ``name.upper()``."""
    key = name.upper() if isinstance(name, str) else None
    kind = _SPECIAL_KINDS.get(key, IDENTITY)
    return kind, TEMPERATURES.get(key, np.nan)


def corrected_kind(name: str) -> tuple[int, float]:
    """Kind and temperature under genjudge's rule: match after :func:`metric_key`."""
    key = metric_key(name)
    return _SPECIAL_KINDS.get(key, IDENTITY), TEMPERATURES.get(key, np.nan)


def lower_is_better(kinds: np.ndarray) -> np.ndarray:
    """Which tasks' raw values improve downwards (errors and distances, WER)."""
    return (kinds == LOWER_IS_BETTER) | (kinds == WER)


def _mapped(values: np.ndarray, kinds: np.ndarray, temperatures: np.ndarray, *, wer_in_percent: bool):
    """The per-kind formulas, applied where each kind holds (values broadcast over leading axes)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sigmoid_form = (2.0 * (1.0 / (1.0 + np.exp(-(temperatures / values)))) - 1.0) * 100.0
        psnr_form = np.tanh((1.0 / 20.0) * values) * 100.0
        wer_form = (100.0 - values) if wer_in_percent else (1.0 - values) * 100.0
        ms_ssim_form = (values + 1.0) / 2.0 * 100.0
        mos_form = (values - 1.0) / 4.0 * 100.0
    return np.select(
        [kinds == LOWER_IS_BETTER, kinds == PSNR, kinds == WER, kinds == MS_SSIM, kinds == MOS],
        [sigmoid_form, psnr_form, wer_form, ms_ssim_form, mos_form],
        values,
    )


def normalise_official(values: np.ndarray, kinds: np.ndarray, temperatures: np.ndarray) -> np.ndarray:
    """``ranker.normalize_special_metrics`` on arrays: special metrics with a missing, infinite or
    zero value become 0.0 (so a perfect MAE of 0 scores 0 and a missing WER counts as a present 0);
    other metrics pass through, missing ones staying NaN. Callers refuse negatives beforehand
    (the official code fails an assert on them)."""
    special = kinds != IDENTITY
    blank = ~np.isfinite(values) | (values == 0.0)
    mapped = _mapped(values, kinds, temperatures, wer_in_percent=False)
    return np.where(special, np.where(blank, 0.0, mapped), values)


def normalise_corrected(values: np.ndarray, kinds: np.ndarray, temperatures: np.ndarray) -> np.ndarray:
    """genjudge's normalisation: every metric onto [0, 100], missing values staying NaN.

    A lower-is-better value of 0 is perfect and scores 100 (the limit of the sigmoid form); WER is
    read in percent (``100 - x``); anything out of range is clipped rather than allowed to go
    negative or above 100.
    """
    mapped = _mapped(values, kinds, temperatures, wer_in_percent=True)
    perfect = (kinds == LOWER_IS_BETTER) & (values == 0.0)
    return np.clip(np.where(perfect, 100.0, mapped), 0.0, 100.0)


def official_nlp_rmse(value: float) -> float:
    """The official Level-5 adjustment of the first NLP ``RMSE`` value (model side only)."""
    return (2.0 / (1.0 + np.exp(-5.0 / value)) - 1.0) * 100.0
