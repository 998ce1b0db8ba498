"""How an OpenING instance looks as a ``datasets`` row.

Interleaved content is a list of ``{"text", "image"}`` steps rather than two parallel lists, so the
order of the steps and the pairing of each text with its image survive any round trip (Parquet,
Arrow, the Hub viewer). A step without an image has a null ``image``.
"""

from __future__ import annotations

from typing import Any

from datasets import Features, Image, List, Value

from genjudge.core.records import Instance, Step

STEP = {"text": Value("string"), "image": Image()}

FEATURES = Features(
    {
        "total_uid": Value("string"),
        "meta_task_id": Value("string"),
        "meta_task_name": Value("string"),
        "subtask_id": Value("string"),
        "subtask_name": Value("string"),
        "data_id": Value("string"),
        "input": List(STEP),
        "output": List(STEP),
    }
)

INSTANCE_FIELDS = ("total_uid", "meta_task_id", "meta_task_name", "subtask_id", "subtask_name", "data_id")


def step_to_row(step: Step, path: str | None) -> dict[str, Any]:
    """A step as stored: the image bytes untouched, with the release-relative path for provenance."""
    image = None if step.image is None else {"bytes": step.image, "path": path}
    return {"text": step.text, "image": image}


def instance_to_row(instance: Instance, paths: dict[str, list[str | None]] | None = None) -> dict[str, Any]:
    """Convert an :class:`Instance` into a row matching :data:`FEATURES`.

    ``paths`` optionally gives the release-relative image path of each step (``{"input": [...],
    "output": [...]}``); it is kept next to the bytes so a row can be traced back to its file.
    """
    paths = paths or {}
    row: dict[str, Any] = {name: getattr(instance, name) for name in INSTANCE_FIELDS}
    for side, steps in (("input", instance.input_steps), ("output", instance.output_steps)):
        side_paths = paths.get(side) or [None] * len(steps)
        row[side] = [step_to_row(step, path) for step, path in zip(steps, side_paths, strict=True)]
    return row
