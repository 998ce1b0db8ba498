"""Judge–human agreement on pairwise verdicts, as in OpenING, as an ``evaluate`` comparison (thin adapter)."""

import evaluate

from genjudge.evaluate_glue.support import battles_frame, opening_info
from genjudge.scoring.agreement import judge_agreement

_DESCRIPTION = """\
How often a judge's pairwise verdicts agree with human verdicts on the same (instance, model A,
model B) pairs, in OpenING's three ways: FDT (ties forced to the side they lean to), with tie
(all ties one class) and without tie (pairs where either side said tie are dropped); optionally
split into pairs that involve a model the judge never saw ("unseen") and the rest ("seen"), with
the harmonic mean of the two. Unmatched and dropped pairs are counted, never silently lost.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): the judge's verdict for each pair: "A", "B", "Tie(A)",
        "Tie(B)" or "Tie"; "" when the judge has no verdict for that pair.
    references (`list` of `str`): the human verdict for each pair, same labels; "" when there is
        no human verdict for that pair.
    uid (`list` of `str`): the instance of each pair.
    model_a (`list` of `str`): the model shown first.
    model_b (`list` of `str`): the model shown second.
    unseen_models (`list` of `str`, optional): models the judge was not trained on.
    on_duplicate (`str`, defaults to "error"): a pair listed twice with a verdict is an error;
        "last" keeps the last one, as the official script does.

Returns:
    agreement (`dict`): group ("all"; with unseen_models also "seen", "unseen",
        "harmonic_mean") -> {"fdt", "with_tie", "without_tie" (fractions, None if no pair),
        "pairs", "pairs_without_tie"}.
    counts (`dict`): where every verdict went: "matched", "judge_only", "human_only",
        "tie_pairs_dropped", duplicates dropped, verdicts given.
    absent_unseen_models (`list`): names in unseen_models that occur in no matched pair.

Examples:
    >>> agreement = evaluate.load("judge_agreement")  # doctest: +SKIP
    >>> results = agreement.compute(
    ...     uid=["1", "2", "3", "4"],
    ...     model_a=["x", "x", "y", "y"],
    ...     model_b=["y", "z", "z", "x"],
    ...     predictions=["A", "Tie(B)", "B", ""],
    ...     references=["A", "B", "Tie(A)", "B"],
    ...     unseen_models=["z"],
    ... )
    >>> results["agreement"]["all"]["fdt"]
    0.6666666666666666
    >>> results["counts"]["human_only"]
    1
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class JudgeAgreement(evaluate.Comparison):
    def _info(self):
        return opening_info(
            evaluate.ComparisonInfo,
            description=_DESCRIPTION,
            inputs_description=_KWARGS_DESCRIPTION,
            string_columns=["predictions", "references", "uid", "model_a", "model_b"],
        )

    def _compute(
        self, predictions, references, uid, model_a, model_b, unseen_models=None, on_duplicate="error"
    ):
        judge = battles_frame(model_a, model_b, predictions, uid, skip_missing=True)
        human = battles_frame(model_a, model_b, references, uid, skip_missing=True)
        result = judge_agreement(judge, human, unseen_models=unseen_models, on_duplicate=on_duplicate)
        payload = result.to_dict()
        return {
            "agreement": payload["agreement"],
            "counts": payload["counts"],
            "absent_unseen_models": payload["absent_unseen_models"],
        }
