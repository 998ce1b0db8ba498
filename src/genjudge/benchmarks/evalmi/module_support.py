"""What the ``mos_correlation`` evaluate module computes, kept in the library so the module stays thin.

Output names follow evaluate's own ``spearmanr`` and ``pearsonr`` modules (``"spearmanr"``,
``"pearsonr"``) and scipy's ``kendalltau``; ``pearsonr_logistic`` is Pearson's r after the
4-parameter logistic fit. Intervals are ``[low, high]`` lists next to their statistic.
"""

from __future__ import annotations

from collections.abc import Sequence

from genjudge.scoring.correlation import (
    CorrelationResult,
    correlations,
    grouped_correlations,
    model_level,
    qa_accuracy,
)

OUTPUT_NAMES = {
    "srcc": "spearmanr",
    "plcc": "pearsonr",
    "krcc": "kendalltau",
    "plcc_logistic": "pearsonr_logistic",
}


def _named(result: CorrelationResult) -> dict[str, object]:
    out: dict[str, object] = {"n": result.n}
    for statistic, name in OUTPUT_NAMES.items():
        value = getattr(result, statistic)
        if value is None:
            continue
        out[name] = value
        if statistic in result.intervals:
            out[f"{name}_interval"] = list(result.intervals[statistic])
    return out


def mos_correlation_payload(
    predictions: Sequence[float],
    references: Sequence[float],
    *,
    official: bool,
    logistic: bool,
    bootstrap_rounds: int,
    seed: int,
    groups: Sequence[str] | None,
    generators: Sequence[str] | None,
    qa_predictions: Sequence[object] | None,
    qa_references: Sequence[object] | None,
) -> dict[str, object]:
    """The module's result dict; raises ``CorrelationError`` (a ``ValueError``) on bad input."""
    options = {"official": official, "bootstrap_rounds": bootstrap_rounds, "seed": seed}
    result = _named(correlations(predictions, references, logistic=logistic, krcc_interval=True, **options))
    result["official"] = official
    if groups is not None:
        per_group = grouped_correlations(predictions, references, groups, **options)
        result["groups"] = {key: _named(value) for key, value in per_group.items()}
    if generators is not None:
        ranking = model_level(
            predictions, references, generators, bootstrap_rounds=bootstrap_rounds, seed=seed
        )
        result["model_level_spearmanr"] = ranking.srcc
        if ranking.interval is not None:
            result["model_level_spearmanr_interval"] = list(ranking.interval)
        result["generator_ranking"] = ranking.table["generator"].tolist()
    if qa_predictions is not None or qa_references is not None:
        if qa_predictions is None or qa_references is None:
            raise ValueError("give both qa_predictions and qa_references, or neither")
        accuracy = qa_accuracy(
            qa_predictions, qa_references, official=official, bootstrap_rounds=bootstrap_rounds, seed=seed
        )
        result["qa_accuracy"] = accuracy.accuracy
        if accuracy.interval is not None:
            result["qa_accuracy_interval"] = list(accuracy.interval)
    return result
