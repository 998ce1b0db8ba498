"""What a command with a verdict cache says when Ctrl-C stops it: what is kept and how to resume.

The cache commits each batch as it arrives (``genjudge.judges.jobs``), so an interrupted run has
lost at most the batch in flight; the user needs to hear that, with the numbers, and the command
that carries on from there (the same one: cached verdicts are never judged again).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from genjudge.judges.cache import VerdictCache

INTERRUPTED_EXIT_CODE = 130
"""The shell's code for a process stopped by SIGINT (128 + 2)."""


def stored_verdicts(cache: Path | None) -> int:
    """How many verdicts ``cache`` holds now (0 for no cache or none yet), without creating it."""
    if cache is None or not cache.is_file():
        return 0
    with VerdictCache(cache) as opened:
        return len(opened)


def resume_command(argv: list[str] | None = None) -> str:
    """The command line that was run, as ``genjudge …``, quoted for a POSIX shell."""
    return shlex.join(["genjudge", *(sys.argv if argv is None else argv)[1:]])


def interrupted_message(cache: Path | None, stored_before: int) -> str:
    """The lines to print after Ctrl-C: the verdicts kept in ``cache`` and the command to resume."""
    if cache is None:
        return (
            "Interrupted: no verdict was kept and no verdict file was written. Pass --cache FILE to "
            "keep each batch's verdicts, so that running the command again resumes where it stopped."
        )
    stored = stored_verdicts(cache)
    return (
        f"Interrupted: {cache} keeps {stored - stored_before} verdicts judged in this run "
        f"({stored} in all); no verdict file was written. Resume with the same command (cached "
        f"verdicts are not judged again):\n  {resume_command()}"
    )
