"""Reading the generated PNGs: bytes as stored, checked cheaply but thoroughly.

50,400 images of about a megapixel are too many to decode in full for a build. Pillow's
``verify()`` reads every chunk and checks its CRC (so truncated or corrupt files are caught) without
decompressing the pixels, and the header gives the size for the decompression-bomb limit.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from genjudge.safe_io.located_error import FormatError

MAX_IMAGE_PIXELS = 64_000_000
"""Largest image (width x height) accepted; larger ones are treated as decompression bombs."""


def read_checked_image(path: Path, *, max_pixels: int | None = None) -> bytes:
    """The file's bytes, after checking Pillow can parse it and it is within the pixel limit."""
    limit = MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    data = path.read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > limit:
                    raise FormatError(
                        f"image is {image.width}x{image.height}, above the limit of {limit} pixels "
                        "(possible decompression bomb)",
                        file=path,
                    )
                image.verify()
    except FormatError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise FormatError(f"image cannot be read: {exc}", file=path) from exc
    except Image.DecompressionBombWarning as exc:
        raise FormatError(f"image is too large: {exc}", file=path) from exc
    return data
