"""Safe resolution and verification of image files referenced from JSON.

Paths come from files we do not control, so they are checked before anything is opened: no
absolute paths, no ``..``, and the resolved file (symlinks followed) must stay inside the folder the
format says it lives in. Images go through :mod:`genjudge.safe_io.media`, so a corrupt file or a
decompression bomb stops the build here with a clear message instead of failing later inside
``load_dataset``. The bytes themselves are returned untouched.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.media import MediaProblem, read_image
from genjudge.safe_io.path_limits import path_problem


def relative_image_path(raw: str, *, where: dict) -> PurePosixPath:
    """Parse a JSON image path into a clean relative POSIX path, refusing escapes."""
    path = PurePosixPath(raw.replace("\\", "/"))
    if path.is_absolute() or (len(raw) > 1 and raw[1] == ":"):
        raise FormatError(f"image path {raw!r} is absolute; paths must be relative", **where)
    parts = [part for part in path.parts if part not in ("", ".")]
    if ".." in parts:
        raise FormatError(f"image path {raw!r} escapes the source folder ('..')", **where)
    if not parts:
        raise FormatError(f"image path {raw!r} names no file", **where)
    problem = path_problem(parts)
    if problem:
        raise FormatError(f"image path {raw[:80]!r}{'...' if len(raw) > 80 else ''}: {problem}", **where)
    return PurePosixPath(*parts)


class FolderResolver:
    """Resolves clean relative paths inside one folder, following symlinks, without leaving it.

    Resolved parent folders are cached (a release has a few dozen image folders but thousands of
    files), and a file is only resolved in full when it is itself a symlink: that keeps the check
    to one ``lstat`` per image instead of one per path component.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        self.real_base = os.path.realpath(base)
        self._real_dirs: dict[str, str] = {}

    def _inside(self, real: str) -> bool:
        return real == self.real_base or real.startswith(self.real_base.rstrip(os.sep) + os.sep)

    def resolve(self, relative: PurePosixPath, *, raw: str, where: dict) -> Path:
        """The file for ``relative``; raises if it (or a symlinked folder on the way) leads outside."""
        candidate = os.path.join(self.base, *relative.parts)
        parent = os.path.dirname(candidate)
        real_parent = self._real_dirs.get(parent)
        if real_parent is None:
            real_parent = self._real_dirs[parent] = os.path.realpath(parent)
        inside = self._inside(real_parent)
        if inside and os.path.islink(candidate):
            inside = self._inside(os.path.realpath(candidate))
        if not inside:
            raise FormatError(f"image path {raw!r} resolves outside {self.base}", **where)
        return Path(candidate)


def read_verified_image(path: Path, *, where: dict) -> bytes:
    """Read an image file and check it under :data:`~genjudge.safe_io.media.DEFAULT_LIMITS` (Pillow
    decodes it in full); return the bytes as stored."""
    try:
        return read_image(path)
    except MediaProblem as problem:
        raise FormatError(f"image {path} is {problem}", **where) from None
