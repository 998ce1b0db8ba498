"""``genjudge data``: turn an official benchmark release into a Hub-ready dataset repository.

``data build <name>`` has one subcommand per registered benchmark that declares a ``dataset``
section; each is imported only when it runs, so building OpenING never loads General-Bench's metric
libraries."""

from __future__ import annotations

import typer

from genjudge.benchmarks import registered_benchmarks
from genjudge.cli.console import HELP_MARKUP
from genjudge.cli.lazy import Subcommand, lazy_group

BUILD_HELP = (
    "Convert an official benchmark release into a Hub-ready dataset repository; one subcommand per benchmark."
)


def build_subcommands() -> tuple[Subcommand, ...]:
    """One ``data build`` subcommand per benchmark with a dataset section."""
    return tuple(
        Subcommand(section.name, section.target.module, section.target.attribute, section.summary)
        for benchmark in registered_benchmarks()
        if (section := benchmark.dataset) is not None
    )


app = typer.Typer(
    help="Build benchmark datasets (Parquet + dataset card) and publish them.", no_args_is_help=True
)
build_app = typer.Typer(
    help=BUILD_HELP, no_args_is_help=True, rich_markup_mode=HELP_MARKUP, cls=lazy_group(build_subcommands())
)
app.add_typer(build_app, name="build")
