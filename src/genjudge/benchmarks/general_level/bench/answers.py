"""Bringing a record's reference answer and a model's prediction into the shape a metric needs.

The reference is taken from the record's ``output``: the value itself when it is a string, number
or list; the only field of a one-field object; else the first field named like an answer
(:data:`ANSWER_FIELDS`, which include the per-type fields of the official NLP scorer). For image
metrics the reference is the image file the ``output`` names, and for CLIP score the prompt in
``input``. Every failure names the file, record and field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from genjudge.benchmarks.general_level.bench.media import (
    MEDIA_EXTENSIONS,
    TaskMediaIndex,
    find_record_media,
    media_kind,
)
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.media import MediaProblem
from genjudge.safe_io.media import decode_image as decode_checked_image

ANSWER_FIELDS = (
    "answer",
    "answers",
    "label",
    "labels",
    "text",
    "target",
    "caption",
    "gt",
    "ground_truth",
    "value",
    "count",
    "translation",
    "summary",
    "highlights",
    "story",
    "reference",
    "sql",
    "nl",
    "repairCode",
    "paraphraseSentence",
    "Standard English",
    "solution.final_answer",
    "response.content",
    "response.text",
)
PROMPT_FIELDS = ("prompt", "text", "caption", "description", "instruction", "question", "query")
LABEL_SEPARATORS = ("<p>", ", ")
"""The official NLP scorer joins label lists with ``<p>`` and splits references on ``", "``."""
MAX_GENERATED_FILE_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Where:
    """Where a value came from, for error messages."""

    file: Path
    record: str
    field: str

    def error(self, message: str) -> FormatError:
        return FormatError(message, file=self.file, record=self.record, field=self.field)


def _dig(value: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def answer_value(output: Any, where: Where, field: str | None = None) -> Any:
    """The reference answer inside a record's ``output``; ``field`` (dotted) names it explicitly."""
    if output is None:
        raise where.error("the record has no output (a close-set release cannot be scored)")
    if field is not None:
        found = _dig(output, field)
        if found is None:
            raise where.error(f"output has no field {field!r} (given with --answer-field)")
        return found
    if not isinstance(output, dict):
        return output
    if len(output) == 1:
        return next(iter(output.values()))
    for name in ANSWER_FIELDS:
        found = _dig(output, name)
        if found is not None:
            return found
    known = ", ".join(ANSWER_FIELDS[:6])
    raise where.error(f"output has fields {sorted(output)}, none of them an answer field ({known}, ...)")


def _scalar_text(value: Any, where: Where) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if (
        isinstance(value, str)
        and "\n" not in value
        and PurePosixPath(value.strip()).suffix.lower() in MEDIA_EXTENSIONS
    ):
        raise where.error(
            f"is the media file {value.strip()!r}, but this metric compares text; generated media must be "
            "turned into text first (a transcript for WER, a caption...) and the reference must be text"
        )
    if isinstance(value, str | int | float):
        return str(value)
    raise where.error(f"expected a string or number, got {type(value).__name__}: {str(value)[:80]}")


def normalize_label(text: str) -> str:
    """Labels compare without case or surrounding/repeated whitespace."""
    return " ".join(text.split()).casefold()


def as_label(value: Any, where: Where) -> str:
    return normalize_label(_scalar_text(value, where))


def as_label_choices(value: Any, where: Where) -> list[str]:
    """A reference label, or several acceptable ones given as a list."""
    values = value if isinstance(value, list) and value else [value]
    return [as_label(v, where) for v in values]


def as_label_set(value: Any, where: Where) -> list[str]:
    """A set of labels: a JSON list, or a string joined with ``<p>`` or ``", "``."""
    if isinstance(value, list):
        return sorted({as_label(v, where) for v in value})
    text = _scalar_text(value, where)
    for separator in LABEL_SEPARATORS:
        text = text.replace(separator, "\x00")
    return sorted({normalize_label(part) for part in text.split("\x00") if part.strip()})


def as_text(value: Any, where: Where) -> str:
    return _scalar_text(value, where)


def as_text_choices(value: Any, where: Where) -> list[str]:
    values = value if isinstance(value, list) and value else [value]
    return [_scalar_text(v, where) for v in values]


def as_numbers(value: Any, where: Where) -> np.ndarray:
    """A number or a (nested) list of numbers; numeric strings are accepted."""
    try:
        array = np.asarray(value if not isinstance(value, str) else float(value.strip()), dtype=np.float64)
    except (TypeError, ValueError):
        raise where.error(f"expected a number or a list of numbers, got {str(value)[:80]!r}") from None
    if not np.all(np.isfinite(array)):
        raise where.error("contains NaN or infinity")
    return np.atleast_1d(array)


