"""Judging interleaved text+image sequences given as plain Python / Arrow rows.

This is the logic behind the ``intjudge`` evaluate module (``metrics/intjudge/``), kept in the
library so the module stays a thin adapter and the same code is usable without ``evaluate``.
Rows are lists of steps ``{"text": str, "image": ...}`` where the image may be ``None``, encoded
bytes, a file path, a PIL image, or the ``{"bytes", "path"}`` dict that a ``datasets.Image(decode=False)``
feature produces — the last keeps the caller's original bytes, so content hashes (and cached
verdicts) match the ones the CLI computes on the release files.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from PIL import Image

from genjudge.core.records import Step
from genjudge.judges.cache import VerdictCache
from genjudge.judges.protocol import PairwiseItem, PairwiseJudge
from genjudge.judges.registry import judge_names
from genjudge.judges.runner import judge_pairs, probabilities_of
from genjudge.scoring.winrate import VARIANTS, win_rates


def to_steps(row: Sequence[Mapping[str, Any]] | None, *, where: str) -> tuple[Step, ...]:
    """Convert one interleaved row into steps; ``where`` names the row in error messages."""
    if row is None:
        return ()
    steps = []
    for position, step in enumerate(row):
        if not isinstance(step, Mapping) or "text" not in step:
            raise ValueError(
                f"{where}, step {position}: expected a mapping with 'text' and 'image', got {step!r:.80}"
            )
        text = step.get("text") or ""
        if not isinstance(text, str):
            raise ValueError(
                f"{where}, step {position}, field 'text': expected a string, got {type(text).__name__}"
            )
        steps.append(Step(text, _image_bytes(step.get("image"), where=f"{where}, step {position}")))
    return tuple(steps)


def judge_interleaved(
    judge: PairwiseJudge,
    inputs: Sequence[Sequence[Mapping[str, Any]]],
    outputs_a: Sequence[Sequence[Mapping[str, Any]]],
    outputs_b: Sequence[Sequence[Mapping[str, Any]]],
    references: Sequence[Sequence[Mapping[str, Any]] | None] | None = None,
    *,
    model_a: Sequence[str] | None = None,
    model_b: Sequence[str] | None = None,
    cache: VerdictCache | str | Path | None = None,
    batch_size: int = 8,
    max_image_side: int | None = None,
    swap: bool = False,
    progress: bool = True,
) -> dict[str, Any]:
    """Judge row-aligned pairs and summarise: verdicts, probabilities, which were cached, win rates.

    An empty or missing reference row means "no gold answer" for that pair. ``model_a`` and
    ``model_b`` name the model behind each side per row; with them, win rates are per model,
    otherwise per side (see :func:`win_rate_table`).
    """
    n = len(inputs)
    columns = {"outputs_a": outputs_a, "outputs_b": outputs_b}
    if references is not None:
        columns["references"] = references
    if model_a is not None or model_b is not None:
        if model_a is None or model_b is None:
            raise ValueError("pass both model_a and model_b (the model behind each side), or neither")
        columns |= {"model_a": model_a, "model_b": model_b}
    for name, column in columns.items():
        if len(column) != n:
            raise ValueError(
                f"{name} has {len(column)} rows but inputs has {n}; every column needs one row per pair"
            )

    items = []
    for row in range(n):
        reference = to_steps(references[row], where=f"references[{row}]") if references is not None else ()
        items.append(
            PairwiseItem(
                question=to_steps(inputs[row], where=f"inputs[{row}]"),
                output_a=to_steps(outputs_a[row], where=f"outputs_a[{row}]"),
                output_b=to_steps(outputs_b[row], where=f"outputs_b[{row}]"),
                reference=reference or None,
            )
        )
    run = judge_pairs(
        judge,
        items,
        cache=cache,
        batch_size=batch_size,
        max_image_side=max_image_side,
        swap=swap,
        progress=progress,
    )
    winners = run.winners
    result: dict[str, Any] = {
        "verdicts": winners,
        "probabilities": [probabilities_of(pair.verdict) for pair in run],
        "cached": [pair.cached for pair in run],
        "judge": run.judge_id,
        "judge_revision": run.revision,
        "consistency_rate": run.consistency_rate,
    }
    result["win_rates"] = win_rate_table(winners, model_a, model_b)
    return result


def win_rate_table(
    winners: Sequence[str], model_a: Sequence[str] | None = None, model_b: Sequence[str] | None = None
) -> dict[str, dict[str, float | int]]:
    """OpenING win rates (all four variants, plus battle counts) per model, or per side.

    Computed by :func:`genjudge.scoring.winrate.win_rates`; without model names the two sides
    ``"A"`` and ``"B"`` play the models' part, which shows position bias at a glance.
    """
    if not winners:
        return {}
    sides = model_a is None or model_b is None
    battles = pd.DataFrame(
        {
            "uid": [str(row) for row in range(len(winners))],
            "model_a": ["A"] * len(winners) if sides else list(model_a),
            "model_b": ["B"] * len(winners) if sides else list(model_b),
            "winner": list(winners),
        }
    )
    table = win_rates(battles)
    return {
        str(model): {**{variant: float(row[variant]) for variant in VARIANTS}, "battles": int(row["battles"])}
        for model, row in table.iterrows()
    }


def split_module_kwargs(kwargs: Mapping[str, Any], module_init: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``evaluate.load(..., **init_kwargs)`` into the module's own arguments and judge options.

    evaluate 0.4.6 passes every extra keyword of ``evaluate.load`` to the module's constructor;
    names that ``EvaluationModule.__init__`` declares stay with evaluate, the rest configure the
    judge backend (model path, API base URL, …).
    """
    own = set(inspect.signature(module_init).parameters) - {"self", "args", "kwargs"}
    module_kwargs = {k: v for k, v in kwargs.items() if k in own}
    judge_options = {k: v for k, v in kwargs.items() if k not in own}
    return module_kwargs, judge_options


def module_backend(config_name: str) -> str:
    """The judge backend an ``intjudge`` module configuration names.

    evaluate calls the configuration it was not given ``"default"``; that is the offline
    reference judge, so the module works without any model download.
    """
    backend = "reference" if config_name == "default" else config_name
    if backend not in judge_names():
        raise ValueError(f"unknown intjudge configuration {config_name!r}; choose one of {judge_names()}")
    return backend


def _image_bytes(image: Any, *, where: str) -> bytes | None:
    if image is None:
        return None
    if isinstance(image, bytes):
        return image or None
    if isinstance(image, Mapping):
        if image.get("bytes"):
            return bytes(image["bytes"])
        if image.get("path"):
            return _read(Path(image["path"]), where)
        return None
    if isinstance(image, (str, Path)):
        return _read(Path(image), where)
    if isinstance(image, Image.Image):
        out = io.BytesIO()
        image.save(out, format=image.format or "PNG")
        return out.getvalue()
    raise ValueError(
        f"{where}, field 'image': expected bytes, a path, a PIL image or None, got {type(image).__name__}"
    )


def _read(path: Path, where: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise ValueError(f"{where}, field 'image': cannot read {path}: {err.strerror}") from err
