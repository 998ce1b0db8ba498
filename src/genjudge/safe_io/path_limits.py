"""Bounds on relative paths that come from strangers (zip members, image paths inside JSON).

File systems refuse a name over 255 bytes and a path over ``PATH_MAX`` (4,096 bytes on Linux)
with ``OSError`` — after some of a submission has been written, and with our temp folder's path in
the message. Checking the same bounds up front, on the submitter's own relative path, refuses the
file before anything touches the disk and in words that name the path the submitter wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PathLimits:
    """255 bytes per name is what ext4, XFS, btrfs and APFS allow; the path and depth bounds leave
    room under ``PATH_MAX`` for the folder the path is extracted into, and are far above any
    benchmark layout (``<Model>_output/<uid>-o-<k>.jpg`` is two levels)."""

    max_name_bytes: int = 255
    max_path_bytes: int = 1024
    max_depth: int = 16


DEFAULT_PATH_LIMITS = PathLimits()


def path_problem(parts: Sequence[str], limits: PathLimits = DEFAULT_PATH_LIMITS) -> str | None:
    """Why the relative path made of ``parts`` cannot be written safely, or ``None`` if it can."""
    if any("\x00" in part for part in parts):
        return "the path contains a NUL character"
    if len(parts) > limits.max_depth:
        return f"the path is {len(parts)} folders deep (at most {limits.max_depth})"
    for part in parts:
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > limits.max_name_bytes:
            return f"a name in the path is {size:,} bytes long (at most {limits.max_name_bytes})"
    total = len("/".join(parts).encode("utf-8", "surrogateescape"))
    if total > limits.max_path_bytes:
        return f"the path is {total:,} bytes long (at most {limits.max_path_bytes:,})"
    return None
