"""Scoring a model's predictions on a General-Bench tree, task by task.

For every task of the release: find its row in the reference sheet (metric, SoTA), find the
model's ``prediction.json`` (next to ``annotation.json`` or in a mirror tree), check the ids,
convert predictions and references to what the metric needs (:mod:`.answers`) and call the
metric's library (:mod:`.metric_table`). Tasks without a reference row, without an implemented
metric or without predictions are reported with the reason and stay empty in the result sheet.
Bad input stops the run with an error naming the file, record and field.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from genjudge.benchmarks.general_level.bench import answers as an
from genjudge.benchmarks.general_level.bench import metric_functions as mf
from genjudge.benchmarks.general_level.bench.media import TaskMediaIndex
from genjudge.benchmarks.general_level.bench.media_metrics import DEFAULT_CLIP_MODEL
from genjudge.benchmarks.general_level.bench.metric_table import MetricSpec, find_metric
from genjudge.benchmarks.general_level.bench.predictions import (
    TaskPredictions,
    prediction_file,
    read_predictions,
)
from genjudge.benchmarks.general_level.bench.reference_sheet import ReferenceIndex, ReferenceTask, task_key
from genjudge.benchmarks.general_level.bench.tree import (
    Annotation,
    TaskFolder,
    find_tasks,
    read_annotation,
    record_id,
)
from genjudge.safe_io.located_error import FormatError


@dataclass(frozen=True)
class TaskScore:
    """The outcome for one task: a value, or the reason there is none."""

    task: str
    folder: str
    sheet: str
    metric: str | None
    value: float | None
    status: str
    """``scored``, ``no reference row``, ``metric not implemented`` or ``no predictions``."""
    reference: ReferenceTask | None = None
    records: int = 0


@dataclass(frozen=True)
class EvaluationOptions:
    """How to score: the CLIP checkpoint, whether missing ids are allowed, and explicit answer fields.

    ``answer_fields`` maps a task (its sheet name or folder name) to the dotted ``output`` field that
    holds its reference answer, for tasks whose output the default lookup cannot read.
    """

    clip_model: str = DEFAULT_CLIP_MODEL
    allow_missing: bool = False
    answer_fields: dict[str, str] = field(default_factory=dict)

    def answer_field(self, *names: str) -> str | None:
        keys = {task_key(k): v for k, v in self.answer_fields.items()}
        return next((keys[task_key(n)] for n in names if task_key(n) in keys), None)


def evaluate_tree(
    bench: str | Path,
    predictions: str | Path | None,
    reference: ReferenceIndex,
    options: EvaluationOptions = EvaluationOptions(),
    progress: Callable[[list[TaskFolder]], Any] | None = None,
) -> list[TaskScore]:
    """Score every task of ``bench`` with the predictions under ``predictions`` (default: ``bench``).

    ``progress`` wraps the task list (``tqdm``) when given.
    """
    bench_root = Path(bench)
    pred_root = Path(predictions) if predictions is not None else bench_root
    tasks = find_tasks(bench_root)
    scores = []
    for task in progress(tasks) if progress else tasks:
        scores.append(evaluate_task(task, reference, pred_root, options))
    return scores


def evaluate_task(
    task: TaskFolder, reference: ReferenceIndex, predictions_root: Path, options: EvaluationOptions
) -> TaskScore:
    annotation = read_annotation(task)
    row = reference.find(task.sheet, annotation.task, task.name)
    base = {
        "task": annotation.task,
        "folder": task.relative.as_posix(),
        "sheet": task.sheet,
        "reference": row,
    }
    if row is None:
        return TaskScore(**base, metric=None, value=None, status="no reference row")
    spec = find_metric(row.metric)
    base["task"] = row.name
    if spec is None:
        return TaskScore(**base, metric=row.metric, value=None, status="metric not implemented")
    file = prediction_file(predictions_root, task.relative)
    if file is None:
        return TaskScore(**base, metric=row.metric, value=None, status="no predictions")
    ids = [record_id(r) for r in annotation.records]
    preds = read_predictions(file, ids, allow_missing=options.allow_missing)
    if not preds.by_id:
        return TaskScore(**base, metric=row.metric, value=None, status="no predictions")
    value = score_task(spec, task, annotation, preds, options)
    return TaskScore(**base, metric=row.metric, value=value, status="scored", records=len(preds.by_id))


def score_task(
    spec: MetricSpec,
    task: TaskFolder,
    annotation: Annotation,
    preds: TaskPredictions,
    options: EvaluationOptions,
) -> float:
    """Convert the predicted records of one task for ``spec`` and compute it."""
    index = TaskMediaIndex.build(task.path) if spec.kind in ("image", "mask", "prompt_image") else None
    converter = Converter(spec, preds, index, options.answer_field(annotation.task, task.name))
    predictions, references = [], []
    for position, record in enumerate(annotation.records):
        rid = record_id(record)
        if rid not in preds.by_id:
            continue
        pred_at = an.Where(preds.file, f"id {rid}", "prediction")
        ref_at = an.Where(annotation.file, f"#{position} (id {rid})", "output")
        pred, ref = converter.convert(preds.by_id[rid], record, pred_at, ref_at)
        predictions.append(pred)
        references.append(ref)
    from sklearn.exceptions import UndefinedMetricWarning

    try:
        with warnings.catch_warnings():  # an undefined metric is reported below as an error instead
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            value = float(_compute(spec, predictions, references, preds, options))
    except ValueError as exc:
        # a library refusing the inputs: an empty reference for WER, images of different sizes, ...
        raise FormatError(f"{spec.call} refused the predictions: {exc}", file=preds.file) from None
    if not math.isfinite(value):  # scikit-learn answers NaN (with a warning) where a metric is undefined
        raise FormatError(
            f"{spec.call} is undefined for these predictions (it gave {value}; "
            "e.g. the references hold one class only)",
            file=preds.file,
        )
    return value


def _compute(spec: MetricSpec, predictions: list, references: list, preds: TaskPredictions, options) -> float:
    if spec.kind == "text_or_set" and any(isinstance(p, list) for p in predictions):
        return mf.micro_f1(predictions, references)
    if spec.kind == "auc":
        tracks = {isinstance(p, np.ndarray) for p in predictions}
        if len(tracks) > 1:
            raise FormatError("mixes per-frame boxes and single scores", file=preds.file, field="prediction")
        if tracks == {False}:
            return mf.roc_auc(predictions, references)
    if spec.kind == "prompt_image":
        return spec.function(predictions, references, model=options.clip_model)
    return spec.function(predictions, references)


class Converter:
    """Per-kind conversion of one (prediction, record) pair; checks shapes where the metric needs them."""

    def __init__(
        self, spec: MetricSpec, preds: TaskPredictions, index: TaskMediaIndex | None, answer_field: str | None
    ) -> None:
        self.spec = spec
        self.answer_field = answer_field
        self.preds = preds
        self.index = index
        self.vocabulary: dict[str, int] = {}

    def convert(self, value: Any, record: dict, pred_at: an.Where, ref_at: an.Where) -> tuple[Any, Any]:
        kind = self.spec.kind
        output = record.get("output")
        if kind == "label":
            return an.as_label(value, pred_at), an.as_label_choices(self._answer(output, ref_at), ref_at)
        if kind == "label_set" or (kind == "text_or_set" and isinstance(value, list)):
            return an.as_label_set(value, pred_at), an.as_label_set(self._answer(output, ref_at), ref_at)
        if kind in ("text", "text_or_set"):
            return an.as_text(value, pred_at), an.as_text_choices(self._answer(output, ref_at), ref_at)
        if kind == "numbers":
            pred, ref = an.as_numbers(value, pred_at), an.as_numbers(self._answer(output, ref_at), ref_at)
            return self._same_shape(pred, ref, pred_at)
        if kind == "score":
            return an.as_score(value, pred_at), an.as_binary(self._answer(output, ref_at), ref_at)
        if kind == "auc":
            numbers = an.as_numbers(value, pred_at)
            if numbers.ndim == 2 and numbers.shape[1] == 4:  # a track: one [x, y, w, h] per frame
                track = an.as_numbers(self._answer(output, ref_at), ref_at)
                return self._same_shape(numbers, track, pred_at)
            return an.as_score(value, pred_at), an.as_binary(self._answer(output, ref_at), ref_at)
        if kind == "boxes":
            pred = an.as_boxes(value, pred_at, self.vocabulary, scored=True)
            return pred, an.as_boxes(self._answer(output, ref_at), ref_at, self.vocabulary, scored=False)
        if kind == "prompt_image":
            image = an.decode_image(an.prediction_file_bytes(value, self.preds.folder, pred_at), pred_at)
            return image, an.prompt_text(record.get("input"), an.Where(ref_at.file, ref_at.record, "input"))
        if kind == "image":
            pred = an.decode_image(an.prediction_file_bytes(value, self.preds.folder, pred_at), pred_at)
            ref = an.decode_image(an.reference_image(self.index, output, ref_at), ref_at)
            return (pred, ref) if self.spec.key == "fid" else self._same_shape(pred, ref, pred_at)
        if kind == "mask":
            return self._same_shape(
                self._mask(value, pred_at, None), self._mask(output, ref_at, record), pred_at
            )
        raise AssertionError(f"unknown metric kind {kind}")

    def _answer(self, output: Any, where: an.Where) -> Any:
        return an.answer_value(output, where, self.answer_field)

    def _mask(self, value: Any, where: an.Where, record: dict | None) -> np.ndarray:
        if record is not None:  # the reference: an image the output names, else numbers in the output
            try:
                data = an.reference_image(self.index, value, where)
            except FormatError:
                return an.as_mask(an.as_numbers(self._answer(value, where), where))
        elif isinstance(value, str):
            data = an.prediction_file_bytes(value, self.preds.folder, where)
        else:
            return an.as_mask(an.as_numbers(value, where))
        with Image.open(io.BytesIO(data)) as image:
            keep = image.mode in ("L", "P", "I", "1", "I;16")
            return an.as_mask(np.asarray(image if keep else image.convert("L")))

    @staticmethod
    def _same_shape(pred: np.ndarray, ref: np.ndarray, where: an.Where) -> tuple[np.ndarray, np.ndarray]:
        if pred.shape != ref.shape:
            raise where.error(f"shape {pred.shape} differs from the reference's {ref.shape}")
        return pred, ref
