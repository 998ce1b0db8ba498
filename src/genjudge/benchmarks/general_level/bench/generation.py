"""A model's ``prediction.json`` files for a General-Bench release: the open-set comprehension tasks
answered by a multimodal chat model, the text-to-image tasks drawn by a text-to-image model.

::

    <out>/.genjudge-manifest.json                         what made the predictions (models, settings)
    <out>/<task folder>/prediction.json                   [{"id", "prediction"}], as evaluate reads it
    <out>/<task folder>/.genjudge-answers/<record>.json   each record's raw answer, written as it comes
    <out>/<task folder>/generated/<record>.png            the images of a text-to-image task
    <out>/<task folder>/.genjudge-failures.jsonl          records the last run could not answer, and why
    <out>/<task folder>/.genjudge-unusable.jsonl          answers held back: not in the form the metric reads

``<out>`` mirrors the release's task folders, so ``genjudge general-level evaluate --bench <release>
--predictions <out>`` scores it. The release itself is never written to: it is often the Hub cache,
and generated images beside the reference media would be found by the media lookup.

Each record is one resumable item (:func:`genjudge.generation.resumable.run_items`): an answer or image
is written atomically as soon as it comes, a re-run makes only the missing ones, and each task's
``prediction.json`` is rebuilt from them. A question is the record's ``input`` fields as text, its
images (files and frame folders of the task folder, at most ``max_images``, evenly spaced) and, where
the SoTA sheet names the task's metric, a line saying what form the metric reads. An answer the metric
cannot read (a mask task answered in words) is held back and counted rather than written, so one bad
answer cannot stop ``evaluate``; ``evaluate --allow-missing`` scores the rest. Tasks whose inputs are
audio, video files or 3D, and generation tasks other than text-to-image, are skipped with the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from genjudge.benchmarks.general_level.bench import answers as an
from genjudge.benchmarks.general_level.bench.evaluation import Converter
from genjudge.benchmarks.general_level.bench.media import (
    MEDIA_EXTENSIONS,
    TaskMediaIndex,
    find_record_media,
    iter_strings,
    media_kind,
)
from genjudge.benchmarks.general_level.bench.metric_table import MetricSpec, find_metric
from genjudge.benchmarks.general_level.bench.predictions import PREDICTION_FILE, TaskPredictions
from genjudge.benchmarks.general_level.bench.reference_sheet import ReferenceIndex
from genjudge.benchmarks.general_level.bench.tree import Annotation, TaskFolder, find_tasks, read_annotation
from genjudge.generation.chat_images import image_part, text_part
from genjudge.generation.manifest import RunManifest, claim_folder
from genjudge.generation.protocol import (
    ChatGenerator,
    ChatMessage,
    Failed,
    GenerationError,
    ImageRequest,
    ItemFailure,
    TextToImageGenerator,
)
from genjudge.generation.resumable import FAILURES_NAME, WorkItem, is_done, run_items
from genjudge.generation.text_to_image_run import encode_png
from genjudge.safe_io.durable import atomic_write_bytes, atomic_write_json, read_json
from genjudge.safe_io.located_error import FormatError

PROMPT_TEMPLATE_VERSION = "general-bench-answer-1"
ANSWERS_DIR = ".genjudge-answers"
IMAGES_DIR = "generated"
UNUSABLE_NAME = ".genjudge-unusable.jsonl"
SEED_RULE = "record i (from 1, in annotation order) of a text-to-image task is drawn with seed + i"

FORM_HINTS = {
    "label": "Answer with the label only.",
    "label_set": "Answer with the labels only, separated by ', '.",
    "text": "Answer in plain text.",
    "text_or_set": "Answer in plain text.",
    "numbers": "Answer with JSON only: a number, or a list of numbers in the shape the task asks for.",
    "score": "Answer with JSON only: one number between 0 and 1.",
    "auc": "Answer with JSON only: one [x, y, w, h] box per frame, or one confidence between 0 and 1.",
    "boxes": 'Answer with JSON only: a list of {"bbox": [x1, y1, x2, y2], "label": ..., "score": ...}.',
    "mask": "Answer with JSON only: a nested list of class ids, one per pixel (rows of the image).",
}
"""The line that tells the model what form the task's metric reads (kinds of :mod:`.metric_table`)."""
_JSON_KINDS = frozenset({"numbers", "score", "auc", "boxes", "mask"})
_TEXT_KEYS = frozenset(an.PROMPT_FIELDS)


