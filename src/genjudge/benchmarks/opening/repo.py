"""Build a Hub-ready OpenING dataset repository from the official release layout.

Output (all or nothing, see :func:`genjudge.hub.publish.atomic_directory`)::

    <out>/README.md                                 dataset card with configs + dataset_info.features
    <out>/eval.yaml                                 Hub benchmark registration
    <out>/data/<split>-00000-of-00001.parquet       rows streamed in row groups, images as stored

``load_dataset(<out>)`` then returns a ``DatasetDict`` with decoded images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from genjudge.benchmarks.opening.card import render_card, render_eval_yaml
from genjudge.benchmarks.opening.release import (
    MissingImages,
    available_splits,
    benchmark_dir,
    count_records,
    iter_records,
    split_file,
)
from genjudge.benchmarks.opening.schema import FEATURES, instance_to_row
from genjudge.hub.publish import ParquetShardWriter, atomic_directory
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
    schema = FEATURES.arrow_schema
    with atomic_directory(out_dir, overwrite=overwrite) as tmp:
        split_bytes: dict[str, int] = {}
        for split in splits:
            writer = ParquetShardWriter(tmp, split, schema, max_shard_bytes=max_shard_bytes)
            total = count_records(split_file(base, split))
            records = iter_records(
                base, split, allow_missing_images=allow_missing_images, missing=report.missing_images
            )
            for record in tqdm(
                records, total=total, desc=f"OpenING {split}", unit="inst", disable=not progress
            ):
                steps = record.instance.input_steps + record.instance.output_steps
                payload = sum(len(step.image) for step in steps if step.image is not None)
                report.images += sum(step.image is not None for step in steps)
                report.image_bytes += payload
                writer.write(instance_to_row(record.instance, record.paths), payload + 1024)
            shards = writer.close()
            report.split_sizes[split] = writer.num_rows
            report.shards[split] = [str(path.relative_to(tmp)) for path in shards]
            split_bytes[split] = writer.num_bytes
        (tmp / "README.md").write_text(render_card(report.split_sizes, split_bytes), encoding="utf-8")
        (tmp / "eval.yaml").write_text(render_eval_yaml(splits), encoding="utf-8")
    return report
