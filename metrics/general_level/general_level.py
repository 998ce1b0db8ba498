"""General-Level (Levels 2–5 of a multimodal generalist) as an ``evaluate`` metric, over genjudge."""

import datasets
import evaluate

from genjudge.benchmarks.general_level import read_reference
from genjudge.benchmarks.general_level.citation import CITATION
from genjudge.scoring.general_level import Results, score_general_level

_DESCRIPTION = """\
Per-task scores of one model in; its General-Level out. Every score is normalised to 0-100 with
the metric's own rule (errors and distances through a sigmoid, PSNR through tanh, WER, MOS,
MS-SSIM linearly) and compared with the specialist's SoTA score of the same task. Level-2 averages
the scores per modality (Image, Video, Audio, 3D) over comprehension and generation; Level-3 keeps
only tasks where the model matches or beats the specialist; Level-4 is the harmonic mean of
comprehension and generation at Level-3; Level-5 weights Level-4 by the NLP tasks won. The model's
level is the highest level with a positive score. The default config corrects the official
ranker's flaws (see the card); the config "official" reproduces ranker.py to the printed digit.
Bootstrap (over tasks) 95% intervals come with every level.
"""

_KWARGS_DESCRIPTION = """
Args:
    sheet (`list` of `str`): the sheet of each task, one of "Image-Comprehension",
        "Image-Generation", "Video-Comprehension", "Video-Generation", "Audio-Comprehension",
        "Audio-Generation", "3D-Comprehension", "3D-Generation", "NLP".
    task (`list` of `str`): the task name as in the SoTA sheet (case and spacing ignored, except
        in the "official" config, which pairs rows by position within each sheet as ranker.py does).
    score (`list` of `float` or `None`): the model's raw score in the metric's own unit (WER in
        percent, MOS 1-5, ...); `None` for an unsupported task.
    reference (`str`): path of the SoTA sheet: the official `references/sota_result.xlsx`, or a
        CSV/JSON with `sheet, task, metric, sota`.
    model (`str`, defaults to "model"): the model's name in the output.
    bootstrap_rounds (`int`, defaults to 1000): bootstrap rounds over tasks (0: no intervals).
    seed (`int`, defaults to 0): seed of the bootstrap.

Returns:
    level (`int`): the highest level with a positive score (1 if none).
    level_2 ... level_5 (`dict`): {"score", "lower", "upper"}.
    modalities (`dict`): per modality "comprehension", "generation" (Level-2 means),
        "level_2", "level_3", "level_4", "supported", "wins", "tasks".
    nlp (`dict`): "score" (S, the NLP weight of Level-5 in percent), "supported", "wins", "tasks".
    supported, wins, tasks (`int`): over all tasks.
    notes (`list` of `str`): what was left out (sheets absent from the input count as unsupported).

Examples:
    >>> from genjudge.benchmarks.general_level.sample import sample_reference_path
    >>> general_level = evaluate.load("general_level")  # doctest: +SKIP
    >>> results = general_level.compute(
    ...     sheet=["Image-Comprehension", "Image-Generation", "NLP"],
    ...     task=["Human Action Recognition", "Image Deraining", "Commonsense Reasoning"],
    ...     score=[85.0, 36.0, 90.0],
    ...     reference=str(sample_reference_path()),
    ...     bootstrap_rounds=0,
    ... )
    >>> results["level"], round(results["level_5"]["score"], 2)
    (5, 0.73)
    >>> round(results["modalities"]["Image"]["level_4"], 2)
    16.21
    >>> official = evaluate.load("general_level", "official")  # doctest: +SKIP
    >>> # the official config pairs rows by position: give every task of every sheet, in order
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class GeneralLevel(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {
                    "sheet": datasets.Value("string"),
                    "task": datasets.Value("string"),
                    "score": datasets.Value("float64"),
                }
            ),
            reference_urls=["https://github.com/path2generalist/General-Level", "https://generalist.top"],
        )

    def _compute(self, sheet, task, score, reference, model="model", bootstrap_rounds=1000, seed=0):
        records = [{"sheet": s, "task": t, "score": v} for s, t, v in zip(sheet, task, score, strict=True)]
        official = self.config_name == "official"
        result = score_general_level(
            Results.from_records(model, records),
            read_reference(reference, official=official),
            official=official,
            bootstrap=bootstrap_rounds,
            seed=seed,
        )
        payload = result.to_dict()
        payload.pop("margins")
        levels = payload.pop("levels")
        return {**levels, **payload}
