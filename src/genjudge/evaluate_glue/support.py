"""What genjudge's OpenING ``evaluate`` modules (``metrics/*``) share, kept in the library.

The modules are thin adapters: the metadata they all declare and the turning of their columns
into a battles table live here once, so the modules cannot drift apart and stay small enough
to read at a glance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import datasets
import pandas as pd

from genjudge.benchmarks.opening.citation import CITATION
from genjudge.scoring.winrate import VARIANTS

OPENING_URLS = ("https://github.com/LanceZPF/OpenING", "https://arxiv.org/abs/2411.18499")

BATTLE_COLUMNS = ["uid", "model_a", "model_b", "winner"]

Info = TypeVar("Info")


def opening_info(
    info_class: type[Info], *, description: str, inputs_description: str, string_columns: Sequence[str]
) -> Info:
    """The ``_info`` of an OpenING module whose inputs are all plain strings.

    ``info_class`` is ``evaluate.MetricInfo`` or ``evaluate.ComparisonInfo``, whichever the
    module is; both take the same fields.
    """
    return info_class(
        description=description,
        citation=CITATION,
        inputs_description=inputs_description,
        features=datasets.Features({name: datasets.Value("string") for name in string_columns}),
        reference_urls=list(OPENING_URLS),
    )


def battles_frame(
    model_a: Sequence[str],
    model_b: Sequence[str],
    winner: Sequence[str | None],
    uid: Sequence[str] | None = None,
    *,
    skip_missing: bool = False,
) -> pd.DataFrame:
    """The battles table (``uid, model_a, model_b, winner``) that genjudge.scoring expects.

    Without ``uid`` each battle is its own instance, numbered by position. ``skip_missing``
    drops battles whose winner is ``None`` or ``""`` (a judge or annotator gave no verdict);
    otherwise they are kept so that scoring reports them.
    """
    if uid is None:
        uid = [str(position) for position in range(len(winner))]
    elif len(uid) != len(winner):
        raise ValueError(f"uid has {len(uid)} entries but there are {len(winner)} battles")
    rows = [
        (u, a, b, w)
        for u, a, b, w in zip(uid, model_a, model_b, winner, strict=True)
        if not (skip_missing and (w is None or w == ""))
    ]
    return pd.DataFrame(rows, columns=BATTLE_COLUMNS)


def _number(value: object) -> float | None:
    """A float for JSON output; NaN (a variant with no battles to count) becomes ``None``."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def win_rates_payload(rates: pd.DataFrame) -> dict[str, dict[str, float | int | None]]:
    """``genjudge.scoring.winrate.win_rates`` output as plain per-model dicts (evaluate returns JSON)."""
    return {
        str(model): {
            **{variant: _number(row[variant]) for variant in VARIANTS},
            "battles": int(row["battles"]),
        }
        for model, row in rates.iterrows()
    }


def ratings_payload(ratings: pd.DataFrame) -> dict[str, dict[str, float | int]]:
    """``genjudge.scoring.bradley_terry.fit_bradley_terry`` output as plain per-model dicts."""
    return {
        str(row.model): {
            "rating": float(row.rating),
            "lower": float(row.lower),
            "upper": float(row.upper),
            "rank": int(row.rank),
        }
        for row in ratings.itertuples(index=False)
    }
