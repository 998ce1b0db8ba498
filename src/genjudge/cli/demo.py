"""``genjudge demo``: the main job on the embedded default data, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genjudge.cli.console import ResultColumn, ResultTable, make_console, print_table
from genjudge.cli.leaderboard import print_board
from genjudge.sample_boards import run_demo_board
from genjudge.sample_dataset import DEFAULT_DEMO_DIR, DatasetSummary, build_sample_dataset, summarize_dataset

console = make_console()


def show_summary(summary: DatasetSummary) -> None:
    """Print what ``load_dataset`` returned for the built folder."""
    sizes = ", ".join(f"{split}: {count}" for split, count in summary.split_sizes.items())
    console.print(f"load_dataset({str(summary.folder)!r}) -> splits {sizes}")
    columns = [
        ResultColumn("#", "count"),
        ResultColumn("side"),
        ResultColumn("text"),
        ResultColumn("image", "count"),
    ]
    rows = [
        [
            number,
            step.side,
            step.text,
            None if step.image_size is None else f"{step.image_size[0]}x{step.image_size[1]}",
        ]
        for number, step in enumerate(summary.example_steps, start=1)
    ]
    print_table(ResultTable(f"{summary.example_uid} · {summary.example_task}", columns, rows))


def demo(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the demo's outputs (its opening-dataset/ and leaderboard/ are replaced).",
        ),
    ] = DEFAULT_DEMO_DIR,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Then serve the leaderboard Space on 127.0.0.1.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 7860,
) -> None:
    """Build the bundled OpenING sample into a dataset repo, submit every benchmark's bundled sample
    to a fresh local leaderboard, evaluate them offline and print the boards (`--serve` then opens
    the Space)."""
    dataset_dir = out / "opening-dataset"
    console.rule("1. Build the embedded OpenING sample into a Hub-ready dataset folder")
    report = build_sample_dataset(dataset_dir)
    shards = [shard for split_shards in report.shards.values() for shard in split_shards]
    console.print(f"Wrote {dataset_dir}: README.md, eval.yaml, {', '.join(shards)}")
    console.rule("2. Load it back with datasets.load_dataset")
    show_summary(summarize_dataset(dataset_dir))
    console.rule("3. Submit the bundled samples to a local leaderboard and evaluate them")
    demo_board = run_demo_board(out / "leaderboard")
    for board_id, model, result in demo_board.submissions:
        console.print(f"{model} ({board_id}): {result.message}")
    for board_id, table in demo_board.tables.items():
        board = demo_board.boards[board_id]
        judge = getattr(board, "judge", None)
        title = f"{board_id} leaderboard" + (f" (judge: {judge.judge_id})" if judge is not None else "")
        print_board(table, title, board.spec, board.spec.all_scopes()[0].note)
    for chart in demo_board.charts:
        console.print(f"Wrote {chart}")
    console.print(f"Leaderboard dataset: {demo_board.store.root} (load_dataset(..., 'results'))")
    if serve:
        from genjudge.leaderboard.ui import launch

        console.rule("4. Serve the leaderboard Space")
        launch(demo_board.service(), host="127.0.0.1", port=port)