def as_score(value: Any, where: Where) -> float:
    number = as_numbers(value, where)
    if number.size != 1:
        raise where.error(f"expected one number (a score), got {number.size} values")
    return float(number[0])


BINARY = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0, "positive": 1, "negative": 0}


def as_binary(value: Any, where: Where) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1):
        return int(value)
    label = as_label(value, where)
    if label not in BINARY:
        raise where.error(f"expected a binary label (0/1, true/false, yes/no), got {label!r}")
    return BINARY[label]


def decode_image(data: bytes, where: Where, *, mode: str = "RGB") -> np.ndarray:
    """Decode image bytes (under the media limits) into an array."""
    try:
        image = decode_checked_image(data)
    except MediaProblem as problem:
        raise where.error(f"the image is {problem}") from None
    return np.asarray(image.convert(mode))


def as_mask(array: np.ndarray) -> np.ndarray:
    """A class map; a binary mask saved as 0/255 becomes 0/1."""
    values = np.unique(array)
    if values.size <= 2 and set(values.tolist()) <= {0, 255}:
        return (array > 0).astype(np.int64)
    return array.astype(np.int64)


def prediction_file_bytes(value: Any, folder: Path, where: Where) -> bytes:
    """The bytes of the file a prediction names, relative to its ``prediction.json``; never outside it."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or not value.strip():
        raise where.error("expected the path of a generated file, relative to prediction.json")
    path = (folder / value.strip()).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise where.error(f"path {value!r} leaves the prediction folder")
    if not path.is_file():
        raise where.error(f"file {value!r} not found next to prediction.json")
    if path.stat().st_size > MAX_GENERATED_FILE_BYTES:
        raise where.error(f"file {value!r} is over the {MAX_GENERATED_FILE_BYTES // 2**20} MiB limit")
    return path.read_bytes()


def reference_image(index: TaskMediaIndex, output: Any, where: Where) -> bytes:
    """The bytes of the single image a record's ``output`` names."""
    images = [rel for rel in find_record_media(index, output, "output").files if media_kind(rel) == "image"]
    if len(images) != 1:
        raise where.error(f"expected the output to name exactly one reference image, found {len(images)}")
    return index.files[images[0]].read_bytes()


def prompt_text(record_input: Any, where: Where) -> str:
    """The text prompt of a generation record (CLIP score compares the image with it)."""
    if isinstance(record_input, str):
        return record_input
    if isinstance(record_input, dict):
        for name in PROMPT_FIELDS:
            if isinstance(record_input.get(name), str):
                return record_input[name]
    raise where.error(f"no prompt found in input (looked for {', '.join(PROMPT_FIELDS)})")


def as_boxes(value: Any, where: Where, vocabulary: dict[str, int], *, scored: bool) -> dict[str, list]:
    """Boxes as ``[{"bbox": [x1, y1, x2, y2], "label": ..., "score": ...}]`` (or bare ``[x1, y1, x2, y2]``
    lists for one class); labels become integers through the task's shared ``vocabulary``."""
    if isinstance(value, dict) and "boxes" in value:
        boxes = value["boxes"]
        labels = value.get("labels", [0] * len(boxes))
        scores = value.get("scores", [1.0] * len(boxes))
        if not len(boxes) == len(labels) == len(scores):
            raise where.error("'boxes', 'labels' and 'scores' differ in length")
        value = [
            {"bbox": b, "label": lab, "score": sc} for b, lab, sc in zip(boxes, labels, scores, strict=True)
        ]
    if not isinstance(value, list):
        raise where.error("expected a list of boxes")
    out: dict[str, list] = {"boxes": [], "labels": [], "scores": []}
    for position, item in enumerate(value):
        box = item.get("bbox", item.get("box")) if isinstance(item, dict) else item
        numbers = as_numbers(box, Where(where.file, where.record, f"{where.field}[{position}].bbox"))
        if numbers.size != 4:
            raise where.error(f"box {position} has {numbers.size} numbers, expected x1, y1, x2, y2")
        label = str(item.get("label", item.get("category", 0))) if isinstance(item, dict) else "0"
        score = (
            item.get("score", 1.0 if not scored else None)
            if isinstance(item, dict)
            else (None if scored else 1.0)
        )
        if scored and (not isinstance(score, int | float) or not math.isfinite(score)):
            raise where.error(f"box {position} has no numeric 'score'")
        out["boxes"].append(numbers.tolist())
        out["labels"].append(vocabulary.setdefault(normalize_label(label), len(vocabulary)))
        out["scores"].append(float(score))
    return out
