"""OpenING win rates and Bradley–Terry ratings as an ``evaluate`` metric (thin adapter over genjudge)."""

import math

import datasets
import evaluate
import pandas as pd

from genjudge.scoring.bradley_terry import fit_bradley_terry
from genjudge.scoring.winrate import VARIANTS, win_rates

_CITATION = """\
@inproceedings{zhou2025opening,
  title={OpenING: A Comprehensive Benchmark for Judging Open-ended Interleaved Image-Text Generation},
  author={Zhou, Pengfei and Peng, Xiaopeng and Song, Jiajun and Li, Chuanhao and Xu, Zhaopan and Yang, Yue
          and Guo, Ziyao and Zhang, Hao and Lin, Yuqi and He, Yefei and others},
  booktitle={CVPR},
  year={2025}
}
"""

_DESCRIPTION = """\
Pairwise battles between generation models in, rankings out. For every model: the four win-rate
variants of the OpenING benchmark (FDT, where a tie leaning to one side counts as that side's
win; with tie, ties worth 0; with tie, ties worth 0.5; without tie, ties dropped) and a
Bradley–Terry rating on the Elo scale (ties count half) with a seeded bootstrap 95% interval and
a rank (1 + the number of models whose interval lies entirely above).
"""

_KWARGS_DESCRIPTION = """
Args:
    model_a (`list` of `str`): the model shown first in each battle.
    model_b (`list` of `str`): the model shown second.
    winner (`list` of `str`): one of "A", "B", "Tie(A)", "Tie(B)" (a tie leaning to a side) or
        "Tie" (no lean; counts half to each side under FDT).
    uid (`list` of `str`, optional): the instance of each battle, only used in error messages.
    bootstrap_rounds (`int`, defaults to 1000): bootstrap rounds for the rating intervals
        (0: no intervals, lower = upper = rating).
    seed (`int`, defaults to 0): seed of the bootstrap.
    anchor (`str`, optional): model whose rating is pinned to `anchor_rating`.
    anchor_rating (`float`, defaults to 1000.0): rating of the anchor model.

Returns:
    win_rates (`dict`): model -> {"fdt", "with_tie_0", "with_tie_05", "without_tie" (fractions,
        None where a model has no counted battle), "battles"}.
    ratings (`dict`): model -> {"rating", "lower", "upper", "rank"}, best model first.

Examples:
    >>> winrate = evaluate.load("opening_winrate")  # doctest: +SKIP
    >>> results = winrate.compute(
    ...     model_a=["x", "x", "y", "z"],
    ...     model_b=["y", "z", "z", "x"],
    ...     winner=["A", "Tie(A)", "B", "B"],
    ...     bootstrap_rounds=100,
    ... )
    >>> results["win_rates"]["x"]["fdt"]
    1.0
    >>> results["win_rates"]["x"]["with_tie_05"]
    0.8333333333333334
    >>> list(results["ratings"])
    ['x', 'z', 'y']
"""


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class OpeningWinrate(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {
                    "model_a": datasets.Value("string"),
                    "model_b": datasets.Value("string"),
                    "winner": datasets.Value("string"),
                }
            ),
            reference_urls=["https://github.com/LanceZPF/OpenING", "https://arxiv.org/abs/2411.18499"],
        )

    def _compute(
        self,
        model_a,
        model_b,
        winner,
        uid=None,
        bootstrap_rounds=1000,
        seed=0,
        anchor=None,
        anchor_rating=1000.0,
    ):
        if uid is None:
            uid = [str(position) for position in range(len(winner))]
        elif len(uid) != len(winner):
            raise ValueError(f"uid has {len(uid)} entries but there are {len(winner)} battles")
        battles = pd.DataFrame({"uid": uid, "model_a": model_a, "model_b": model_b, "winner": winner})
        rates = win_rates(battles)
        ratings = fit_bradley_terry(
            battles, bootstrap_rounds=bootstrap_rounds, seed=seed, anchor=anchor, anchor_rating=anchor_rating
        )
        return {
            "win_rates": {
                str(model): {
                    **{variant: _number(row[variant]) for variant in VARIANTS},
                    "battles": int(row["battles"]),
                }
                for model, row in rates.iterrows()
            },
            "ratings": {
                str(row.model): {
                    "rating": float(row.rating),
                    "lower": float(row.lower),
                    "upper": float(row.upper),
                    "rank": int(row.rank),
                }
                for row in ratings.itertuples(index=False)
            },
        }
