"""Images + prompts (+ questions) in, one column per score out: the logic of the ``lmm4lmm``
evaluate module and of any front end that scores uploaded images with a scoring judge.

Input rows are validated here, at the edge: equal lengths, an image in every row, questions for
judges that answer them; errors name the row and the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genjudge.judges.cache import VerdictCache
from genjudge.judges.interleaved import _image_bytes
from genjudge.judges.protocol import Media, ScoringItem, ScoringJudge
from genjudge.judges.scoring_runner import ScoreRun, score_items


def scoring_items(
    images: Sequence[Any], prompts: Sequence[str], questions: Sequence[str | None] | None = None
) -> list[ScoringItem]:
    """One ``ScoringItem`` per row; an image may be bytes, a path, a PIL image or evaluate's
    ``{"bytes", "path"}`` dict."""
    if len(images) != len(prompts):
        raise ValueError(f"got {len(images)} images but {len(prompts)} prompts; give one prompt per image")
    if questions is not None and len(questions) != len(images):
        raise ValueError(f"got {len(images)} images but {len(questions)} questions; give one per image")
    items = []
    for row, (image, prompt) in enumerate(zip(images, prompts, strict=True)):
        data = _image_bytes(image, where=f"row {row}")
        if data is None:
            raise ValueError(f"row {row}, field 'images': no image")
        if not isinstance(prompt, str):
            raise ValueError(f"row {row}, field 'prompts': expected a string, got {type(prompt).__name__}")
        question = None if questions is None else questions[row]
        items.append(ScoringItem(prompt=prompt, media=Media.image(data), question=question))
    return items


def score_images(
    judge: ScoringJudge,
    images: Sequence[Any],
    prompts: Sequence[str],
    questions: Sequence[str | None] | None = None,
    *,
    cache: VerdictCache | str | Path | None = None,
    batch_size: int = 8,
    max_image_side: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Score every row: ``{<score name>: [per row], "mean_<score name>": mean, "cached": [...],
    "judge", "judge_revision", "prompt_version"}``."""
    items = scoring_items(images, prompts, questions)
    run = score_items(
        judge, items, cache=cache, batch_size=batch_size, max_image_side=max_image_side, progress=progress
    )
    return score_columns(run)


def score_columns(run: ScoreRun) -> dict[str, Any]:
    """A run as :func:`score_images` returns it, whichever runner (in process, Ray) produced it."""
    result: dict[str, Any] = {}
    for name in run.score_names:
        column = run.column(name)
        result[name] = column
        result[f"mean_{name}"] = sum(column) / len(column) if column else None
    result["cached"] = [item.cached for item in run]
    result["judge"] = run.judge_id
    result["judge_revision"] = run.revision
    result["prompt_version"] = run.prompt_version
    return result
