"""The rich consoles every command prints through, and the help pages every command shows.

Rich falls back to 80 columns when output is not a terminal (CI logs, pipes, ``tee``), which
squeezes the result tables until cells read "Ra…". Output that is not a terminal gets a wider
page instead; a real terminal keeps its own width.

Result tables (:class:`ResultTable`, printed by a :class:`Report`) never hide a number: a column
holding numbers is as wide as its widest cell and its header, at any width. Output that is not a
terminal is printed as wide as that needs (a file or a CI log has no edge); in a terminal too
narrow for it, text cells wrap, and if even that is not enough each row is printed as a stack of
``header: value`` lines. ``--format csv|json|markdown`` (:data:`FormatOption`, one option for
every command that prints results) gives the same tables for programs and documents.

Help pages: typer 0.29 writes a value type into the options panel for every option, flags
included, so ``--swap`` and even ``--help`` read ``<bool>`` as if they took a value (typer 0.28
left out any type naming ``bool``; the plain, non-rich help still leaves flags out). The vendored
click of typer 0.29 is what renders help, so the installed click version plays no part.
:func:`use_help_pages` gives every command and group of an app a class whose help shows no type
for flags; the app renders help text as Markdown, so `code` in docstrings and help strings shows
as code instead of raw backticks.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text
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


class OutputFormat(str, Enum):
    """How a command prints its result tables."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        help="`table` (for people; never cuts a number), `csv`, `json` or `markdown`. Tables go to "
        "stdout; with csv, other messages go to stderr.",
        case_sensitive=False,
    ),
]


