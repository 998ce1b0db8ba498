"""The one check every image from outside goes through before genjudge keeps or decodes it.

Release images (OpenING, EvalMi-50K), uploaded outputs, a General-Bench model's generated images and
the images a judge scores all come from files we do not control. A few kilobytes of PNG can claim
gigapixels (a decompression bomb), a text file can be named ``.jpg``, a download can stop half way.
So each is checked here, under one :class:`MediaLimits`: its size in bytes, then its pixel count
from the header (before any pixel is decoded; Pillow's own bomb warning counts too), its format,
then its data. A refusal is a typed :class:`MediaProblem` whose fields let each caller word it for
its context (a format error naming the release record, a message for the person who uploaded it).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError


@dataclass(frozen=True)
class MediaLimits:
    """What an image may be. ``formats`` are Pillow's format names (``PNG``, ``JPEG``…); empty
    accepts any format Pillow reads. The defaults fit the largest images of the official releases
    with room to spare."""

    max_pixels: int = 64_000_000
    max_bytes: int = 256 * 1024**2
    formats: frozenset[str] = frozenset()


DEFAULT_LIMITS = MediaLimits()
"""The limits of the readers of official releases; looked up at each call, so a deployment (or a
test) can replace it."""


class MediaProblem(ValueError):
    """Why a file is refused as an image. ``str()`` is a phrase that reads after "<the image> is"."""


class TooLarge(MediaProblem):
    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(f"{size:,} bytes, above the limit of {limit:,}")


class TooManyPixels(MediaProblem):
    """A decompression bomb, or just too big; ``width``/``height`` are ``None`` when Pillow's own
    bomb check stopped it before the size could be read (``limit`` is then Pillow's)."""

    def __init__(self, width: int | None, height: int | None, limit: int) -> None:
        self.width, self.height, self.limit = width, height, limit
        size = f"{width}x{height} pixels, above the" if width is not None else "over Pillow's"
        super().__init__(f"{size} limit of {limit:,} pixels (a possible decompression bomb)")


class WrongFormat(MediaProblem):
    def __init__(self, found: str, accepted: frozenset[str]) -> None:
        self.found, self.accepted = found, accepted
        super().__init__(f"a {found} image, not one of {', '.join(sorted(accepted))}")


class NotAnImage(MediaProblem):
    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"not a readable image ({detail})")


class BrokenImage(MediaProblem):
    """An image whose header reads but whose data does not: truncated or corrupt."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"damaged or truncated ({detail})")


@contextmanager
def _opened(data: bytes, limits: MediaLimits) -> Iterator[Image.Image]:
    """The image, opened and checked against ``limits`` from its header; any failure while the
    caller decodes it inside the block becomes a :class:`MediaProblem` too."""
    if len(data) > limits.max_bytes:
        raise TooLarge(len(data), limits.max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > limits.max_pixels:
                    raise TooManyPixels(image.width, image.height, limits.max_pixels)
                if limits.formats and image.format not in limits.formats:
                    raise WrongFormat(str(image.format), limits.formats)
                yield image
    except MediaProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels(None, None, int(Image.MAX_IMAGE_PIXELS or 0)) from None
    except UnidentifiedImageError as exc:
        raise NotAnImage(str(exc)) from None
    except Exception as exc:  # Pillow raises many types for corrupt data
        raise BrokenImage(f"{type(exc).__name__}: {exc}") from None


def check_image(data: bytes, limits: MediaLimits | None = None, *, decode: bool = True) -> None:
    """Refuse ``data`` (a :class:`MediaProblem`) unless it is an image within ``limits``
    (default :data:`DEFAULT_LIMITS`).

    With ``decode`` every compressed block is read; a JPEG is decoded at 1/8 scale, which still
    reads every block (so truncation and corruption are caught) but skips the inverse DCT that
    dominates the cost for multi-megapixel images. Without it, Pillow's ``verify()`` checks the
    structure and checksums without decompressing the pixels: for a PNG it catches truncation and
    corrupt chunks at a fraction of the cost, which matters for tens of thousands of images.
    """
    with _opened(data, DEFAULT_LIMITS if limits is None else limits) as image:
        if not decode:
            image.verify()
            return
        if image.format == "JPEG":
            image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()


def read_image(path: Path, limits: MediaLimits | None = None, *, decode: bool = True) -> bytes:
    """The bytes of the image file at ``path``, as stored, once :func:`check_image` accepts them;
    a file over the byte limit is refused before it is read."""
    limits = DEFAULT_LIMITS if limits is None else limits
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise TooLarge(size, limits.max_bytes)
    data = path.read_bytes()
    check_image(data, limits, decode=decode)
    return data


def decode_image(data: bytes, limits: MediaLimits | None = None) -> Image.Image:
    """The image fully decoded, for code that needs its pixels (a judge, a metric), after the
    same checks as :func:`check_image`."""
    with _opened(data, DEFAULT_LIMITS if limits is None else limits) as image:
        image.load()
        return image.copy()
