"""The toy benchmark's commands: ``genjudge data build toy-spelling`` and the ``genjudge toy`` group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from datasets import Dataset
from toy_benchmark.board import SAMPLE, read_words

app = typer.Typer(help="The toy benchmark's own commands.", no_args_is_help=True)


@app.command()
def count(release: Annotated[Path, typer.Option("--release")] = SAMPLE) -> None:
    """Print how many words the release holds."""
    typer.echo(f"{len(read_words(release))} words")


def build(
    source: Annotated[Path, typer.Option("--source")],
    out: Annotated[Path, typer.Option("--out")],
) -> None:
    """Build the toy release."""
    words = read_words(source)
    out.mkdir(parents=True, exist_ok=True)
    Dataset.from_dict({"id": list(words), "word": list(words.values())}).to_parquet(out / "test.parquet")
    typer.echo(f"Wrote {out}: {len(words)} words")
