"""From a release folder to the Metrics board's CSV: which images a peer must score, and the file
it writes (``image_name`` + ``score``, one row per rated image, in the ratings' order)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from genjudge.benchmarks.evalmi.images import read_checked_image
from genjudge.benchmarks.evalmi.release import Release
from genjudge.safe_io.located_error import FormatError


def rated_image_paths(release: Release) -> list[Path]:
    """Every rated image's file, each checked to be a readable PNG within the pixel limit.

    The board ranks a metric on every rated image, so a missing one stops the run before any
    model is loaded.
    """
    paths = [release.image_path(rating) for rating in release.ratings]
    missing = [
        rating.image_name for rating, path in zip(release.ratings, paths, strict=True) if not path.is_file()
    ]
    if missing:
        raise FormatError(
            f"{len(missing)} rated image(s) are not in the release folder ({', '.join(missing[:3])} …); "
            "a metric is ranked on every rated image",
            file=release.images_dir,
        )
    for path in paths:
        read_checked_image(path)
    return paths


def write_submission(release: Release, scores: Sequence[float] | np.ndarray, out: Path) -> None:
    """Write one score per rated image as the board's CSV; a non-finite score is refused by name."""
    values = np.asarray(scores, dtype=float)
    if values.shape != (len(release.ratings),):
        raise ValueError(f"got {values.shape} scores for {len(release.ratings)} rated images")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        names = ", ".join(release.ratings[i].image_name for i in bad[:3])
        raise ValueError(f"the metric gave {bad.size} non-finite score(s), first for {names}")
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"image_name": [r.image_name for r in release.ratings], "score": values}).to_csv(
        out, index=False
    )
