"""The rich consoles every command prints through.

Rich falls back to 80 columns when output is not a terminal (CI logs, pipes, ``tee``), which
squeezes the result tables until cells read "Ra…". Output that is not a terminal gets a wider
page instead; a real terminal keeps its own width.
"""

from __future__ import annotations

from rich.console import Console

PIPE_WIDTH = 120


def make_console(*, stderr: bool = False, soft_wrap: bool = False) -> Console:
    """A console for tables: the terminal's width, or ``PIPE_WIDTH`` columns when piped."""
    console = Console(stderr=stderr, soft_wrap=soft_wrap)
    if not console.is_terminal:
        console = Console(stderr=stderr, soft_wrap=soft_wrap, width=max(console.width, PIPE_WIDTH))
    return console
