"""``genjudge demo``: the main job on the embedded default data, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from genjudge.demo import DEFAULT_DEMO_DIR, DatasetSummary, build_sample_dataset, summarize_dataset

console = Console()


def show_summary(summary: DatasetSummary) -> None:
    """Print what ``load_dataset`` returned for the built folder."""
    sizes = ", ".join(f"{split}: {count}" for split, count in summary.split_sizes.items())
    console.print(f"load_dataset({str(summary.folder)!r}) -> splits {sizes}")
    table = Table(title=f"{summary.example_uid} · {summary.example_task}", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("side")
    table.add_column("text")
    table.add_column("image")
    for number, step in enumerate(summary.example_steps, start=1):
        size = "—" if step.image_size is None else f"{step.image_size[0]}x{step.image_size[1]}"
        table.add_row(str(number), step.side, step.text, size)
    console.print(table)


def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the demo's outputs (its opening-dataset/ is replaced).")
    ] = DEFAULT_DEMO_DIR,
) -> None:
    """Build the bundled OpenING sample into a dataset repo and show what load_dataset returns."""
    dataset_dir = out / "opening-dataset"
    console.rule("1. Build the embedded OpenING sample into a Hub-ready dataset folder")
    report = build_sample_dataset(dataset_dir)
    shards = [shard for split_shards in report.shards.values() for shard in split_shards]
    console.print(f"Wrote {dataset_dir}: README.md, eval.yaml, {', '.join(shards)}")
    console.rule("2. Load it back with datasets.load_dataset")
    show_summary(summarize_dataset(dataset_dir))
