"""OpenING win rates and Bradley–Terry ratings as an ``evaluate`` metric (thin adapter over genjudge)."""

import evaluate

from genjudge.evaluate_glue.support import battles_frame, opening_info, ratings_payload, win_rates_payload
from genjudge.scoring.bradley_terry import fit_bradley_terry
from genjudge.scoring.winrate import win_rates

_DESCRIPTION = """\
Pairwise battles between generation models in, rankings out. For every model: the four win-rate
variants of the OpenING benchmark (FDT, where a tie leaning to one side counts as that side's
win; with tie, ties worth 0; with tie (tie = 0.5); without tie, ties dropped) and a
Bradley–Terry rating on the Elo scale (ties count half) with a 95% interval (bootstrap, seeded;
or sandwich) and a rank (1 + the number of models whose 95% interval lies entirely above, so
overlapping models share a rank).
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
    interval (`str`, defaults to "bootstrap"): "bootstrap" or "sandwich" (robust standard errors;
        bootstrap_rounds is then not used).
    seed (`int`, defaults to 0): seed of the bootstrap.
    anchor (`str`, optional): model whose rating is pinned to `anchor_rating`.
    anchor_rating (`float`, defaults to 1000.0): rating of the anchor model.

Returns:
    win_rates (`dict`): model -> {"fdt", "with_tie_0", "with_tie_05", "without_tie" (fractions,
        None where a model has no counted battle), "battles"}.
    ratings (`dict`): model -> {"rating", "lower", "upper" (the 95% interval, which holds the
        rating), "rank", "provisional"}, best model first. "provisional" is true for a model with
        fewer than 30 battles or an interval open on one side (it never lost or never won): its
        numbers rest on little data. An open interval is no evidence either way, so such a model
        neither outranks nor is outranked by anyone.

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
    >>> x = results["ratings"]["x"]
    >>> x["lower"] <= x["rating"] <= x["upper"], x["rank"], x["provisional"]
    (True, 1, True)
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class OpeningWinrate(evaluate.Metric):
    def _info(self):
        return opening_info(
            evaluate.MetricInfo,
            description=_DESCRIPTION,
            inputs_description=_KWARGS_DESCRIPTION,
            string_columns=["model_a", "model_b", "winner"],
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
        interval="bootstrap",
    ):
        battles = battles_frame(model_a, model_b, winner, uid)
        rates = win_rates(battles)
        ratings = fit_bradley_terry(
            battles,
            bootstrap_rounds=bootstrap_rounds,
            seed=seed,
            anchor=anchor,
            anchor_rating=anchor_rating,
            interval=interval,
        )
        payload = ratings_payload(ratings)
        for row in ratings.itertuples(index=False):
            payload[str(row.model)]["provisional"] = bool(row.provisional)
        return {"win_rates": win_rates_payload(rates), "ratings": payload}
