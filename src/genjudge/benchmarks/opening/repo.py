"""Build a Hub-ready OpenING dataset repository from the official release layout.

Output (all or nothing, written by :func:`genjudge.hub.dataset_repo.write_dataset_repo`)::

    <out>/README.md                                 dataset card with configs + dataset_info.features
    <out>/eval.yaml                                 Hub benchmark registration
    <out>/data/<split>-00000-of-00001.parquet       rows streamed in row groups, images as stored

``load_dataset(<out>)`` then returns a ``DatasetDict`` with decoded images.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genjudge.benchmarks.opening.card import dataset_repo
from genjudge.benchmarks.opening.release import (
    MissingImages,
    available_splits,
    benchmark_dir,
    count_records,
    iter_records,
    split_file,
)
from genjudge.benchmarks.opening.schema import instance_to_row
from genjudge.hub.dataset_repo import Split, write_dataset_repo
from genjudge.safe_io.located_error import FormatError


@dataclass
class BuildReport:
    """What a build wrote, for the CLI to print and tests to check."""

    out_dir: Path
    split_sizes: dict[str, int] = field(default_factory=dict)
    images: int = 0
    image_bytes: int = 0
    missing_images: MissingImages = field(default_factory=MissingImages)
    shards: dict[str, list[str]] = field(default_factory=dict)


def build_repo(
    source_dir: str | Path,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    allow_missing_images: bool = False,
    progress: bool = True,
    max_shard_bytes: int = 500 * 1024 * 1024,
) -> BuildReport:
    """Convert every split present in ``source_dir`` into the dataset repository ``out_dir``.

    Raises :class:`FormatError` (and leaves ``out_dir`` untouched) on any format problem;
    missing images are refused as a whole unless ``allow_missing_images`` stores them as null,
    in which case ``report.missing_images`` lists them.
    """
    base = benchmark_dir(source_dir)
    splits = available_splits(base)
    if not splits:
        raise FormatError("no dev_data.jsonl or test_data.jsonl found", file=base)
    report = BuildReport(out_dir=Path(out_dir))

    def rows(split: str) -> Iterator[dict[str, Any]]:
        records = iter_records(
            base, split, allow_missing_images=allow_missing_images, missing=report.missing_images
        )
        for record in records:
            steps = record.instance.input_steps + record.instance.output_steps
            images = [step.image for step in steps if step.image is not None]
            report.images += len(images)
            report.image_bytes += sum(map(len, images))
            yield instance_to_row(record.instance, record.paths)

    dataset = dataset_repo(
        {split: Split(rows(split), count_records(split_file(base, split))) for split in splits}
    )
    written = write_dataset_repo(
        dataset, out_dir, overwrite=overwrite, progress=progress, max_shard_bytes=max_shard_bytes
    )["default"]
    report.split_sizes = {split: size.rows for split, size in written.items()}
    report.shards = {split: list(size.shards) for split, size in written.items()}
    return report
