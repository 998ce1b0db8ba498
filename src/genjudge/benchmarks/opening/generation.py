"""A model's answers to OpenING, written in the official ``gen_outputs/<Model>_output/`` layout.

::

    <out>/<Model>_output/<total_uid>.jsonl        the instance, its output steps replaced by the model's
    <out>/<Model>_output/<total_uid>-o-<k>.jpg    the image of output step k (0-based), if it has one
    <out>/.genjudge/<Model>_output/               the run manifest and the failure log of the last run

The answer file is what the official ``save_results`` writes (the instance's fields, the input as
released, ``conversations[1].output`` the model's steps, pretty-printed JSON in a ``.jsonl`` file),
so :func:`genjudge.benchmarks.opening.read_model_outputs`, the submission validator and
``leaderboard submit`` read the folder as it is. The manifest and failure log sit in a hidden
folder *beside* the model folder rather than in it: the OpenING readers take every ``.json[l]``
in the model folder for an answer, and a submission must hold answers and images only.

Resuming is per instance (:func:`genjudge.generation.resumable.run_items`): an instance is done
when its answer file exists; its images are written, each atomically, before it, so a kill -9
leaves either a finished instance or one that the next run makes again from scratch (its stray
images are deleted first). What the models could not make is recorded and counted, never dropped:

* the chat model gave no usable answer (or the instance's batch failed) → no answer file; the
  instance is in the failure log and in ``report.run.failures``, and the next run retries it;
* an image the text-to-image model failed to make → the step is written without image (as the
  official scripts do), logged as ``<uid>-o-<k>`` and counted in ``report.image_failures``;
* a marker past the gold answer's step count → the step keeps no image, as officially; counted in
  ``report.unillustrated``.

Input image paths are the release's, read from :class:`~genjudge.benchmarks.opening.release.ReleaseRecord`
when one is given; for a bare :class:`~genjudge.core.records.Instance` they follow the release's
naming rule ``./images/<subtask_name>/<data_id>-i-<n>.jpg`` (no reader uses them: judges read the
inputs from the benchmark).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PIL import Image

from genjudge.benchmarks.opening import generation_recipe as recipe_
from genjudge.benchmarks.opening.release import ReleaseRecord
from genjudge.core.records import Instance
from genjudge.generation.manifest import RunManifest, claim_folder
from genjudge.generation.protocol import (
    ChatGenerator,
    Failed,
    GenerationError,
    ImageRequest,
    ItemFailure,
    TextToImageGenerator,
)
from genjudge.generation.resumable import FAILURES_NAME, RunReport, WorkItem, run_items
from genjudge.generation.text_to_image_run import check_model_name
from genjudge.safe_io.durable import append_jsonl, atomic_write_bytes

OUTPUT_SUFFIX = "_output"
STATE_FOLDER = ".genjudge"
TASK = "interleaved generation, OpenING gen_outputs layout"
SEED_RULE = "every image is drawn with the run's seed, as the official Gemini+Flux script does"
JPEG_QUALITY = 95


@dataclass(frozen=True)
class AnswerStep:
    """One step of a model's answer: its text, and its image, or why it has none.

    ``image`` is ``None`` when the model made no image for the step by design (a marker past the
    gold step count) and :class:`Failed` when it tried and failed.
    """

    text: str
    image: Image.Image | Failed | None


@runtime_checkable
class OpeningGenerator(Protocol):
    """Answers OpenING instances with interleaved steps; one entry (steps or :class:`Failed`) per instance.

    Raises :class:`GenerationError` only for faults of the setup, as every generator does.
    """

    def answer(
        self, instances: Sequence[Instance], *, rag: bool, seed: int
    ) -> list[list[AnswerStep] | Failed]: ...

    def settings(self) -> dict[str, Any]: ...

    def prompt_template_version(self, rag: bool) -> str: ...


class PipelineGenerator:
    """The official two-model pipeline: a chat model writes, a text-to-image model draws each step.

    ``recipe`` picks whose prompts and splitting rules (:mod:`genjudge.benchmarks.opening.generation_recipe`):
    ``gpt-dalle`` (GPT-4o+DALL-E3) or ``gemini-flux`` (Gemini1.5+Flux). The chat answers of a batch
    are asked together and all their images drawn in one ``generate`` call, so a batched
    text-to-image pipeline or a pool of endpoints works on several instances at once.
    """

    def __init__(
        self, chat: ChatGenerator, images: TextToImageGenerator, *, recipe: str = "gpt-dalle"
    ) -> None:
        try:
            self.recipe = recipe_.check_recipe(recipe)
        except ValueError as exc:
            raise GenerationError(str(exc)) from None
        self.chat_model = chat
        self.image_model = images

    def settings(self) -> dict[str, Any]:
        return {
            "kind": "pipeline",
            "recipe": self.recipe,
            "chat": self.chat_model.settings(),
            "images": self.image_model.settings(),
        }

    def prompt_template_version(self, rag: bool) -> str:
        return recipe_.template_version(self.recipe, rag)

    def answer(
        self, instances: Sequence[Instance], *, rag: bool, seed: int
    ) -> list[list[AnswerStep] | Failed]:
        replies = self.chat_model.chat([recipe_.conversation(i, self.recipe, rag=rag) for i in instances])
        if len(replies) != len(instances):
            raise GenerationError(
                f"the chat model returned {len(replies)} answers for {len(instances)} conversations; "
                "a generator must return one per conversation"
            )
        plans: list[list[str] | Failed] = []
        requests: list[ImageRequest] = []
        for instance, reply in zip(instances, replies, strict=True):
            if isinstance(reply, Failed):
                plans.append(Failed(f"the chat model gave no answer: {reply.reason}"))
                continue
            texts = recipe_.split_answer(reply, len(instance.output_steps), self.recipe)
            plans.append(texts)
            for k in range(recipe_.illustrated_steps(instance, texts)):
                prompt = recipe_.image_prompt(instance, k, texts[k], self.recipe, rag=rag)
                requests.append(ImageRequest(prompt, seed))
        images = list(self.image_model.generate(requests)) if requests else []
        if len(images) != len(requests):
            raise GenerationError(
                f"the text-to-image model returned {len(images)} images for {len(requests)} prompts"
            )
        drawn = iter(images)
        answers: list[list[AnswerStep] | Failed] = []
        for instance, plan in zip(instances, plans, strict=True):
            if isinstance(plan, Failed):
                answers.append(plan)
                continue
            count = recipe_.illustrated_steps(instance, plan)
            answers.append(
                [AnswerStep(text, next(drawn) if k < count else None) for k, text in enumerate(plan)]
            )
        return answers


@dataclass(frozen=True)
class OpeningReport:
    """What a run did: the instances (made, already there, failed) and the steps left without image."""

    run: RunReport
    image_failures: tuple[ItemFailure, ...] = field(default=())
    unillustrated: tuple[ItemFailure, ...] = field(default=())
    folder: Path | None = None

    @property
    def complete(self) -> bool:
        return self.run.complete

    def summary(self) -> str:
        text = f"instances: {self.run.summary()}"
        if self.image_failures:
            shown = "; ".join(f"{f.key}: {f.reason}" for f in self.image_failures[:3])
            text += (
                f"; {len(self.image_failures)} image(s) the model failed to make, written as steps "
                f"without image ({shown}{' …' if len(self.image_failures) > 3 else ''})"
            )
        if self.unillustrated:
            text += (
                f"; {len(self.unillustrated)} step(s) past the gold step count kept no image, "
                "as in the official pipeline"
            )
        return text


def output_folder(out_dir: str | Path, model_name: str) -> Path:
    """``<out_dir>/<model_name>_output``: the folder the official readers and the board take."""
    return Path(out_dir) / f"{check_model_name(model_name)}{OUTPUT_SUFFIX}"


def state_folder(out_dir: str | Path, model_name: str) -> Path:
    """Where the run manifest and failure log of ``model_name`` live (module docstring)."""
    return Path(out_dir) / STATE_FOLDER / output_folder(out_dir, model_name).name


def image_name(uid: str, index: int) -> str:
    return f"{uid}-o-{index}.jpg"


def encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def answer_record(
    instance: Instance, input_paths: Sequence[str | None], steps: Sequence[tuple[str, str | None]]
) -> dict[str, Any]:
    """The official answer file's object: the instance as released, the model's ``(text, image)`` steps."""
    return {
        "total_uid": instance.total_uid,
        "meta_task_id": instance.meta_task_id,
        "meta_task_name": instance.meta_task_name,
        "subtask_id": instance.subtask_id,
        "subtask_name": instance.subtask_name,
        "data_id": instance.data_id,
        "conversations": [
            {
                "input": [
                    {"image": path, "text": step.text}
                    for step, path in zip(instance.input_steps, input_paths, strict=True)
                ]
            },
            {"output": [{"text": text, "image": image} for text, image in steps]},
        ],
    }


def release_input_paths(instance: Instance) -> list[str | None]:
    """The input image paths by the release's naming rule (module docstring)."""
    return [
        None if step.image is None else f"./images/{instance.subtask_name}/{instance.data_id}-i-{n}.jpg"
        for n, step in enumerate(instance.input_steps, start=1)
    ]


