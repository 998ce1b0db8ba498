"""The ``genjudge`` command. Each subcommand group lives in its own module of this package and
only parses arguments, calls the library and formats output."""

from __future__ import annotations

import typer

from genjudge import __version__
from genjudge.cli import arena, data, demo, evalmi, general_level, judge, leaderboard, metrics
from genjudge.cli.console import HELP_MARKUP, HelpGroup, use_help_pages

app = typer.Typer(
    name="genjudge",
    help="Benchmark multimodal generation models and judge their outputs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=HELP_MARKUP,
    cls=HelpGroup,
)
app.add_typer(arena.app, name="arena")
app.add_typer(data.app, name="data")
app.add_typer(leaderboard.app, name="leaderboard")
app.command("demo")(demo.demo)
app.command("install-metrics")(metrics.install_metrics)
app.add_typer(judge.app, name="judge")
app.add_typer(general_level.app, name="general-level")
app.add_typer(evalmi.app, name="evalmi")


@app.command()
def version() -> None:
    """Print the installed genjudge version."""
    typer.echo(__version__)


use_help_pages(app)


def main() -> None:
    app()
