"""Subcommands imported when they are used, so ``genjudge --help`` and each command start quickly.

Every subcommand module pulls in its part of the library (``datasets``, pandas and matplotlib,
the General-Bench metric libraries, gradio...): importing all of them made ``genjudge --help`` take
seconds before printing a line. The root group therefore knows each subcommand by name, module
and one-line summary, lists it from that, and imports the module only when the subcommand runs
or shows its own help. A test checks each summary against the module's own help text.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

from genjudge.cli.console import HELP_MARKUP, HelpGroup, use_help_pages


@dataclass(frozen=True)
class Subcommand:
    """A subcommand of the root group: ``module.attribute`` is a ``typer.Typer`` or a command function."""

    name: str
    module: str
    attribute: str
    summary: str

    def load(self) -> TyperCommand | TyperGroup:
        """Import the module and build its click command with genjudge's help pages."""
        target = getattr(importlib.import_module(self.module), self.attribute)
        holder = typer.Typer(rich_markup_mode=HELP_MARKUP, add_completion=False)
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=self.name)
        else:
            holder.command(self.name)(target)
        use_help_pages(holder)
        group = typer.main.get_group(holder)
        return group.commands[self.name]


class LazyGroup(HelpGroup):
    """The root group: eager commands as usual, plus :attr:`subcommands` loaded on first use."""

    subcommands: ClassVar[tuple[Subcommand, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [*(sub.name for sub in self.subcommands), *super().list_commands(ctx)]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> TyperCommand | TyperGroup | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        sub = next((sub for sub in self.subcommands if sub.name == cmd_name), None)
        if sub is None:
            return None
        if self._listing:
            return TyperCommand(sub.name, help=sub.summary, short_help=sub.summary)
        self.commands[cmd_name] = command = sub.load()
        return command

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def lazy_group(subcommands: tuple[Subcommand, ...]) -> type[LazyGroup]:
    """A :class:`LazyGroup` class holding ``subcommands`` (typer instantiates the class itself)."""
    return type("GenjudgeGroup", (LazyGroup,), {"subcommands": subcommands})
