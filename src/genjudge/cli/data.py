"""``genjudge data``: turn an official benchmark release into a Hub-ready dataset repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genjudge.benchmarks.opening import OpeningFormatError
from genjudge.benchmarks.opening.repo import build_repo
from genjudge.cli import evalmi, general_bench
from genjudge.cli.console import make_console
from genjudge.hub_errors import HubError
from genjudge.publish import push_to_hub

app = typer.Typer(
    help="Build benchmark datasets (Parquet + dataset card) and publish them.", no_args_is_help=True
)
build_app = typer.Typer(
    help="Convert an official benchmark release into a Hub-ready dataset repository; one subcommand "
    "per benchmark.",
    no_args_is_help=True,
)
app.add_typer(build_app, name="build")
build_app.command("general-bench")(general_bench.build)
build_app.command("evalmi-50k")(evalmi.build_dataset)
console = make_console(stderr=True)


@build_app.command("opening")
def build_opening(
    source: Annotated[
        Path, typer.Option("--source", help="Folder containing OpenING-benchmark/ (or that folder).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Dataset repository folder to write.")],
    push_to_hub_repo: Annotated[
        str | None,
        typer.Option(
            "--push-to-hub", metavar="REPO_ID", help="Also upload the folder to this Hub dataset repo."
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace --out if it exists.")] = False,
    allow_missing_images: Annotated[
        bool,
        typer.Option(
            "--allow-missing-images", help="Store images missing from the release as null (and count them)."
        ),
    ] = False,
    token: Annotated[
        str | None, typer.Option("--token", envvar="HF_TOKEN", help="Hub token for --push-to-hub.")
    ] = None,
) -> None:
    """Convert an OpenING release into Parquet shards, README.md card and eval.yaml."""
    try:
        report = build_repo(source, out, overwrite=overwrite, allow_missing_images=allow_missing_images)
    except OpeningFormatError as exc:
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
        try:
            url = push_to_hub(report.out_dir, push_to_hub_repo, token=token)
        except HubError as exc:  # offline, unreachable, no token, no rights, bad id (token redacted)
            console.print(
                f"[bold red]Upload to {push_to_hub_repo} failed[/]: {exc}\n"
                f"The dataset folder {report.out_dir} is complete; fix the cause (HF_TOKEN, network, "
                "HF_HUB_OFFLINE) and run the build again with --overwrite --push-to-hub.",
                highlight=False,
            )
            raise typer.Exit(3) from None
        console.print(f"[green]Uploaded[/] to {url}")
