"""Agreement of a metric's scores with human MOS (EvalMi-50K / IQA conventions) as an evaluate module.

A thin adapter over ``genjudge.scoring.correlation``; the config "official" reproduces the
official LMM4LMM evaluation (MOS cast to bfloat16, raw scipy statistics).
"""
# evaluate reads the imports line by line to check requirements: keep one import per line.

import datasets
import evaluate

from genjudge.benchmarks.evalmi.card import CITATION
from genjudge.benchmarks.evalmi.module_support import mos_correlation_payload

_DESCRIPTION = """\
How well a metric's per-image scores agree with human mean opinion scores (MOS): Spearman (SRCC),
Pearson (PLCC) and Kendall (KRCC, tau-b) correlations from scipy, optionally Pearson after the
4-parameter logistic fit that IQA papers report, bootstrap 95% intervals, per-group breakdowns
(e.g. per generator or task tag), QA accuracy and model-level SRCC (generators ranked by mean
score against their ranking by mean MOS). Two configurations:

- "default": full-precision MOS.
- "official": the official LMM4LMM evaluation, which casts the MOS to bfloat16 before scipy's
  spearmanr / pearsonr / kendalltau on the raw predictions.
"""

_KWARGS_DESCRIPTION = """\
Args:
    predictions (`list` of `float`): the metric's score per image.
    references (`list` of `float`): the human MOS per image, same order.
    logistic (`bool`, defaults to False): also return `pearsonr_logistic`, Pearson's r after fitting
        the 4-parameter logistic (b1 - b2) / (1 + exp(-(x - b3) / b4)) + b2 from scores to MOS.
    bootstrap_rounds (`int`, defaults to 0): bootstrap rounds for 95% intervals (0: none).
    seed (`int`, defaults to 0): bootstrap seed.
    groups (`list` of `str`, optional): a group label per image; adds `groups` with the statistics
        within each group.
    generators (`list` of `str`, optional): the generator of each image; adds
        `model_level_spearmanr` and `generator_ranking` (best first by mean MOS).
    qa_predictions, qa_references (`list`, optional): yes/no answers (bool, 0/1 or "yes"/"no") of
        the metric and of the humans; adds `qa_accuracy`.
Returns:
    spearmanr (`float`), pearsonr (`float`), kendalltau (`float`), n (`int`), official (`bool`);
    pearsonr_logistic (`float`) with logistic; `<name>_interval` ([low, high]) with bootstrap_rounds;
    groups, model_level_spearmanr, generator_ranking, qa_accuracy when asked for.
Examples:
    >>> mos_correlation = evaluate.load("mos_correlation")  # doctest: +SKIP
    >>> results = mos_correlation.compute(predictions=[0.1, 0.4, 0.35, 0.8, 0.7],
    ...                                   references=[20.0, 41.5, 48.0, 66.25, 70.0])
    >>> round(results["spearmanr"], 2), round(results["pearsonr"], 2), round(results["kendalltau"], 2)
    (0.8, 0.96, 0.6)
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class MosCorrelation(evaluate.Metric):
    def _info(self):
        if self.config_name not in ("default", "official"):
            raise ValueError(f"unknown configuration {self.config_name!r}; use 'default' or 'official'")
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("float64"), "references": datasets.Value("float64")}
            ),
            reference_urls=[
                "https://github.com/IntMeGroup/LMM4LMM",
                "https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.spearmanr.html",
            ],
        )

    def _compute(
        self,
        predictions,
        references,
        logistic=False,
        bootstrap_rounds=0,
        seed=0,
        groups=None,
        generators=None,
        qa_predictions=None,
        qa_references=None,
    ):
        return mos_correlation_payload(
            predictions,
            references,
            official=self.config_name == "official",
            logistic=logistic,
            bootstrap_rounds=bootstrap_rounds,
            seed=seed,
            groups=groups,
            generators=generators,
            qa_predictions=qa_predictions,
            qa_references=qa_references,
        )
