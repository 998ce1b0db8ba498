"""The dataset part of ``genjudge demo``: each benchmark's bundled sample release built into a
Hub-ready dataset folder, then loaded back with ``load_dataset`` exactly as a user would, and one
row spelled out field by field (nested steps and images included)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datasets import DatasetDict, load_dataset
from PIL import Image

from genjudge.benchmarks import registered_benchmarks
from genjudge.benchmarks.sections import DatasetSection

DEFAULT_DEMO_DIR = Path("genjudge-demo")
TEXT_PREVIEW = 80


@dataclass(frozen=True)
class DatasetSummary:
    """What ``load_dataset`` returned: split sizes and one row as (field path, shown value) lines."""

    name: str
    folder: Path
    split_sizes: dict[str, int]
    example: list[tuple[str, str]]


def sample_datasets(only: Sequence[str] = ()) -> list[DatasetSection]:
    """The dataset sections that can build a bundled sample (of the benchmarks in ``only``, if given)."""
    return [
        benchmark.dataset
        for benchmark in registered_benchmarks()
        if benchmark.dataset is not None
        and benchmark.dataset.sample is not None
        and (not only or benchmark.name in only or benchmark.dataset.name in only)
    ]


def build_sample_dataset(section: DatasetSection, out_dir: Path) -> Path:
    """Build ``section``'s bundled sample into ``out_dir`` (replacing it)."""
    if section.sample is None:
        raise ValueError(f"{section.name} bundles no sample release")
    section.sample.load()(out_dir)
    return out_dir


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Image.Image):
        return f"image {value.size[0]}x{value.size[1]}"
    text = str(value)
    return text if len(text) <= TEXT_PREVIEW else text[: TEXT_PREVIEW - 1] + "…"


def _flatten(path: str, value: Any) -> list[tuple[str, str]]:
    """Nested lists and dicts as one line per leaf, so interleaved steps read in order."""
    if isinstance(value, dict):
        return [line for key, item in value.items() for line in _flatten(f"{path}.{key}", item)]
    if isinstance(value, list) and value and all(isinstance(item, dict | list) for item in value):
        return [line for index, item in enumerate(value) for line in _flatten(f"{path}[{index}]", item)]
    return [(path, _shown(value))]


def summarize_dataset(name: str, folder: Path) -> DatasetSummary:
    """Load ``folder`` with ``load_dataset`` and describe its first row of the last split."""
    dataset = load_dataset(str(folder))
    if not isinstance(dataset, DatasetDict):
        raise TypeError(f"{folder} did not load as a DatasetDict")
    split = list(dataset)[-1]
    row = dataset[split][0]
    return DatasetSummary(
        name=name,
        folder=folder,
        split_sizes={split_name: part.num_rows for split_name, part in dataset.items()},
        example=[line for key, value in row.items() for line in _flatten(key, value)],
    )
