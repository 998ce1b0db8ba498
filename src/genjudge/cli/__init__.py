"""The ``genjudge`` command. Each generic subcommand group lives in its own module of this package,
and each registered benchmark may add a group of its own (its ``cli`` section, see
:mod:`genjudge.benchmarks.sections`); a group only parses arguments, calls the library and formats
output, and the root imports a group's module only when it is used (see :mod:`genjudge.cli.lazy`)."""

from __future__ import annotations

from typing import Annotated

import typer

from genjudge import __version__
from genjudge.benchmarks import registered_benchmarks
from genjudge.cli.console import HELP_MARKUP, use_help_pages
from genjudge.cli.lazy import Subcommand, lazy_group
from genjudge.cli.missing_extra import missing_extra_message

SUBCOMMANDS = (
    Subcommand(
        "demo",
        "genjudge.cli.demo",
        "demo",
        "Build the bundled OpenING sample into a dataset repo, submit every benchmark's bundled sample "
        "to a fresh local leaderboard, evaluate them offline and print the boards (`--serve` then opens "
        "the Space).",
    ),
    Subcommand(
        "install-metrics",
        "genjudge.cli.metrics",
        "install_metrics",
        'Install genjudge\'s evaluate modules so `evaluate.load("<name>")` finds them from any directory.',
    ),
    Subcommand(
        "arena",
        "genjudge.cli.arena",
        "app",
        "Arena scoring: win rates, Bradley–Terry ratings, judge–human agreement.",
    ),
    Subcommand(
        "data",
        "genjudge.cli.data",
        "app",
        "Build benchmark datasets (Parquet + dataset card) and publish them.",
    ),
    Subcommand(
        "leaderboard",
        "genjudge.cli.leaderboard",
        "app",
        "The leaderboard: a local folder (default) or a Hub dataset repo, one board per benchmark.",
    ),
    Subcommand("judge", "genjudge.cli.judge", "app", "Judge pairs of model outputs with a pairwise judge."),
    Subcommand(
        "generate",
        "genjudge.cli.generate",
        "generate",
        "Generate a benchmark's outputs with a model, in the layout its board and scorers read.",
    ),
    Subcommand(
        "run",
        "genjudge.cli.generate",
        "run",
        "Generate a benchmark's outputs with a model, submit them to its board, evaluate, print the row.",
    ),
)


def benchmark_subcommands() -> tuple[Subcommand, ...]:
    """The command groups the registered benchmarks add (their ``cli`` sections)."""
    return tuple(
        Subcommand(section.name, section.target.module, section.target.attribute, section.summary)
        for benchmark in registered_benchmarks()
        if (section := benchmark.cli) is not None
    )


app = typer.Typer(
    name="genjudge",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=HELP_MARKUP,
    cls=lazy_group(SUBCOMMANDS + benchmark_subcommands()),
)


def _print_version(requested: bool) -> None:
    if requested:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the installed genjudge version."
        ),
    ] = False,
) -> None:
    """Benchmark multimodal generation models and judge their outputs."""


@app.command()
def version() -> None:
    """Print the installed genjudge version."""
    typer.echo(__version__)


use_help_pages(app)


def main() -> None:
    """The console script: a command that reaches a library of an extra that is not installed says
    which extra to install (exit code 3) instead of ending in a traceback."""
    try:
        app()
    except ModuleNotFoundError as exc:
        message = missing_extra_message(exc)
        if message is None:
            raise
        typer.echo(f"Error: {message}", err=True)
        raise SystemExit(3) from None
