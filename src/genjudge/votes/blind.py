"""Images as a voter sees them before the vote: pixels only.

An output image can name its maker without a single visible pixel: PNG text chunks (image tools
write the model and its settings there), EXIF and XMP fields, JPEG comments, bytes after the end of
the image. The Vote tab shows every output image re-encoded as a PNG from its decoded pixels, so
nothing but what the voter is meant to judge goes out before the vote.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache

from PIL import Image

_MODES = {"1": "L", "L": "L", "LA": "LA", "RGB": "RGB", "RGBA": "RGBA", "P": "RGBA", "PA": "RGBA"}


@lru_cache(maxsize=256)
def pixels_only(data: bytes) -> bytes | None:
    """``data`` re-encoded as a PNG holding its (first frame's) pixels and nothing else; ``None``
    when it does not decode as an image (then it is not shown)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                bare = image.convert(_MODES.get(image.mode, "RGB"))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    out = io.BytesIO()
    bare.save(out, "PNG", compress_level=1)
    return out.getvalue()
