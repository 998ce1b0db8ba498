"""A model's scores as the Hub's ``.eval_results/<benchmark>.yaml`` file, and the pull request that
adds it to the model's repository.

The Hub shows a model repository's ``.eval_results/*.yaml`` entries on the model page and gathers
them into the benchmark dataset's leaderboard: each entry names the dataset and one of its
``eval.yaml`` task ids, the value, the date and where it comes from. ``genjudge run
--push-eval-results`` writes one file per benchmark and opens a pull request through
``huggingface_hub``; offline it writes the file and says what it would push.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from genjudge.hub.errors import hub_call
from genjudge.safe_io.durable import atomic_write_bytes


def eval_result_entries(
    dataset_id: str,
    tasks: Mapping[str, str],
    results: Mapping[str, Any],
    *,
    source_url: str,
    source_name: str = "genjudge",
    date: dt.date | None = None,
) -> list[dict[str, Any]]:
    """One entry per task whose result field holds a number (``tasks``: task id -> field)."""
    day = (date or dt.date.today()).isoformat()
    entries = []
    for task_id, field_name in tasks.items():
        value = results.get(field_name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            entries.append(
                {
                    "dataset": {"id": dataset_id, "task_id": task_id},
                    "value": round(float(value), 4),
                    "date": day,
                    "source": {"url": source_url, "name": source_name},
                }
            )
    return entries


def write_eval_results(folder: Path, benchmark: str, entries: list[dict[str, Any]]) -> Path:
    """``<folder>/.eval_results/<benchmark>.yaml`` (replaced whole)."""
    path = folder / ".eval_results" / f"{benchmark}.yaml"
    atomic_write_bytes(path, yaml.safe_dump(entries, sort_keys=False, allow_unicode=True).encode("utf-8"))
    return path


def open_eval_results_pr(model_repo: str, path: Path, *, token: str | None = None) -> str:
    """Open a pull request on ``model_repo`` adding ``path`` as ``.eval_results/<name>``; its URL."""
    from huggingface_hub import CommitOperationAdd, HfApi

    with hub_call(f"opening a pull request on {model_repo}", token=token):
        info = HfApi(token=token).create_commit(
            repo_id=model_repo,
            operations=[CommitOperationAdd(f".eval_results/{path.name}", str(path))],
            commit_message=f"Add {path.stem} evaluation results (genjudge)",
            create_pr=True,
        )
    return str(info.pr_url or info.commit_url)
