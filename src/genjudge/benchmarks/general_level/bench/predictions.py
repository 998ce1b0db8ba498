"""Reading a model's ``prediction.json`` for one task and checking it against the task's records.

Two shapes are accepted: the bare list the official predictors write, ``[{"id", "prediction"}]``
(the math predictor writes ``prediction_final`` instead, also accepted), and the wrapper the
General-Level website describes, ``{"task", "skill", "type", "data": [{"id", "prediction"}]}``.
Ids are compared as strings. Unknown, duplicate and (unless allowed) missing ids are errors that
list the ids, so a submission is never scored on a silent subset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genjudge.benchmarks.general_level.bench.tree import load_json
from genjudge.safe_io.located_error import FormatError

PREDICTION_FILE = "prediction.json"
PREDICTION_KEYS = ("prediction", "prediction_final")
MAX_PREDICTION_BYTES = 256 * 2**20
"""A prediction.json larger than this is refused unread (predictions are untrusted input)."""


@dataclass(frozen=True)
class TaskPredictions:
    """The predictions of one task, by record id, and the file they came from."""

    file: Path
    by_id: dict[str, Any]
    missing: list[str]
    """Record ids of the task without a prediction (only non-empty when missing ids are allowed)."""

    @property
    def folder(self) -> Path:
        """Files a prediction names (a generated image) are looked up relative to this folder."""
        return self.file.parent


def _ids(ids: list[str], limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" (and {len(ids) - limit} more)" if len(ids) > limit else "")


def read_predictions(file: Path, task_ids: list[str], *, allow_missing: bool = False) -> TaskPredictions:
    """Parse and validate ``file`` against the ids of the task's records (in their order)."""
    doc = load_json(file, max_bytes=MAX_PREDICTION_BYTES)
    if isinstance(doc, dict):
        if not isinstance(doc.get("data"), list):
            raise FormatError(
                "expected a list of {id, prediction} or an object with a 'data' list", file=file, field="data"
            )
        items = doc["data"]
    elif isinstance(doc, list):
        items = doc
    else:
        raise FormatError(f"expected a JSON list or object, got {type(doc).__name__}", file=file)
    by_id: dict[str, Any] = {}
    duplicates: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise FormatError("expected a JSON object", file=file, record=f"#{index}")
        if "id" not in item or not isinstance(item["id"], str | int):
            raise FormatError("missing or not a string/integer", file=file, record=f"#{index}", field="id")
        rid = str(item["id"])
        key = next((k for k in PREDICTION_KEYS if k in item), None)
        if key is None:
            raise FormatError("missing", file=file, record=f"#{index} (id {rid})", field="prediction")
        if rid in by_id:
            duplicates.append(rid)
        by_id[rid] = item[key]
    if duplicates:
        raise FormatError(f"duplicate prediction ids: {_ids(duplicates)}", file=file, field="id")
    known = set(task_ids)
    unknown = [rid for rid in by_id if rid not in known]
    if unknown:
        raise FormatError(f"ids not in the task: {_ids(unknown)}", file=file, field="id")
    missing = [rid for rid in task_ids if rid not in by_id]
    if missing and not allow_missing:
        raise FormatError(
            f"{len(missing)} of {len(task_ids)} records have no prediction: {_ids(missing)} "
            "(pass --allow-missing to score the predicted records only)",
            file=file,
            field="id",
        )
    return TaskPredictions(file=file, by_id=by_id, missing=missing)


def prediction_file(predictions_root: Path, relative: Path) -> Path | None:
    """``<predictions_root>/<relative>/prediction.json``, each folder matched case-insensitively."""
    folder = predictions_root
    for part in relative.parts:
        candidate = folder / part
        if not candidate.is_dir():
            matches = (
                [p for p in folder.iterdir() if p.is_dir() and p.name.lower() == part.lower()]
                if folder.is_dir()
                else []
            )
            if len(matches) != 1:
                return None
            candidate = matches[0]
        folder = candidate
    file = folder / PREDICTION_FILE
    return file if file.is_file() else None