@dataclass(frozen=True)
class ResultColumn:
    """One column of a result table. ``kind`` says how its values are written: ``text``, ``fixed``
    (text that must stay on one line, such as a date), ``count`` (an integer), ``number`` and
    ``percent`` (a fraction shown ×100 with a ``%``) with ``digits`` decimals, ``interval`` (a
    (lower, upper) pair, with ``digits`` decimals) or ``flag`` (a bool shown as ``yes``). Every
    kind but ``text`` is never wrapped or cut."""

    header: str
    kind: str = "text"
    digits: int = 2

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers (right-aligned)."""
        return self.kind not in ("text", "fixed")

    @property
    def wraps(self) -> bool:
        return self.kind == "text"


@dataclass
class ResultTable:
    """A titled table of raw values (numbers stay numbers until they are written)."""

    title: str
    columns: Sequence[ResultColumn]
    rows: list[Sequence[Any]] = field(default_factory=list)
    caption: str = ""

    def texts(self) -> list[list[str]]:
        """Every cell as people read it: the same decimals down a column."""
        return [
            [cell_text(column, value) for column, value in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: float, digits: int) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.{digits}f}"


def cell_text(column: ResultColumn, value: Any) -> str:
    """One value as its column writes it; a string passes through (a cell such as ``3/5``)."""
    if isinstance(value, str):
        return value
    if column.kind == "interval":
        if value is None or any(_missing(bound) for bound in value):
            return "—"
        return " – ".join(_number(float(bound), column.digits) for bound in value)
    if _missing(value):
        return "—"
    if column.kind == "flag":
        return "yes" if value else ""
    if column.kind == "count":
        return str(int(value))
    if column.kind == "percent":
        return _number(float(value) * 100, column.digits) + "%"
    if column.kind == "number":
        return _number(float(value), column.digits)
    return str(value)


def _json_value(value: Any) -> Any:
    """A raw value for JSON: numbers as numbers, NaN as null, infinities as "inf"/"-inf"."""
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


# Each column takes its width plus one space either side and one border; plus the left border.
_CELL_EXTRA = 3
# How narrow a text column may wrap: in a terminal, to a few characters; in a file or a log, which
# has no edge, only a long text (a prompt, a caption) wraps.
_TEXT_MIN_TERMINAL = 8
_TEXT_MIN_PIPE = 40


def _bounds(table: ResultTable, texts: list[list[str]], text_min: int) -> tuple[list[int], list[int]]:
    """Per column, the width with nothing wrapped and the least it may take: a column of numbers
    keeps its full width; a text column may wrap down to its longest header word (or a few
    characters)."""
    natural, minimum = [], []
    for index, column in enumerate(table.columns):
        widest = max([cell_len(column.header), *(cell_len(row[index]) for row in texts)])
        natural.append(widest)
        if column.wraps:
            words = max(cell_len(word) for word in column.header.split() or [""])
            minimum.append(max(words, min(widest, text_min)))
        else:
            minimum.append(widest)
    return natural, minimum


def _widths(natural: list[int], minimum: list[int], available: int) -> list[int] | None:
    """Column widths that fit ``available`` columns of screen, widest text columns wrapped first;
    None when even the minimum widths do not fit."""
    budget = available - _CELL_EXTRA * len(natural) - 1
    if sum(minimum) > budget:
        return None
    widths = list(natural)
    while sum(widths) > budget:
        widest = max((i for i, w in enumerate(widths) if w > minimum[i]), key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


class Report:
    """Where a command's result tables and remarks go, in the ``--format`` it was given.

    ``table`` and ``markdown`` print each table and line as they come; ``csv`` prints each table
    (a ``# title`` line, then the rows; tables apart by a blank line) and sends remarks to stderr;
    ``json`` collects everything and prints one document at :meth:`close`:
    ``{"tables": [{"title", "columns", "rows": [{header: value}], "caption"}], "notes": [...]}``
    with numbers unrounded (percentages as fractions, intervals as [lower, upper]).
    """

    def __init__(self, fmt: OutputFormat = OutputFormat.table) -> None:
        self.format = OutputFormat(fmt)
        self._tables: list[dict[str, Any]] = []
        self._notes: list[str] = []
        self._printed = 0

    def line(self, text: str) -> None:
        """A remark for people (a heading, a note, a file written)."""
        if self.format is OutputFormat.json:
            self._notes.append(text)
        elif self.format is OutputFormat.csv:
            print(text, file=sys.stderr)
        else:
            print(text)

    def table(self, table: ResultTable) -> None:
        if self.format is OutputFormat.json:
            self._tables.append(
                {
                    "title": table.title,
                    "columns": [column.header for column in table.columns],
                    "rows": [
                        {c.header: _json_value(v) for c, v in zip(table.columns, row, strict=True)}
                        for row in table.rows
                    ],
                    "caption": table.caption,
                }
            )
        elif self.format is OutputFormat.csv:
            self._csv(table)
        elif self.format is OutputFormat.markdown:
            self._markdown(table)
        else:
            print_table(table)

    def close(self) -> None:
        """Print what was collected (JSON only)."""
        if self.format is OutputFormat.json:
            payload = {"tables": self._tables, "notes": self._notes}
            print(json.dumps(payload, indent=2, ensure_ascii=False))

    def _csv(self, table: ResultTable) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([column.header for column in table.columns])
        writer.writerows(table.texts())
        separator = "\n" if self._printed else ""
        sys.stdout.write(f"{separator}# {table.title}\n{buffer.getvalue()}")
        self._printed += 1

    def _markdown(self, table: ResultTable) -> None:
        def row(cells: Iterable[str]) -> str:
            return "| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |"

        lines = [f"### {table.title}", "", row(c.header for c in table.columns)]
        lines.append("|" + "|".join("---:" if c.numeric else ":---" for c in table.columns) + "|")
        lines.extend(row(cells) for cells in table.texts())
        if table.caption:
            lines += ["", f"_{table.caption}_"]
        print("\n".join(lines) + "\n")


def print_table(table: ResultTable, *, stderr: bool = False) -> None:
    """Print ``table`` for people without cutting or splitting a number or a header.

    Not a terminal: as wide as the table needs (at least ``PIPE_WIDTH``, so long text cells still
    wrap). A terminal: its width; text cells wrap; if the numbers and the header words alone do
    not fit, each row becomes a block of ``header: value`` lines, which the terminal may fold but
    nothing here cuts.
    """
    console = Console(stderr=stderr)
    texts = table.texts()
    available = console.width
    if console.is_terminal:
        natural, minimum = _bounds(table, texts, _TEXT_MIN_TERMINAL)
    else:
        natural, minimum = _bounds(table, texts, _TEXT_MIN_PIPE)
        available = max(available, PIPE_WIDTH, sum(minimum) + _CELL_EXTRA * len(minimum) + 1)
        console = Console(stderr=stderr, width=available)
    widths = _widths(natural, minimum, available)
    if widths is None:
        _print_stacked(console, table, texts)
        return
    out = Table(title=table.title, caption=table.caption or None)
    for column, width in zip(table.columns, widths, strict=True):
        out.add_column(
            column.header,
            justify="right" if column.numeric else "left",
            width=width,
            no_wrap=not column.wraps,
            overflow="fold",
        )
    for cells in texts:
        out.add_row(*(Text(cell) for cell in cells))
    console.print(out)


def _print_stacked(console: Console, table: ResultTable, texts: list[list[str]]) -> None:
    """Each row as ``header: value`` lines (the value on a line of its own when both do not fit);
    only the title and the caption, which are prose, wrap."""
    console.print(Text(table.title, style="bold italic"))
    for cells in texts:
        console.print()
        for column, cell in zip(table.columns, cells, strict=True):
            if cell_len(f"{column.header}: {cell}") <= console.width:
                console.print(Text(f"{column.header}: {cell}"), soft_wrap=True)
            else:
                console.print(Text(f"{column.header}:"))
                console.print(Text(f"  {cell}"), soft_wrap=True)
    if table.caption:
        console.print()
        console.print(Text(table.caption, style="dim"))


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
