"""The one writer of Hub-ready dataset folders: every benchmark (and the judge-training set) describes
its dataset as a :class:`DatasetRepo` and this module writes it.

::

    <out>/README.md        card: YAML header (configs, dataset_info.features) + Markdown from a template
    <out>/eval.yaml        Hub benchmark registration, when the dataset is a benchmark
    <out>/<files>-NNNNN-of-NNNNN.parquet   each config's splits, streamed in row groups

The card's YAML header is what makes the folder work: ``configs`` tells ``load_dataset`` which
Parquet files form which split, and ``dataset_info.features`` tells it which columns are images (so
they decode to PIL) and which are lists. Writing both from the same :class:`Config` the shards were
written with keeps them in step. The card's text is a Jinja Markdown template kept next to the
benchmark (``card.md``), rendered with ``huggingface_hub``'s :meth:`DatasetCard.from_template`.

The folder is written all or nothing (:func:`~genjudge.hub.publish.atomic_directory`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from datasets import Features
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCard, DatasetCardData
from tqdm.auto import tqdm

from genjudge.hub.publish import ParquetShardWriter, atomic_directory

ROW_OVERHEAD = 512
"""Bytes counted per row on top of its byte and text values, for shard rollover."""


@dataclass(frozen=True)
class Split:
    """One split's rows, already in Arrow form (an image is ``{"bytes", "path"}``, stored as is).

    ``total`` sizes the progress bar when ``rows`` is a generator whose length is known up front."""

    rows: Iterable[dict[str, Any]]
    total: int | None = None


@dataclass(frozen=True)
class Config:
    """One config: its features, its splits, and where its shards go.

    ``files`` names the shards of a split, relative to the folder, with ``{config}`` and ``{split}``
    filled in; each shard is ``<files>-NNNNN-of-NNNNN.parquet`` and the card lists ``<files>-*``.
    ``default`` marks the config ``load_dataset(folder)`` picks when the folder has several.
    """

    name: str
    features: Features
    splits: Mapping[str, Split]
    files: str = "data/{config}-{split}"
    default: bool = False

    def shard_prefix(self, split: str) -> str:
        return self.files.format(config=self.name, split=split)


@dataclass(frozen=True)
class Card:
    """The dataset card: ``metadata`` are :class:`DatasetCardData` fields (``pretty_name``,
    ``license``, ``tags``, ...); ``template`` is a Jinja Markdown file whose first lines are
    ``---``, ``{{ card_data }}``, ``---``. ``variables`` is called once the rows are written, so it
    may report what reading them found. Every template also gets ``sizes``: ``{config: {split: rows}}``.
    """

    template: Path
    metadata: Mapping[str, Any]
    variables: Callable[[], Mapping[str, Any]] = dict


@dataclass(frozen=True)
class EvalTask:
    """One of ``eval.yaml``'s tasks: a score, computed on one split of one config."""

    id: str
    config: str
    split: str


@dataclass(frozen=True)
class EvalFile:
    """``eval.yaml``, the Hub's benchmark registration (``name``, ``description``,
    ``evaluation_framework``, ``tasks`` with ``id``/``config``/``split``). The framework is
    genjudge, the code that computes the scores; the Hub checks it against its list of registered
    frameworks, so the benchmark page shows a notice until genjudge is registered there."""

    name: str
    description: str
    tasks: Sequence[EvalTask]

    def render(self) -> str:
        doc = {
            "name": self.name,
            "description": self.description,
            "evaluation_framework": "genjudge",
            "tasks": [{"id": task.id, "config": task.config, "split": task.split} for task in self.tasks],
        }
        return yaml.safe_dump(doc, sort_keys=False, width=100)


@dataclass(frozen=True)
class DatasetRepo:
    """Everything written to the folder. ``files`` are further text files (name to contents)."""

    configs: Sequence[Config]
    card: Card
    eval: EvalFile | None = None
    files: Mapping[str, Callable[[], str]] = field(default_factory=dict)

    def card_files(self, sizes: Sizes) -> dict[str, str]:
        """README.md and (for a benchmark) eval.yaml, by name. With the official sizes instead of a
        build's, these are the template cards kept in ``dataset_scripts/``."""
        files = {"README.md": render_card(self, sizes)}
        if self.eval is not None:
            files["eval.yaml"] = self.eval.render()
        return files


