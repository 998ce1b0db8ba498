"""Writing files in the official EvalMi-50K layout (the inverse of :mod:`.release`).

Used to make the embedded sample and the test fixtures, and by anyone who rates their own images
the EvalMi way and wants them read by the same code. It writes what it is given, irregularities
included (two questions in one cell, a prompt spelled differently in the two files), so the reader
can be tested on them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from genjudge.benchmarks.evalmi.release import (
    MOS_SHEET,
    OVERALL_ANSWER,
    PROMPT_TASKS,
    QUESTION_COLUMNS,
    QUESTION_SHEET,
    SUB_ANSWERS,
    fold_file,
)


@dataclass
class PromptEntry:
    """One prompt as the release stores it in its two files."""

    prompt: str
    question_cells: list[str]
    """``question_1..question_5`` cells as written (at most five; a cell may hold two questions)."""
    tag: str
    tasks_prompt: str | None = None
    """The prompt's text in ``prompt_tasks.jsonl`` when it differs from the sheet."""
    task_fields: dict[str, Any] = field(default_factory=dict)
    """``include``, ``exclude``, ``time``, ``light``, ``direction`` as in ``prompt_tasks.jsonl``."""


@dataclass
class MosEntry:
    """One row of the MOS sheet."""

    image_name: str
    mos1: float
    mos2: float
    answers: list[int]
    """``Y/N`` first, then ``YN_1``... (at most five in all)."""


def write_release(
    root: Path,
    prompts: Sequence[PromptEntry],
    ratings: Sequence[MosEntry],
    images: Mapping[str, bytes],
    folds: Mapping[tuple[str, str], Sequence[dict[str, Any]]] | None = None,
) -> Path:
    """Write sheets, prompt file, images and (``{(task, split): records}``) folds under ``root``."""
    (root / QUESTION_SHEET).parent.mkdir(parents=True, exist_ok=True)
    questions = pd.DataFrame(
        [
            {"prompt": entry.prompt, **dict(zip(QUESTION_COLUMNS, entry.question_cells, strict=False))}
            for entry in prompts
        ],
        columns=["prompt", *QUESTION_COLUMNS],
    )
    questions.to_excel(root / QUESTION_SHEET, index=False, engine="openpyxl")
    answer_columns = (OVERALL_ANSWER, *SUB_ANSWERS)
    mos = pd.DataFrame(
        [
            {
                "ImageName": entry.image_name,
                "MOS1": entry.mos1,
                "MOS2": entry.mos2,
                **dict(zip(answer_columns, entry.answers, strict=False)),
            }
            for entry in ratings
        ],
        columns=["ImageName", "MOS1", "MOS2", *answer_columns],
    )
    mos.to_excel(root / MOS_SHEET, index=False, engine="openpyxl")
    (root / PROMPT_TASKS).parent.mkdir(parents=True, exist_ok=True)
    with (root / PROMPT_TASKS).open("w", encoding="utf-8") as handle:
        for entry in prompts:
            line = {"tag": entry.tag, **entry.task_fields, "prompt": entry.tasks_prompt or entry.prompt}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    for name, data in images.items():
        path = root.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for (task, split), records in (folds or {}).items():
        path = fold_file(root, task, split)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return root


def sort_like_release(names: Sequence[str]) -> list[str]:
    """Names in the MOS sheet's order: generators as listed, numbers sorted as strings within each."""
    generators: list[str] = []
    for name in names:
        generator = name.split("/", 1)[0]
        if generator not in generators:
            generators.append(generator)
    return [n for g in generators for n in sorted(x for x in names if x.split("/", 1)[0] == g)]