def _split(instances: Sequence[Instance | ReleaseRecord]) -> list[tuple[Instance, list[str | None]]]:
    pairs = []
    for entry in instances:
        if isinstance(entry, ReleaseRecord):
            paths = [None if p is None else f"./{p}" for p in entry.paths["input"]]
            pairs.append((entry.instance, paths))
        else:
            pairs.append((entry, release_input_paths(entry)))
    if not pairs:
        raise GenerationError("there are no instances to answer")
    return pairs


def _clear_instance_files(folder: Path, uids: Sequence[str]) -> None:
    """Delete the images (and their temp files) a killed attempt left for instances not yet done."""
    for uid in uids:
        for stray in [*folder.glob(f"{uid}-o-*.jpg"), *folder.glob(f".{uid}-o-*.jpg.*.tmp")]:
            stray.unlink(missing_ok=True)


def generate_opening(
    instances: Sequence[Instance | ReleaseRecord],
    generator: OpeningGenerator,
    out_dir: str | Path,
    model_name: str,
    *,
    rag: bool = False,
    seed: int = 42,
    batch_size: int = 1,
    item_deadline: float | None = None,
    start_over: bool = False,
    progress: bool = True,
) -> OpeningReport:
    """Answer every instance whose answer file is missing from ``<out_dir>/<model_name>_output/``.

    ``rag`` shows the model the gold answer (module docstring of the recipe); ``seed`` draws every
    image; ``item_deadline`` is seconds per instance (chat answer and all its images). A folder
    holding another run's answers (a different manifest) is refused unless ``start_over``, which
    first deletes every answer and image in it.
    """
    pairs = _split(instances)
    folder = output_folder(out_dir, model_name)
    state = state_folder(out_dir, model_name)
    existing = _outputs_in(folder)
    if start_over:
        for path in existing:  # before the new manifest is written, so old and new never mix
            path.unlink()
        existing = []
    manifest = RunManifest(
        task=TASK + (" (RAG: the gold answer in the prompt)" if rag else ""),
        generator=generator.settings(),
        seed=seed,
        seed_rule=SEED_RULE,
        prompt_template_version=generator.prompt_template_version(rag),
    )
    claim_folder(state, manifest, existing_outputs=len(existing), start_over=start_over)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {instance.total_uid: input_paths for instance, input_paths in pairs}
    items = [WorkItem(i.total_uid, folder / f"{i.total_uid}.jsonl", i) for i, _ in pairs]
    _clear_instance_files(folder, [item.key for item in items if not item.path.is_file()])
    lock = threading.Lock()
    image_failures: list[ItemFailure] = []
    unillustrated: list[ItemFailure] = []

    def produce(batch: list[Instance]) -> list[dict[str, Any] | Failed]:
        answers = generator.answer(batch, rag=rag, seed=seed)
        if len(answers) != len(batch):
            raise GenerationError(
                f"the generator returned {len(answers)} answers for {len(batch)} instances; "
                "a generator must return one per instance"
            )
        records: list[dict[str, Any] | Failed] = []
        for instance, answer in zip(batch, answers, strict=True):
            if isinstance(answer, Failed):
                records.append(answer)
                continue
            steps, missed, plain = _write_images(folder, instance, answer)
            with lock:
                image_failures.extend(missed)
                unillustrated.extend(plain)
            records.append(answer_record(instance, paths[instance.total_uid], steps))
        return records

    report = run_items(
        items,
        produce,
        lambda record: json.dumps(record, indent=4).encode("utf-8"),
        batch_size=batch_size,
        item_deadline=item_deadline,
        failures_log=state / FAILURES_NAME,
        progress=progress,
        desc=f"answering OpenING with {model_name}",
    )
    written = {item.key for item in items if item.path.is_file()}
    with lock:
        missed = tuple(f for f in image_failures if f.key.rsplit("-o-", 1)[0] in written)
        plain = tuple(f for f in unillustrated if f.key.rsplit("-o-", 1)[0] in written)
    if missed or plain:
        append_jsonl(state / FAILURES_NAME, [{"key": f.key, "reason": f.reason} for f in missed + plain])
    return OpeningReport(report, missed, plain, folder)


def _write_images(
    folder: Path, instance: Instance, answer: Sequence[AnswerStep]
) -> tuple[list[tuple[str, str | None]], list[ItemFailure], list[ItemFailure]]:
    """Write the answer's images; its steps as ``(text, image file or None)`` and what had no image."""
    steps: list[tuple[str, str | None]] = []
    missed: list[ItemFailure] = []
    plain: list[ItemFailure] = []
    for k, step in enumerate(answer):
        name = image_name(instance.total_uid, k)
        if isinstance(step.image, Image.Image):
            atomic_write_bytes(folder / name, encode_jpeg(step.image))
            steps.append((step.text, name))
            continue
        steps.append((step.text, None))
        if isinstance(step.image, Failed):
            missed.append(ItemFailure(name.removesuffix(".jpg"), step.image.reason))
        else:
            reason = f"step {k} is past the {len(instance.output_steps)} step(s) of the gold answer"
            plain.append(ItemFailure(name.removesuffix(".jpg"), reason))
    return steps, missed, plain


def _outputs_in(folder: Path) -> list[Path]:
    """The answers and images already in a model folder (what ``start_over`` deletes)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".json", ".jsonl", ".jpg"))
