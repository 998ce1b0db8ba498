"""Build a Hub-ready EvalMi-50K dataset repository from the official release layout.

Output (all or nothing, written by :func:`genjudge.hub.dataset_repo.write_dataset_repo`)::

    <out>/README.md                                        card: configs + dataset_info.features
    <out>/eval.yaml                                        Hub benchmark registration
    <out>/data/default-test-NNNNN-of-NNNNN.parquet         one row per image, bytes as stored
    <out>/data/prompts-test-00000-of-00001.parquet         one row per prompt
    <out>/data/<task>_fold_1-{train,test}-*.parquet        the official folds, when present
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genjudge.benchmarks.evalmi.card import dataset_repo
from genjudge.benchmarks.evalmi.images import read_checked_image
from genjudge.benchmarks.evalmi.release import MissingImages, Release, read_release
from genjudge.benchmarks.evalmi.schema import fold_to_row, image_to_row, prompt_to_row
from genjudge.hub.dataset_repo import Split, row_counts, write_dataset_repo


@dataclass
class BuildReport:
    """What a build wrote, for the CLI to print and tests to check."""

    out_dir: Path
    configs: dict[str, dict[str, int]] = field(default_factory=dict)
    images: int = 0
    image_bytes: int = 0
    missing_images: MissingImages = field(default_factory=MissingImages)
    release: Release | None = None


def build_repo(
    source_dir: str | Path,
    out_dir: str | Path,
    *,
    images_dir: str | Path | None = None,
    overwrite: bool = False,
    require_images: bool = False,
    progress: bool = True,
    max_shard_bytes: int = 500 * 1024 * 1024,
) -> BuildReport:
    """Convert the release at ``source_dir`` (images under ``images_dir``) into ``out_dir``.

    Raises :class:`~genjudge.safe_io.located_error.FormatError` on any format problem
    and leaves ``out_dir`` untouched. Images missing from disk are stored as null and listed in
    ``report.missing_images`` (the ratings alone are still a usable benchmark for metrics whose
    scores were computed elsewhere); ``require_images`` refuses them instead.
    """
    release = read_release(source_dir, images_dir)
    report = BuildReport(out_dir=Path(out_dir), release=release)

    def counted_image_rows() -> Iterator[dict[str, Any]]:
        for row in image_rows(release):
            if row["image"] is None:
                report.missing_images.names.append(row["image_name"])
            else:
                report.images += 1
                report.image_bytes += len(row["image"]["bytes"])
            yield row
        if require_images and report.missing_images:
            raise FileNotFoundError(
                f"{report.missing_images.summary()} under {release.images_dir} (images are expected at "
                "<images>/<generator>/<NNN>.png)"
            )

    def facts() -> dict[str, Any]:
        return {
            "generators": release.generators(),
            "prompts": len(release.prompts),
            "images_missing": len(report.missing_images),
            "shared_cells": release.shared_cells,
            "prompt_mismatches": release.prompt_mismatches,
        }

    dataset = dataset_repo(
        Split(counted_image_rows(), len(release.ratings)),
        Split([prompt_to_row(prompt) for prompt in release.prompts]),
        {
            name: {split: Split([fold_to_row(r) for r in records]) for split, records in splits.items()}
            for name, splits in release.folds.items()
        },
        facts,
    )
    written = write_dataset_repo(
        dataset, out_dir, overwrite=overwrite, progress=progress, max_shard_bytes=max_shard_bytes
    )
    report.configs = row_counts(written)
    return report


def image_rows(release: Release) -> Iterator[dict[str, Any]]:
    """One row per rated image, its bytes as stored once checked by :func:`read_checked_image`;
    an image missing from the image folder is a null ``image``."""
    prompts = {prompt.index: prompt for prompt in release.prompts}
    for rating in release.ratings:
        path = release.image_path(rating)
        image = read_checked_image(path) if path.is_file() else None
        yield image_to_row(rating, prompts[rating.prompt_index], image)
