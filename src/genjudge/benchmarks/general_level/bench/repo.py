"""Build a Hub-ready General-Bench dataset repository from the released tree.

Output (all or nothing, written by :func:`genjudge.hub.dataset_repo.write_dataset_repo`)::

    <out>/README.md                                  card: configs, dataset_info.features, metric table
    <out>/eval.yaml                                  Hub benchmark registration
    <out>/data/<config>-00000-of-00001.parquet       one config per modality x paradigm, plus nlp

``load_dataset(<out>, "<config>")`` then returns the ``test`` split with decoded images.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from genjudge.benchmarks.general_level.bench.card import SPLIT, dataset_repo
from genjudge.benchmarks.general_level.bench.reference_sheet import (
    SHEETS,
    ReferenceIndex,
    read_reference_sheet,
)
from genjudge.benchmarks.general_level.bench.rows import MediaTally, release_rows
from genjudge.benchmarks.general_level.bench.tree import find_tasks
from genjudge.hub.dataset_repo import Split, write_dataset_repo


@dataclass
class BuildReport:
    """What a build wrote, for the CLI to print and tests to check."""

    out_dir: Path
    config_sizes: dict[str, int] = field(default_factory=dict)
    config_tasks: Counter = field(default_factory=Counter)
    media: MediaTally = field(default_factory=MediaTally)
    unmatched_tasks: list[str] = field(default_factory=list)
    """Task folders with no row in the reference sheet (their metric and SoTA are null)."""


def build_repo(
    source_dir: str | Path,
    out_dir: str | Path,
    reference_sheet: str | Path | None,
    *,
    overwrite: bool = False,
    allow_missing_media: bool = False,
    progress: bool = True,
    max_shard_bytes: int = 500 * 1024 * 1024,
) -> BuildReport:
    """Convert the release tree ``source_dir`` into the dataset repository ``out_dir``.

    ``reference_sheet`` is the path of ``sota_result.xlsx`` (None: metric and SoTA left null).
    Raises :class:`FormatError` (and leaves ``out_dir`` untouched) on any format problem.
    """
    tasks = sorted(find_tasks(source_dir), key=lambda t: (SHEETS.index(t.sheet), t.name))
    reference = ReferenceIndex(read_reference_sheet(reference_sheet) if reference_sheet else [])
    report = BuildReport(out_dir=Path(out_dir), config_tasks=Counter(task.config for task in tasks))
    splits = {
        config: Split(
            release_rows(
                [task for task in tasks if task.config == config],
                reference,
                report.media,
                allow_missing_media=allow_missing_media,
                unmatched=report.unmatched_tasks,
            )
        )
        for config in report.config_tasks
    }
    written = write_dataset_repo(
        dataset_repo(splits, report.config_tasks),
        out_dir,
        overwrite=overwrite,
        progress=progress,
        max_shard_bytes=max_shard_bytes,
    )
    report.config_sizes = {config: sizes[SPLIT].rows for config, sizes in written.items()}
    return report