@dataclass(frozen=True)
class SplitSize:
    rows: int
    bytes: int = 0
    shards: tuple[str, ...] = ()
    """Shard paths relative to the folder, in order."""


Sizes = Mapping[str, Mapping[str, SplitSize]]
"""``{config: {split: size}}``; a config left out has no split sizes on its card."""


def write_dataset_repo(
    dataset: DatasetRepo,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    progress: bool = True,
    max_shard_bytes: int = 500 * 1024 * 1024,
) -> dict[str, dict[str, SplitSize]]:
    """Write ``dataset`` to ``out_dir``: shards of at most about ``max_shard_bytes``, the card and
    ``eval.yaml``. An exception from a row iterator leaves ``out_dir`` as it was. Returns the sizes."""
    sizes: dict[str, dict[str, SplitSize]] = {}
    with atomic_directory(out_dir, overwrite=overwrite) as tmp:
        for config in dataset.configs:
            sizes[config.name] = {}
            for split, rows in config.splits.items():
                target = tmp / config.shard_prefix(split)
                writer = ParquetShardWriter(
                    target.parent, target.name, config.features.arrow_schema, max_shard_bytes=max_shard_bytes
                )
                desc = f"{dataset.card.metadata.get('pretty_name', '')} {config.name}/{split}".strip()
                for row in tqdm(rows.rows, total=rows.total, desc=desc, unit="row", disable=not progress):
                    writer.write(row, _payload_bytes(row) + ROW_OVERHEAD)
                shards = tuple(str(path.relative_to(tmp)) for path in writer.close())
                sizes[config.name][split] = SplitSize(writer.num_rows, writer.num_bytes, shards)
        for name, text in dataset.card_files(sizes).items():
            (tmp / name).write_text(text, encoding="utf-8")
        for name, contents in dataset.files.items():
            (tmp / name).write_text(contents(), encoding="utf-8")
    return sizes


def render_card(dataset: DatasetRepo, sizes: Sizes) -> str:
    """The complete README.md: the YAML header for ``dataset``'s configs with ``sizes``, then the
    rendered template."""
    card = DatasetCard.from_template(
        card_data(dataset, sizes),
        template_path=str(dataset.card.template),
        sizes=row_counts(sizes),
        **dataset.card.variables(),
    )
    return f"{card}\n"  # Jinja drops the template's final newline


def row_counts(sizes: Sizes) -> dict[str, dict[str, int]]:
    """``{config: {split: rows}}``."""
    return {config: {split: size.rows for split, size in splits.items()} for config, splits in sizes.items()}


def card_data(dataset: DatasetRepo, sizes: Sizes) -> DatasetCardData:
    """The YAML header: the card's metadata, ``configs`` (data files per split), ``size_categories``
    (from the default configs' rows, or all configs' when none is marked) and ``dataset_info``."""
    counted = [c for c in dataset.configs if c.default] or list(dataset.configs)
    rows = [size.rows for c in counted for size in sizes.get(c.name, {}).values()]
    data = DatasetCardData(
        **dataset.card.metadata,
        size_categories=[_size_category(sum(rows))] if rows else None,
        configs=[
            {
                "config_name": config.name,
                "data_files": [
                    {"split": split, "path": f"{config.shard_prefix(split)}-*"} for split in config.splits
                ],
                **({"default": True} if config.default else {}),
            }
            for config in dataset.configs
        ],
    )
    infos = {}
    for config in dataset.configs:
        splits = SplitDict()
        for split, size in sizes.get(config.name, {}).items():
            splits.add(SplitInfo(split, num_bytes=size.bytes, num_examples=size.rows))
        infos[config.name] = DatasetInfo(features=config.features, splits=splits or None)
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return data


def _payload_bytes(value: Any) -> int:
    """Roughly the bytes a row takes in Parquet: its byte strings and texts."""
    if isinstance(value, bytes | str):
        return len(value)
    if isinstance(value, dict):
        return sum(_payload_bytes(item) for item in value.values())
    if isinstance(value, list | tuple):
        return sum(_payload_bytes(item) for item in value)
    return 8


def _size_category(n: int) -> str:
    """The Hub's ``size_categories`` tag for a dataset of ``n`` rows (what its search filters on)."""
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "100K<n<1M"
