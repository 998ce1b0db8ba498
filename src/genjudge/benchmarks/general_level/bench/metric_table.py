"""The one table from a metric name of the reference sheet to the code that computes it.

Names are matched without case, spaces or punctuation (``Acc``/``ACC``, ``Rouge-L f``/``ROUGE-L``,
``CLIP score``/``CLIPScore``). The table drives scoring (:mod:`.evaluation`), the coverage report
and the metric table of the dataset card, so the three can never disagree. A sheet metric not in
the table is reported as not implemented and its tasks stay empty in the result sheet.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from genjudge.benchmarks.general_level.bench import media_metrics as mm
from genjudge.benchmarks.general_level.bench import metric_functions as mf
from genjudge.benchmarks.general_level.bench.reference_sheet import ReferenceTask

KINDS = {
    "label": "a label (string/number) per record; the reference may list several acceptable labels",
    "label_set": "a list of labels per record (or one string joined with `<p>` or `, `)",
    "text": "a string per record; the reference may list several acceptable answers",
    "text_or_set": "a string (token F1) or a list of labels (set micro-F1) per record",
    "numbers": "a number or (nested) list of numbers per record, the reference's shape",
    "score": "a number per record (a confidence) against a binary reference label",
    "auc": "per-frame boxes `[[x, y, w, h], ...]` (tracking), or a confidence against a binary label",
    "image": "the path of the generated image, relative to prediction.json; reference: the output image",
    "mask": "a class map per record: an image path (index/binary PNG) or a nested list",
    "boxes": 'a list of `{"bbox": [x1, y1, x2, y2], "label", "score"}` per record',
    "prompt_image": "the path of the generated image; compared with the record's input prompt",
}
"""What a prediction must look like for each kind of metric."""


@dataclass(frozen=True)
class MetricSpec:
    """How one metric (under all the names the sheet uses for it) is computed."""

    key: str
    names: tuple[str, ...]
    kind: str
    library: str
    call: str
    function: Callable
    needs_weights: str | None = None


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        "accuracy", ("Acc", "ACC"), "label", "scikit-learn", "sklearn.metrics.accuracy_score", mf.accuracy
    ),
    MetricSpec(
        "macro_accuracy",
        ("Macro-Acc",),
        "label",
        "scikit-learn",
        "sklearn.metrics.balanced_accuracy_score",
        mf.balanced_accuracy,
    ),
    MetricSpec(
        "micro_f1",
        ("Micro-F1",),
        "label_set",
        "scikit-learn",
        "sklearn.metrics.f1_score(average='micro') on MultiLabelBinarizer",
        mf.micro_f1,
    ),
    MetricSpec(
        "f1",
        ("F1", "F1 Score", "F-score"),
        "text_or_set",
        "torchmetrics / scikit-learn",
        "torchmetrics.functional.text.squad (token F1) or sklearn micro F1 for label lists",
        mf.token_f1,
    ),
    MetricSpec(
        "exact_match",
        ("EM@1",),
        "text",
        "torchmetrics",
        "torchmetrics.functional.text.squad (exact_match)",
        mf.exact_match,
    ),
    MetricSpec(
        "bleu_1",
        ("BLEU-1", "BLUE_1"),
        "text",
        "NLTK",
        "nltk.translate.bleu_score.sentence_bleu(weights=(1,))",
        mf.bleu_1,
    ),
    MetricSpec("bleu_4", ("BLEU@4",), "text", "NLTK", "nltk.translate.bleu_score.corpus_bleu", mf.bleu_4),
    MetricSpec(
        "rouge_1", ("ROUGE-1",), "text", "rouge_score", "rouge_scorer.RougeScorer(['rouge1'])", mf.rouge_1
    ),
    MetricSpec(
        "rouge_l",
        ("Rouge-L f", "ROUGE-L"),
        "text",
        "rouge_score",
        "rouge_scorer.RougeScorer(['rougeL'])",
        mf.rouge_l,
    ),
    MetricSpec(
        "code_bleu", ("CodeBLEU",), "text", "codebleu", "codebleu.calc_codebleu(lang='python')", mf.code_bleu
    ),
    MetricSpec("wer", ("WER",), "text", "jiwer", "jiwer.wer", mf.word_error_rate),
    MetricSpec(
        "anls", ("ANLS",), "text", "RapidFuzz", "rapidfuzz.distance.Levenshtein.normalized_distance", mf.anls
    ),
    MetricSpec("mae", ("MAE",), "numbers", "scikit-learn", "sklearn.metrics.mean_absolute_error", mf.mae),
    MetricSpec("mse", ("MSE",), "numbers", "scikit-learn", "sklearn.metrics.mean_squared_error", mf.mse),
    MetricSpec(
        "rmse", ("RMSE", "RMS"), "numbers", "scikit-learn", "sklearn.metrics.root_mean_squared_error", mf.rmse
    ),
    MetricSpec(
        "abs_rel",
        ("absRel",),
        "numbers",
        "scikit-learn",
        "sklearn.metrics.mean_absolute_percentage_error (reference > 0)",
        mf.abs_rel,
    ),
    MetricSpec("pcc", ("PCC",), "numbers", "scipy", "scipy.stats.pearsonr", mf.pearson),
    MetricSpec(
        "average_precision",
        ("AP",),
        "score",
        "scikit-learn",
        "sklearn.metrics.average_precision_score",
        mf.average_precision,
    ),
    MetricSpec(
        "auc",
        ("AUC",),
        "auc",
        "pycocotools / scikit-learn",
        "tracking success-plot AUC on pycocotools.mask.iou; else sklearn.metrics.roc_auc_score",
        mm.tracking_auc,
    ),
    MetricSpec(
        "psnr",
        ("PSNR",),
        "image",
        "torchmetrics",
        "torchmetrics.image.PeakSignalNoiseRatio (squared error pooled over the task)",
        mm.psnr,
    ),
    MetricSpec(
        "ms_ssim",
        ("MS-SSIM",),
        "image",
        "torchmetrics",
        "torchmetrics.functional.image.multiscale_structural_similarity_index_measure",
        mm.ms_ssim,
    ),
    MetricSpec("miou", ("mIoU",), "mask", "torchmetrics", "torchmetrics.segmentation.MeanIoU", mm.mean_iou),
    MetricSpec("dice", ("DICE",), "mask", "torchmetrics", "torchmetrics.segmentation.DiceScore", mm.dice),
    MetricSpec(
        "ap50",
        ("AP50", "mAP@50"),
        "boxes",
        "pycocotools",
        "pycocotools.cocoeval.COCOeval (iouThrs=[0.5])",
        partial(mm.detection_map, iou=0.5),
    ),
    MetricSpec(
        "ap75",
        ("AP75",),
        "boxes",
        "pycocotools",
        "pycocotools.cocoeval.COCOeval (iouThrs=[0.75])",
        partial(mm.detection_map, iou=0.75),
    ),
    MetricSpec(
        "ap10",
        ("AP10",),
        "boxes",
        "pycocotools",
        "pycocotools.cocoeval.COCOeval (iouThrs=[0.1])",
        partial(mm.detection_map, iou=0.1),
    ),
    MetricSpec(
        "map",
        ("mAP",),
        "boxes",
        "pycocotools",
        "pycocotools.cocoeval.COCOeval (IoU 0.5:0.95)",
        partial(mm.detection_map, iou=None),
    ),
    MetricSpec(
        "fid",
        ("FID",),
        "image",
        "torchmetrics + torch-fidelity",
        "torchmetrics.image.fid.FrechetInceptionDistance",
        mm.fid,
        needs_weights="FID Inception-v3 weights (torch-fidelity release)",
    ),
    MetricSpec(
        "clip_score",
        ("CLIP score", "CLIPScore"),
        "prompt_image",
        "torchmetrics + transformers",
        "torchmetrics.multimodal.clip_score.CLIPScore",
        mm.clip_score,
        needs_weights=f"CLIP model {mm.DEFAULT_CLIP_MODEL} (or --clip-model DIR)",
    ),
)


def metric_key(name: str) -> str:
    """Sheet metric names compared without case, spaces or punctuation."""
    return re.sub(r"[^0-9a-z@]+", "", name.casefold())


_BY_NAME: dict[str, MetricSpec] = {metric_key(name): spec for spec in METRICS for name in spec.names}


def find_metric(name: str) -> MetricSpec | None:
    """The implementation of a sheet metric name, or None when it is not implemented."""
    return _BY_NAME.get(metric_key(name))


@dataclass(frozen=True)
class Coverage:
    """Of the tasks of a reference sheet, which have an implemented metric."""

    total: int
    implemented: Counter
    missing: Counter

    @property
    def covered(self) -> int:
        return sum(self.implemented.values())

    def lines(self) -> list[str]:
        """Human-readable summary: the headline, then implemented and missing counts by metric name."""
        out = [f"{self.covered} of {self.total} tasks have an implemented metric"]
        out.append("implemented: " + ", ".join(f"{n} {c}" for n, c in self.implemented.most_common()))
        out.append("not implemented: " + ", ".join(f"{n} {c}" for n, c in self.missing.most_common()))
        return out


def coverage(tasks: list[ReferenceTask]) -> Coverage:
    """Count the reference sheet's tasks by metric name, split into implemented and not."""
    implemented: Counter = Counter()
    missing: Counter = Counter()
    for task in tasks:
        (implemented if find_metric(task.metric) else missing)[task.metric] += 1
    return Coverage(total=len(tasks), implemented=implemented, missing=missing)


def markdown_table() -> str:
    """The table as Markdown, for the dataset card and docs."""
    rows = [
        "| Sheet metric names | Library | Function | Prediction per record |",
        "|---|---|---|---|",
    ]
    for spec in METRICS:
        names = ", ".join(f"`{n}`" for n in spec.names)
        weights = f" (needs {spec.needs_weights})" if spec.needs_weights else ""
        rows.append(f"| {names} | {spec.library}{weights} | `{spec.call}` | {KINDS[spec.kind]} |")
    return "\n".join(rows)
