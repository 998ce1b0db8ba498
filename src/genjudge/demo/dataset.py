"""The steps of ``genjudge demo``, kept in the library so later features (judging, leaderboard) can
extend the same flow, and so tests can run them without the CLI.

Step 1 builds the embedded OpenING sample into a dataset repository folder; step 2 loads it back
with ``load_dataset`` and summarises what a user gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from datasets import DatasetDict, load_dataset

from genjudge.benchmarks.opening import sample_dir
from genjudge.benchmarks.opening.repo import BuildReport, build_repo

DEFAULT_DEMO_DIR = Path("genjudge-demo")


@dataclass(frozen=True)
class StepSummary:
    """One step of an instance as the demo shows it."""

    side: str
    text: str
    image_size: tuple[int, int] | None


@dataclass(frozen=True)
class DatasetSummary:
    """What ``load_dataset`` returned: split sizes and one instance spelled out step by step."""

    folder: Path
    split_sizes: dict[str, int]
    example_uid: str
    example_task: str
    example_steps: list[StepSummary]


def build_sample_dataset(
    out_dir: str | Path, *, overwrite: bool = True, progress: bool = True
) -> BuildReport:
    """Build the embedded sample release into a Hub-ready dataset folder."""
    return build_repo(sample_dir(), out_dir, overwrite=overwrite, progress=progress)


def _image_count(row: dict) -> int:
    return sum(step["image"] is not None for side in ("input", "output") for step in row[side])


def summarize_dataset(folder: str | Path, *, split: str = "test", index: int | None = None) -> DatasetSummary:
    """Load the folder with ``load_dataset`` (as any user would) and describe one instance.

    Without ``index`` the instance with the most images is shown, since it best shows how
    texts and images interleave.
    """
    dataset = load_dataset(str(folder))
    if not isinstance(dataset, DatasetDict):
        raise TypeError(f"{folder} did not load as a DatasetDict")
    rows = dataset[split]
    if index is None:
        counts = [_image_count(row) for row in rows]
        index = counts.index(max(counts))
    row = rows[index]
    steps = [
        StepSummary(side, step["text"], None if step["image"] is None else step["image"].size)
        for side in ("input", "output")
        for step in row[side]
    ]
    return DatasetSummary(
        folder=Path(folder),
        split_sizes={name: ds.num_rows for name, ds in dataset.items()},
        example_uid=row["total_uid"],
        example_task=f"{row['meta_task_name']} / {row['subtask_name']}",
        example_steps=steps,
    )
