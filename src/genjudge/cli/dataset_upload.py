"""What every ``genjudge data build <benchmark>`` command shares: the Hub options and the upload
of the finished folder, so each command reports a failed upload the same way (exit code 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from genjudge.hub import publish
from genjudge.hub.errors import HubError

PushOpt = Annotated[
    str | None,
    typer.Option("--push-to-hub", metavar="REPO_ID", help="Also upload the folder to this Hub dataset repo."),
]
TokenOpt = Annotated[
    str | None, typer.Option("--token", envvar="HF_TOKEN", help="Hub token for --push-to-hub.")
]
OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="Replace --out if it exists.")]


def upload_built(folder: Path, repo_id: str, token: str | None, console: Console) -> None:
    """Push a complete dataset folder; a failure (offline, no token, no rights, bad id) is a message
    with the token redacted and exit code 3, and the folder stays as it is."""
    try:
        url = publish.push_to_hub(folder, repo_id, token=token)
    except HubError as exc:
        console.print(
            f"[bold red]Upload to {repo_id} failed[/]: {exc}\n"
            f"The dataset folder {folder} is complete; fix the cause (HF_TOKEN, network, HF_HUB_OFFLINE) "
            "and run the build again with --overwrite --push-to-hub.",
            highlight=False,
        )
        raise typer.Exit(3) from None
    console.print(f"[green]Uploaded[/] to {url}")
