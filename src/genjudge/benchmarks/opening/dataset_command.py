"""``genjudge data build opening``: an OpenING release into a Hub-ready dataset repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genjudge.benchmarks.opening.repo import build_repo
from genjudge.cli.console import make_console
from genjudge.cli.dataset_upload import OverwriteOpt, PushOpt, TokenOpt, upload_built
from genjudge.safe_io.located_error import FormatError

console = make_console(stderr=True)


def build_opening(
    source: Annotated[
        Path, typer.Option("--source", help="Folder containing OpenING-benchmark/ (or that folder).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Dataset repository folder to write.")],
    push_to_hub_repo: PushOpt = None,
    overwrite: OverwriteOpt = False,
    allow_missing_images: Annotated[
        bool,
        typer.Option(
            "--allow-missing-images", help="Store images missing from the release as null (and count them)."
        ),
    ] = False,
    token: TokenOpt = None,
) -> None:
    """Convert an OpenING release into Parquet shards, README.md card and eval.yaml."""
    try:
        report = build_repo(source, out, overwrite=overwrite, allow_missing_images=allow_missing_images)
    except FormatError as exc:
        console.print(f"[bold red]OpenING format error[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    except FileExistsError as exc:
        console.print(f"[bold red]Error[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    sizes = ", ".join(f"{split}={count}" for split, count in report.split_sizes.items())
    megabytes = report.image_bytes / 1e6
    console.print(f"[green]Wrote[/] {report.out_dir}: {sizes}; {report.images} images ({megabytes:.1f} MB)")
    if report.missing_images:
        console.print(f"[yellow]{report.missing_images.summary()}[/]\nThey are stored as null images.")
    if push_to_hub_repo:
        upload_built(report.out_dir, push_to_hub_repo, token, console)


def build_sample(out_dir: Path) -> None:
    """The bundled sample release as a dataset repository folder (the demo's first step)."""
    from genjudge.benchmarks.opening.sample import sample_dir

    build_repo(sample_dir(), out_dir, overwrite=True)
