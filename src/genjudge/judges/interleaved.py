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

from PIL import Image

from genjudge.judges.cache import VerdictCache
from genjudge.judges.protocol import VERDICT_LABELS, PairwiseItem, PairwiseJudge
from genjudge.judges.runner import judge_pairs, probabilities_of, side
from genjudge.records import Step


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
    otherwise per side. Win rates count a leaning tie for the side it leans to (force-dividing
    tie, OpenING's main metric).
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
    if model_a is not None and model_b is not None:
        result["win_rates"] = model_win_rates(winners, model_a, model_b)
    else:
        result["win_rates"] = side_win_rates(winners)
    return result


def side_win_rates(winners: Sequence[str]) -> dict[str, float]:
    """Share of pairs each side wins, a leaning tie counting for its side (empty input: zeros)."""
    if not winners:
        return {"A": 0.0, "B": 0.0}
    a = sum(side(w) == "A" for w in winners) / len(winners)
    return {"A": a, "B": 1.0 - a}


def model_win_rates(
    winners: Sequence[str], model_a: Sequence[str], model_b: Sequence[str]
) -> dict[str, float]:
    """Per model: battles won / battles fought, a leaning tie counting for its side."""
    fought: dict[str, int] = {}
    won: dict[str, int] = {}
    for winner, a, b in zip(winners, model_a, model_b, strict=True):
        if winner not in VERDICT_LABELS:
            raise ValueError(f"unexpected verdict {winner!r}")
        for model in (a, b):
            fought[model] = fought.get(model, 0) + 1
            won.setdefault(model, 0)
        won[a if side(winner) == "A" else b] += 1
    return {model: won[model] / fought[model] for model in sorted(fought)}


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
