"""Reading the generated PNGs: bytes as stored, checked cheaply but thoroughly.

50,400 images of about a megapixel are too many to decode in full for a build, so they are checked
by :func:`genjudge.safe_io.media.read_image` without decoding: Pillow's ``verify()`` reads every
chunk and checks its CRC (so truncated or corrupt files are caught) without decompressing the
pixels, and the header gives the size for the decompression-bomb limit.
"""

from __future__ import annotations

from pathlib import Path

from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.media import MediaProblem, read_image


def read_checked_image(path: Path) -> bytes:
    """The file's bytes, once the media check accepts them; a :class:`FormatError` naming the
    file otherwise."""
    try:
        return read_image(path, decode=False)
    except MediaProblem as problem:
        raise FormatError(f"image is {problem}", file=path) from None
