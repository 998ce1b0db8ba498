"""Build a Hub-ready General-Bench dataset repository from the released tree.

Output (all or nothing, see :func:`genjudge.hub.publish.atomic_directory`)::

    <out>/README.md                                  card: configs, dataset_info.features, metric table
    <out>/eval.yaml                                  Hub benchmark registration
    <out>/data/<config>-00000-of-00001.parquet       one config per modality x paradigm, plus nlp

``load_dataset(<out>, "<config>")`` then returns the ``test`` split with decoded images.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from genjudge.benchmarks.general_level.bench.card import render_card, render_eval_yaml
from genjudge.benchmarks.general_level.bench.reference_sheet import (
    SHEETS,
    ReferenceIndex,
    read_reference_sheet,
)
from genjudge.benchmarks.general_level.bench.rows import MediaTally, task_rows
from genjudge.benchmarks.general_level.bench.schema import FEATURES
from genjudge.benchmarks.general_level.bench.tree import find_tasks, read_annotation
from genjudge.hub.publish import ParquetShardWriter, atomic_directory


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
    tasks = find_tasks(source_dir)
    reference = ReferenceIndex(read_reference_sheet(reference_sheet) if reference_sheet else [])
    report = BuildReport(out_dir=Path(out_dir))
    by_config: dict[str, list] = {}
    for task in sorted(tasks, key=lambda t: (SHEETS.index(t.sheet), t.name)):
        by_config.setdefault(task.config, []).append(task)
    config_bytes: dict[str, int] = {}
    with atomic_directory(out_dir, overwrite=overwrite) as tmp:
        bar = tqdm(total=len(tasks), desc="General-Bench", unit="task", disable=not progress)
        for config, config_tasks in by_config.items():
            writer = ParquetShardWriter(tmp, config, FEATURES.arrow_schema, max_shard_bytes=max_shard_bytes)
            for task in config_tasks:
                annotation = read_annotation(task)
                row = reference.find(task.sheet, annotation.task, task.name)
                if row is None and reference.tasks:
                    report.unmatched_tasks.append(task.relative.as_posix())
                rows = task_rows(task, annotation, row, report.media, allow_missing_media=allow_missing_media)
                for record, payload in rows:
                    writer.write(FEATURES.encode_example(record), payload)
                report.config_tasks[config] += 1
                bar.update()
            writer.close()
            report.config_sizes[config] = writer.num_rows
            config_bytes[config] = writer.num_bytes
        bar.close()
        card = render_card(report.config_sizes, dict(report.config_tasks), config_bytes)
        (tmp / "README.md").write_text(card, encoding="utf-8")
        (tmp / "eval.yaml").write_text(render_eval_yaml(list(report.config_sizes)), encoding="utf-8")
    return report
