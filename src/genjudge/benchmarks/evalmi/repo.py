"""Build a Hub-ready EvalMi-50K dataset repository from the official release layout.

Output (all or nothing, see :func:`genjudge.hub.publish.atomic_directory`)::

    <out>/README.md                                        card: configs + dataset_info.features
    <out>/eval.yaml                                        Hub benchmark registration
    <out>/data/default-test-NNNNN-of-NNNNN.parquet         one row per image, bytes as stored
    <out>/data/prompts-test-00000-of-00001.parquet         one row per prompt
    <out>/data/<task>_fold_1-{train,test}-*.parquet        the official folds, when present
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from genjudge.benchmarks.evalmi.card import CardFacts, ConfigSummary, render_card, render_eval_yaml
from genjudge.benchmarks.evalmi.images import read_checked_image
from genjudge.benchmarks.evalmi.release import MissingImages, Release, read_release
from genjudge.benchmarks.evalmi.schema import (
    FOLD_FEATURES,
    IMAGE_FEATURES,
    PROMPT_FEATURES,
    fold_to_row,
    image_to_row,
    prompt_to_row,
)
from genjudge.hub.publish import ParquetShardWriter, atomic_directory

BENCH_SPLIT = "test"


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
    prompts = {prompt.index: prompt for prompt in release.prompts}
    summaries: list[ConfigSummary] = []
    with atomic_directory(out_dir, overwrite=overwrite) as tmp:
        writer = ParquetShardWriter(
            tmp, f"default-{BENCH_SPLIT}", IMAGE_FEATURES.arrow_schema, max_shard_bytes=max_shard_bytes
        )
        for rating in tqdm(release.ratings, desc="EvalMi-50K images", unit="img", disable=not progress):
            path = release.image_path(rating)
            image = read_checked_image(path) if path.is_file() else None
            if image is None:
                report.missing_images.names.append(rating.image_name)
            else:
                report.images += 1
                report.image_bytes += len(image)
            writer.write(image_to_row(rating, prompts[rating.prompt_index], image), len(image or b"") + 512)
        if require_images and report.missing_images:
            raise FileNotFoundError(
                f"{report.missing_images.summary()} under {release.images_dir} (images are expected at "
                "<images>/<generator>/<NNN>.png)"
            )
        writer.close()
        summaries.append(_summary("default", IMAGE_FEATURES, {BENCH_SPLIT: writer}))
        writer = ParquetShardWriter(tmp, f"prompts-{BENCH_SPLIT}", PROMPT_FEATURES.arrow_schema)
        for prompt in release.prompts:
            writer.write(prompt_to_row(prompt), 1024)
        writer.close()
        summaries.append(_summary("prompts", PROMPT_FEATURES, {BENCH_SPLIT: writer}))
        for name, splits in release.folds.items():
            writers = {}
            for split, records in splits.items():
                writers[split] = ParquetShardWriter(tmp, f"{name}-{split}", FOLD_FEATURES.arrow_schema)
                for record in records:
                    writers[split].write(fold_to_row(record), 512)
                writers[split].close()
            summaries.append(_summary(name, FOLD_FEATURES, writers))
        facts = CardFacts(
            configs=summaries,
            generators=release.generators(),
            prompts=len(release.prompts),
            images_missing=len(report.missing_images),
            shared_cells=release.shared_cells,
            prompt_mismatches=release.prompt_mismatches,
        )
        (tmp / "README.md").write_text(render_card(facts), encoding="utf-8")
        (tmp / "eval.yaml").write_text(render_eval_yaml(), encoding="utf-8")
    report.configs = {summary.name: dict(summary.splits) for summary in summaries}
    return report


def _summary(name: str, features, writers: dict[str, ParquetShardWriter]) -> ConfigSummary:
    return ConfigSummary(
        name=name,
        features=features,
        splits={split: writer.num_rows for split, writer in writers.items()},
        split_bytes={split: writer.num_bytes for split, writer in writers.items()},
    )
