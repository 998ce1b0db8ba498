"""The OpenING task taxonomy: 23 meta-topics and 56 subtasks, as they appear in the official data.

The table in ``subtasks.json`` was derived from the official ``OpenING-benchmark/test_data.jsonl``
(ids, names exactly as spelled there, and the number of test instances per subtask). It serves two
purposes: the dataset card documents the taxonomy from it, and the readers reject instances whose
``(meta_task_id, subtask_id)`` pair is not part of the benchmark.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Subtask:
    """One subtask of the benchmark and the meta-topic it belongs to."""

    meta_task_id: str
    meta_task_name: str
    subtask_id: str
    subtask_name: str
    test_instances: int


@cache
def subtasks() -> tuple[Subtask, ...]:
    """All 56 subtasks, ordered by meta-topic id then subtask id."""
    raw = resources.files(__package__).joinpath("subtasks.json").read_text(encoding="utf-8")
    return tuple(Subtask(**row) for row in json.loads(raw))


@cache
def subtask_index() -> dict[tuple[str, str], Subtask]:
    """Subtasks keyed by ``(meta_task_id, subtask_id)`` as written in the data (no zero padding)."""
    return {(s.meta_task_id, s.subtask_id): s for s in subtasks()}


def meta_topics() -> dict[str, str]:
    """Meta-topic id -> name (the first spelling the official data uses for that id)."""
    names: dict[str, str] = {}
    for s in subtasks():
        names.setdefault(s.meta_task_id, s.meta_task_name)
    return names


def expected_total_uid(meta_task_id: str, subtask_id: str, data_id: str) -> str:
    """``total_uid`` is meta id (2 digits) + subtask id (2 digits) + data id (3 digits)."""
    return f"{int(meta_task_id):02d}{int(subtask_id):02d}{int(data_id):03d}"
