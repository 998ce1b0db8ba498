"""Safe resolution and verification of image files referenced from JSON.

Paths come from files we do not control, so they are checked before anything is opened: no
absolute paths, no ``..``, and the resolved file (symlinks followed) must stay inside the folder the
format says it lives in. Images are decoded once with Pillow under an explicit pixel limit, so a
corrupt file or a decompression bomb stops the build here with a clear message instead of failing
later inside ``load_dataset``. The bytes themselves are returned untouched.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.path_limits import path_problem

MAX_IMAGE_PIXELS = 64_000_000
"""Largest image (width x height) accepted; larger ones are treated as decompression bombs."""


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


def read_verified_image(path: Path, *, where: dict, max_pixels: int | None = None) -> bytes:
    """Read an image file and check that Pillow can decode it; return the bytes as stored.

    ``max_pixels`` defaults to :data:`MAX_IMAGE_PIXELS`, looked up at call time so deployments
    (and tests) can tighten it.
    """
    max_pixels = MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    data = path.read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > max_pixels:
                    raise FormatError(
                        f"image {path.name} is {img.width}x{img.height}, above the limit of "
                        f"{max_pixels} pixels (possible decompression bomb)",
                        **where,
                    )
                if img.format == "JPEG":
                    # Decode at 1/8 scale: every compressed block is still read (so truncation and
                    # corruption are caught) but the inverse DCT is skipped, which matters for the
                    # multi-megapixel images of real releases.
                    img.draft(img.mode, (max(1, img.width // 8), max(1, img.height // 8)))
                img.load()
    except FormatError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise FormatError(f"image {path} cannot be decoded: {exc}", **where) from exc
    except Image.DecompressionBombWarning as exc:
        raise FormatError(f"image {path} is too large: {exc}", **where) from exc
    return data
