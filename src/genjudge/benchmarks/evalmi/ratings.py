"""The human ratings of EvalMi-50K as one table, from a release folder or a built dataset folder.

Scoring a metric needs only names, groups and human scores, not pixels, so a built repository is
read column by column from its Parquet files (the image bytes are never loaded).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from genjudge.benchmarks.evalmi.release import MOS_SHEET, read_release
from genjudge.safe_io.located_error import FormatError

RATING_COLUMNS = [
    "image_name",
    "generator",
    "prompt_index",
    "tag",
    "mos_perception",
    "mos_correspondence",
    "questions",
    "answers",
]


def load_ratings(bench: str | Path) -> pd.DataFrame:
    """One row per rated image with :data:`RATING_COLUMNS`, in the benchmark's order.

    ``bench`` is either an official release (a folder holding ``MOS&QA/``) or a repository built
    by ``genjudge data build evalmi-50k`` (a folder holding ``data/default-test-*.parquet``).
    """
    root = Path(bench)
    if (root / MOS_SHEET).is_file():
        return _from_release(root)
    shards = sorted((root / "data").glob("default-test-*.parquet"))
    if shards:
        frames = [pq.read_table(shard, columns=RATING_COLUMNS).to_pandas() for shard in shards]
        return pd.concat(frames, ignore_index=True)
    raise FormatError(
        f"neither an EvalMi-50K release ({MOS_SHEET.as_posix()} not found) nor a built dataset "
        "(data/default-test-*.parquet not found); pass the release folder or the folder written by "
        "`genjudge data build evalmi-50k`",
        file=root,
    )


def _from_release(root: Path) -> pd.DataFrame:
    release = read_release(root)
    prompts = {prompt.index: prompt for prompt in release.prompts}
    return pd.DataFrame(
        [
            {
                "image_name": rating.image_name,
                "generator": rating.generator,
                "prompt_index": rating.prompt_index,
                "tag": prompts[rating.prompt_index].tag,
                "mos_perception": rating.mos_perception,
                "mos_correspondence": rating.mos_correspondence,
                "questions": prompts[rating.prompt_index].questions,
                "answers": rating.answers,
            }
            for rating in release.ratings
        ],
        columns=RATING_COLUMNS,
    )
