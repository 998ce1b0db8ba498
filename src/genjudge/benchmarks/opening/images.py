"""Safe resolution and verification of image files referenced from JSON.

Paths come from files we do not control, so they are checked before anything is opened: no
absolute paths, no ``..``, and the resolved file (symlinks followed) must stay inside the folder the
format says it lives in. Images are decoded once with Pillow under an explicit pixel limit, so a
corrupt file or a decompression bomb stops the build here with a clear message instead of failing
later inside ``load_dataset``. The bytes themselves are returned untouched.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

from genjudge.benchmarks.opening.errors import OpeningFormatError

MAX_IMAGE_PIXELS = 64_000_000
"""Largest image (width x height) accepted; larger ones are treated as decompression bombs."""


def relative_image_path(raw: str, *, where: dict) -> PurePosixPath:
    """Parse a JSON image path into a clean relative POSIX path, refusing escapes."""
    path = PurePosixPath(raw.replace("\\", "/"))
    if path.is_absolute() or (len(raw) > 1 and raw[1] == ":"):
        raise OpeningFormatError(f"image path {raw!r} is absolute; paths must be relative", **where)
    parts = [part for part in path.parts if part not in ("", ".")]
    if ".." in parts:
        raise OpeningFormatError(f"image path {raw!r} escapes the source folder ('..')", **where)
    if not parts:
        raise OpeningFormatError(f"image path {raw!r} names no file", **where)
    return PurePosixPath(*parts)


def resolve_inside(base: Path, relative: PurePosixPath, *, raw: str, where: dict) -> Path:
    """Join ``relative`` onto ``base`` and make sure symlinks do not lead outside ``base``."""
    candidate = base.joinpath(*relative.parts)
    resolved = candidate.resolve()
    if not resolved.is_relative_to(base.resolve()):
        raise OpeningFormatError(f"image path {raw!r} resolves outside {base}", **where)
    return candidate


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
                    raise OpeningFormatError(
                        f"image {path.name} is {img.width}x{img.height}, above the limit of "
                        f"{max_pixels} pixels (possible decompression bomb)",
                        **where,
                    )
                img.load()
    except OpeningFormatError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise OpeningFormatError(f"image {path} cannot be decoded: {exc}", **where) from exc
    except Image.DecompressionBombWarning as exc:
        raise OpeningFormatError(f"image {path} is too large: {exc}", **where) from exc
    return data