@dataclass(frozen=True)
class TaskRun:
    """What happened to one task: ``answered``, ``drawn`` or ``skipped`` (with the reason)."""

    folder: str
    status: str
    records: int = 0
    written: int = 0
    """Records in the task's prediction.json."""
    made: int = 0
    already_done: int = 0
    failures: tuple[ItemFailure, ...] = ()
    unusable: tuple[ItemFailure, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class GeneralBenchRun:
    out: Path
    tasks: tuple[TaskRun, ...]

    @property
    def failed(self) -> int:
        return sum(len(task.failures) for task in self.tasks)

    @property
    def unusable(self) -> int:
        return sum(len(task.unusable) for task in self.tasks)

    @property
    def complete(self) -> bool:
        """No record failed (held-back answers and skipped tasks are reported, not failures)."""
        return self.failed == 0

    def summary(self) -> str:
        done = [t for t in self.tasks if t.status != "skipped"]
        written, records = sum(t.written for t in done), sum(t.records for t in done)
        text = (
            f"{len(done)} task(s) predicted ({written} of {records} records in prediction.json; "
            f"{sum(t.made for t in done)} made now), "
            f"{self.failed} record(s) failed, {self.unusable} answer(s) held back as unusable, "
            f"{len(self.tasks) - len(done)} task(s) skipped"
        )
        if self.failed:
            text += "; run again to retry the failed records"
        return text


@dataclass(frozen=True)
class _Question:
    """One record to ask: the conversation's text and image files, or why it cannot be asked."""

    text: str
    images: tuple[Path, ...] = ()
    problem: str | None = None


@dataclass
class _Plan:
    task: TaskFolder
    annotation: Annotation
    spec: MetricSpec | None
    mode: str | None = None
    reason: str | None = None
    names: list[str] = field(default_factory=list)


def answer_general_bench(
    tree: str | Path,
    answerer: ChatGenerator | None,
    out_dir: str | Path,
    *,
    image_generator: TextToImageGenerator | None = None,
    reference: ReferenceIndex | None = None,
    tasks: Sequence[str] | None = None,
    batch_size: int = 4,
    max_images: int = 8,
    seed: int = 0,
    item_deadline: float | None = None,
    give_up_after: int | None = 16,
    start_over: bool = False,
    progress: bool = True,
) -> GeneralBenchRun:
    """Write ``prediction.json`` for every task of ``tree`` the models can do (module docstring).

    ``reference`` (the SoTA sheet) lets each question say what form the metric reads, and skips tasks
    that would not be scored; ``tasks`` keeps only tasks whose folder (relative path or name) is listed.
    A :class:`GenerationError` (wrong setup, or a folder holding another run's outputs) stops the run.
    """
    if answerer is None and image_generator is None:
        raise GenerationError("give an answerer (comprehension tasks), an image generator, or both")
    if max_images < 1:
        raise GenerationError(f"max_images must be at least 1, not {max_images}")
    root, out = Path(tree), Path(out_dir)
    if out.resolve() == root.resolve() or out.resolve().is_relative_to(root.resolve()):
        raise GenerationError(
            f"{out} is inside the release {root}; write the predictions to a folder of their own and pass "
            "it to `genjudge general-level evaluate --predictions`"
        )
    try:
        plans = [
            _plan(task, reference, answerer, image_generator) for task in _chosen(find_tasks(root), tasks)
        ]
    except FormatError as exc:
        raise GenerationError(str(exc)) from None
    folders = [out / plan.task.relative for plan in plans]
    if start_over:
        for folder in folders:
            _clear(folder)
    claim_folder(
        out,
        RunManifest(
            task="General-Bench predictions",
            generator={
                "answerer": answerer.settings() if answerer is not None else None,
                "image_generator": image_generator.settings() if image_generator is not None else None,
                "max_images": max_images,
            },
            seed=seed,
            seed_rule=SEED_RULE,
            prompt_template_version=PROMPT_TEMPLATE_VERSION,
        ),
        existing_outputs=sum((folder / PREDICTION_FILE).is_file() for folder in folders),
        start_over=start_over,
    )
    runs = []
    for plan, folder in zip(plans, folders, strict=True):
        if plan.mode is None:
            runs.append(TaskRun(plan.task.relative.as_posix(), "skipped", reason=plan.reason))
            continue
        settings = {
            "batch_size": batch_size,
            "item_deadline": item_deadline,
            "give_up_after": give_up_after,
            "progress": progress,
        }
        if plan.mode == "answer":
            assert answerer is not None
            runs.append(_answer_task(plan, folder, answerer, max_images, settings))
        else:
            assert image_generator is not None
            runs.append(_draw_task(plan, folder, image_generator, seed, settings))
    return GeneralBenchRun(out, tuple(runs))


def _chosen(found: list[TaskFolder], wanted: Sequence[str] | None) -> list[TaskFolder]:
    if wanted is None:
        return found
    keys = {name.lower() for name in wanted}
    chosen = [t for t in found if t.relative.as_posix().lower() in keys or t.name.lower() in keys]
    unknown = keys - {t.relative.as_posix().lower() for t in chosen} - {t.name.lower() for t in chosen}
    if unknown:
        raise GenerationError(f"no task folder named {', '.join(sorted(unknown))} in the release")
    return chosen


def _plan(
    task: TaskFolder,
    reference: ReferenceIndex | None,
    answerer: ChatGenerator | None,
    image_generator: TextToImageGenerator | None,
) -> _Plan:
    """Whether a task is answered, drawn or skipped (and why), before any model runs."""
    annotation = read_annotation(task)
    plan = _Plan(task, annotation, None)
    if reference is not None:
        row = reference.find(task.sheet, annotation.task, task.name)
        plan.spec = find_metric(row.metric) if row is not None else None
        if row is None or plan.spec is None:
            plan.reason = (
                "no row in the SoTA sheet" if row is None else f"metric {row.metric!r} is not implemented"
            ) + ", so its predictions would not be scored"
            return plan
    plan.names = _record_names(annotation)
    index = TaskMediaIndex.build(task.path)
    kinds = sorted(
        {media_kind(f) for record in annotation.records for f in _input_media(index, record).files}
        - {"image"}
    )
    if task.paradigm == "generation":
        if task.modality != "Image" or kinds or _image_inputs(index, annotation):
            plan.reason = "not a text-to-image task (only those are drawn, by a text-to-image model)"
        elif image_generator is None:
            plan.reason = "a text-to-image task, and no image generator was given"
        else:
            plan.mode = "draw"
        return plan
    if kinds:
        plan.reason = f"its inputs hold {', '.join(kinds)} files; the answerer takes text and images only"
    elif answerer is None:
        plan.reason = "a comprehension task, and no answerer was given"
    else:
        plan.mode = "answer"
    return plan


def _input_media(index: TaskMediaIndex, record: dict[str, Any]) -> Any:
    return find_record_media(index, record.get("input"), "input")


def _image_inputs(index: TaskMediaIndex, annotation: Annotation) -> bool:
    return any(_input_media(index, record).files for record in annotation.records)


def _record_names(annotation: Annotation) -> list[str]:
    """A file name per record id: readable, and unique even where ids differ only in unsafe characters."""
    names = []
    for record in annotation.records:
        rid = str(record["id"])
        stem = re.sub(r"[^A-Za-z0-9_-]", "_", rid)[:60]
        names.append(f"{stem}-{hashlib.sha256(rid.encode()).hexdigest()[:8]}")
    return names


def question(
    index: TaskMediaIndex, record: dict[str, Any], spec: MetricSpec | None, max_images: int
) -> _Question:
    """The record's ``input`` as a question: its text fields, its images, and the answer form."""
    value = record.get("input")
    media = _input_media(index, record)
    if media.missing:
        where, text = media.missing[0]
        return _Question("", problem=f"{where} names {text!r}, which is not in the task folder")
    images = [index.files[rel] for rel in media.files]
    if len(images) > max_images:  # frames of a video: keep evenly spaced ones, first and last included
        step = (len(images) - 1) / (max_images - 1) if max_images > 1 else 0
        images = [images[round(i * step)] for i in range(max_images)]
    lines = _text_lines(index, value)
    hint = FORM_HINTS.get(spec.kind) if spec is not None else None
    return _Question("\n".join(lines + ([hint] if hint else [])), tuple(images))


def _text_lines(index: TaskMediaIndex, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, dict):
        return [json.dumps(value, ensure_ascii=False)]
    lines = []
    for key, item in value.items():
        strings = [text for _, text in iter_strings(item, key)]
        if strings and all(_names_media(index, text) for text in strings):
            continue
        if key.lower() in _TEXT_KEYS and isinstance(item, str):
            lines.append(item)
        else:
            lines.append(f"{key}: {item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)}")
    return lines


def _names_media(index: TaskMediaIndex, text: str) -> bool:
    suffix = PurePosixPath(text.strip()).suffix.lower()
    return suffix in MEDIA_EXTENSIONS or (index.lookup(text, allow_folder=False) is not None)


def conversation(asked: _Question) -> list[ChatMessage]:
    """The user turn: the images first, then the question (the layout most image-chat models train on)."""
    content = [image_part(path.read_bytes()) for path in asked.images]
    return [{"role": "user", "content": [*content, text_part(asked.text)]}]


def _answer_task(
    plan: _Plan, folder: Path, answerer: ChatGenerator, max_images: int, settings: dict[str, Any]
) -> TaskRun:
    index = TaskMediaIndex.build(plan.task.path)
    answers = folder / ANSWERS_DIR
    items = [
        WorkItem(f"{plan.task.relative.as_posix()}#{record['id']}", answers / f"{name}.json", record)
        for record, name in zip(plan.annotation.records, plan.names, strict=True)
    ]

    def produce(records: list[dict[str, Any]]) -> list[dict[str, Any] | Failed]:
        asked = [question(index, record, plan.spec, max_images) for record in records]
        askable = [(i, q) for i, q in enumerate(asked) if q.problem is None]
        replies = answerer.chat([conversation(q) for _, q in askable]) if askable else []
        if len(replies) != len(askable):
            raise GenerationError(
                f"the answerer returned {len(replies)} answers for {len(askable)} questions"
            )
        out: list[dict[str, Any] | Failed] = [Failed(q.problem or "") for q in asked]
        for (position, _), reply in zip(askable, replies, strict=True):
            record = records[position]
            out[position] = reply if isinstance(reply, Failed) else {"id": record["id"], "answer": reply}
        return out

    report = run_items(
        items,
        produce,
        lambda answer: json.dumps(answer, ensure_ascii=False).encode("utf-8"),
        failures_log=folder / FAILURES_NAME,
        desc=f"answering {plan.task.name}",
        **settings,
    )
    predictions, unusable = _predictions(plan, folder, items, index)
    _write(folder, predictions, unusable)
    return TaskRun(
        plan.task.relative.as_posix(),
        "answered",
        len(items),
        len(predictions),
        report.made,
        report.already_done,
        report.failures,
        tuple(unusable),
    )


def _predictions(
    plan: _Plan, folder: Path, items: list[WorkItem], index: TaskMediaIndex
) -> tuple[list[dict[str, Any]], list[ItemFailure]]:
    """The stored answers in the form the task's metric reads; the rest as unusable, with the reason."""
    file = folder / PREDICTION_FILE
    converter = (
        Converter(plan.spec, TaskPredictions(file, {}, []), index, None) if plan.spec is not None else None
    )
    predictions, unusable = [], []
    for position, item in enumerate(items):
        if not is_done(item.path):
            continue
        record, answer = item.request, read_json(item.path)["answer"]
        value: Any = answer
        if converter is not None:
            try:
                value = _parse(answer, converter.spec.kind)
                converter.convert(
                    value,
                    record,
                    an.Where(file, f"id {record['id']}", "prediction"),
                    an.Where(plan.annotation.file, f"#{position} (id {record['id']})", "output"),
                )
            except FormatError as exc:
                if exc.file == str(plan.annotation.file):
                    raise GenerationError(str(exc)) from None
                unusable.append(ItemFailure(item.key, f"{exc.reason}; the answer was {answer[:200]!r}"))
                continue
        predictions.append({"id": record["id"], "prediction": value})
    return predictions, unusable


def _parse(answer: str, kind: str) -> Any:
    """The answer as the metric reads it: the text, or for JSON kinds the first JSON value in it."""
    if kind not in _JSON_KINDS:
        return answer.strip()
    decoder = json.JSONDecoder(parse_constant=_not_a_number)
    for match in re.finditer(r"[\[{\-\d]", answer):
        try:
            return decoder.raw_decode(answer[match.start() :])[0]
        except ValueError:
            continue
    raise FormatError("the answer holds no JSON value")


def _not_a_number(name: str) -> Any:
    raise FormatError(f"the answer holds {name}, which is not a number")


def _draw_task(
    plan: _Plan, folder: Path, generator: TextToImageGenerator, seed: int, settings: dict[str, Any]
) -> TaskRun:
    items, problems = [], []
    for position, (record, name) in enumerate(zip(plan.annotation.records, plan.names, strict=True), start=1):
        key = f"{plan.task.relative.as_posix()}#{record['id']}"
        try:
            prompt = an.prompt_text(
                record.get("input"), an.Where(plan.annotation.file, f"id {record['id']}", "input")
            )
        except FormatError as exc:
            problems.append(ItemFailure(key, exc.reason))
            continue
        items.append(
            WorkItem(key, folder / IMAGES_DIR / f"{name}.png", ImageRequest(prompt, seed + position))
        )
    ids = {f"{plan.task.relative.as_posix()}#{r['id']}": r["id"] for r in plan.annotation.records}
    report = run_items(
        items,
        generator.generate,
        encode_png,
        failures_log=folder / FAILURES_NAME,
        desc=f"drawing {plan.task.name}",
        **settings,
    )
    predictions = [
        {"id": ids[item.key], "prediction": item.path.relative_to(folder).as_posix()}
        for item in items
        if is_done(item.path)
    ]
    _write(folder, predictions, [])
    return TaskRun(
        plan.task.relative.as_posix(),
        "drawn",
        len(plan.annotation.records),
        len(predictions),
        report.made,
        report.already_done,
        tuple(problems) + report.failures,
    )


def _write(folder: Path, predictions: list[dict[str, Any]], unusable: list[ItemFailure]) -> None:
    """prediction.json (only with predictions in it: an empty one would read as a task done) and the
    list of held-back answers, each replaced whole."""
    file = folder / PREDICTION_FILE
    if predictions:
        atomic_write_json(file, predictions)
    else:
        file.unlink(missing_ok=True)
    held = folder / UNUSABLE_NAME
    if unusable:
        lines = "".join(
            json.dumps({"key": u.key, "reason": u.reason}, ensure_ascii=False) + "\n" for u in unusable
        )
        atomic_write_bytes(held, lines.encode("utf-8"))
    else:
        held.unlink(missing_ok=True)


def _clear(folder: Path) -> None:
    """A task folder's outputs of an earlier run, removed before the new manifest is written."""
    for name in (ANSWERS_DIR, IMAGES_DIR):
        shutil.rmtree(folder / name, ignore_errors=True)
    for name in (PREDICTION_FILE, FAILURES_NAME, UNUSABLE_NAME):
        (folder / name).unlink(missing_ok=True)
