"""The rich consoles every command prints through, and the help pages every command shows.

Rich falls back to 80 columns when output is not a terminal (CI logs, pipes, ``tee``), which
squeezes the result tables until cells read "Ra…". Output that is not a terminal gets a wider
page instead; a real terminal keeps its own width.

Help pages: typer 0.29 writes a value type into the options panel for every option, flags
included, so ``--swap`` and even ``--help`` read ``<bool>`` as if they took a value (typer 0.28
left out any type naming ``bool``; the plain, non-rich help still leaves flags out). The vendored
click of typer 0.29 is what renders help, so the installed click version plays no part.
:func:`use_help_pages` gives every command and group of an app a class whose help shows no type
for flags; the app renders help text as Markdown, so `code` in docstrings and help strings shows
as code instead of raw backticks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.models import DefaultPlaceholder

PIPE_WIDTH = 120
HELP_MARKUP = "markdown"


def make_console(*, stderr: bool = False, soft_wrap: bool = False) -> Console:
    """A console for tables: the terminal's width, or ``PIPE_WIDTH`` columns when piped."""
    console = Console(stderr=stderr, soft_wrap=soft_wrap)
    if not console.is_terminal:
        console = Console(stderr=stderr, soft_wrap=soft_wrap, width=max(console.width, PIPE_WIDTH))
    return console


def _hide_flag_types(params: Iterable[object]) -> None:
    """A flag takes no value, so its help shows no value type: an empty metavar shows nothing."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""


class HelpCommand(TyperCommand):
    """A command whose help lists value types for options that take a value, and none for flags."""

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        _hide_flag_types(self.get_params(ctx))
        super().format_help(ctx, formatter)


class HelpGroup(TyperGroup):
    """A command group whose help shows no value type for flags (see :class:`HelpCommand`)."""

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        _hide_flag_types(self.get_params(ctx))
        super().format_help(ctx, formatter)


def use_help_pages(app: typer.Typer) -> None:
    """Give every command and sub-group registered under ``app`` the help classes above.

    Call it once on the root app after every ``add_typer``/``command``: commands defined in any
    module get the same help page without each module asking for it. A command or group that
    names its own class keeps it.
    """
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = HelpCommand
    for group in app.registered_groups:
        sub_app = group.typer_instance
        if _default_group_class(group.cls) and (sub_app is None or _default_group_class(sub_app.info.cls)):
            group.cls = HelpGroup
        if sub_app is not None:
            use_help_pages(sub_app)


def _default_group_class(cls: object) -> bool:
    return isinstance(cls, DefaultPlaceholder) or cls in (None, TyperGroup)
