"""How EvalMi-50K looks as ``datasets`` rows: one per image, one per prompt, one per fold record.

``include`` / ``exclude`` stay JSON text: their objects mix keys per task (``class``, ``count``,
``color``, ``position`` as ``[relation, object index]``, face attributes, ...), which no single
Arrow struct holds without inventing dozens of mostly-null columns.
"""

from __future__ import annotations

import json
from typing import Any

from datasets import Features, Image, List, Value

from genjudge.benchmarks.evalmi.release import FoldRecord, Prompt, Rating

PROMPT_COLUMNS = {
    "prompt_index": Value("int32"),
    "prompt": Value("string"),
    "tag": Value("string"),
    "include": Value("string"),
    "exclude": Value("string"),
    "time": Value("string"),
    "light": Value("string"),
    "direction": Value("string"),
    "questions": List(Value("string")),
}

PROMPT_FEATURES = Features(PROMPT_COLUMNS)

IMAGE_FEATURES = Features(
    {
        "image_name": Value("string"),
        "image": Image(),
        "generator": Value("string"),
        **PROMPT_COLUMNS,
        "mos_perception": Value("float64"),
        "mos_correspondence": Value("float64"),
        "answers": List(Value("bool")),
    }
)

FOLD_FEATURES = Features(
    {
        "image_name": Value("string"),
        "generator": Value("string"),
        "prompt_index": Value("int32"),
        "mos": Value("float64"),
        "question": Value("string"),
        "answer": Value("string"),
    }
)


def prompt_to_row(prompt: Prompt) -> dict[str, Any]:
    return {
        "prompt_index": prompt.index,
        "prompt": prompt.prompt,
        "tag": prompt.tag,
        "include": json.dumps(prompt.include, ensure_ascii=False),
        "exclude": json.dumps(prompt.exclude, ensure_ascii=False),
        **prompt.details,
        "questions": list(prompt.questions),
    }


def image_to_row(rating: Rating, prompt: Prompt, image: bytes | None) -> dict[str, Any]:
    """An image row; ``image`` is ``None`` for an image missing from the release."""
    return {
        "image_name": rating.image_name,
        "image": None if image is None else {"bytes": image, "path": rating.image_name},
        "generator": rating.generator,
        **prompt_to_row(prompt),
        "mos_perception": rating.mos_perception,
        "mos_correspondence": rating.mos_correspondence,
        "answers": list(rating.answers),
    }


def fold_to_row(record: FoldRecord) -> dict[str, Any]:
    generator, _, number = record.image_name.partition("/")
    return {
        "image_name": record.image_name,
        "generator": generator,
        "prompt_index": int(number.removesuffix(".png")),
        "mos": record.mos,
        "question": record.question,
        "answer": record.answer,
    }
