"""The one image check: what each kind of bad file is refused as, under which limit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from genjudge.safe_io import media
from genjudge.safe_io.media import (
    BrokenImage,
    MediaLimits,
    NotAnImage,
    TooLarge,
    TooManyPixels,
    WrongFormat,
    check_image,
    decode_image,
    read_image,
)


def encoded(size: tuple[int, int], kind: str = "PNG", mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode == "RGB" else 1).save(buffer, kind)
    return buffer.getvalue()


def test_a_good_image_is_kept_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "good.jpg"
    path.write_bytes(encoded((64, 48), "JPEG"))
    assert read_image(path) == path.read_bytes()
    assert decode_image(path.read_bytes()).size == (64, 48)


@pytest.mark.parametrize("decode", [True, False])
def test_a_bomb_is_refused_from_its_header(decode: bool) -> None:
    bomb = encoded((4000, 4000), mode="1")  # 16 megapixels in a few kilobytes
    with pytest.raises(TooManyPixels) as caught:
        check_image(bomb, MediaLimits(max_pixels=1_000_000), decode=decode)
    assert (caught.value.width, caught.value.height, caught.value.limit) == (4000, 4000, 1_000_000)
    assert str(caught.value) == (
        "4000x4000 pixels, above the limit of 1,000,000 pixels (a possible decompression bomb)"
    )


def test_pillows_own_bomb_warning_is_a_problem_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 40)  # 8x8 = 64 pixels: Pillow only warns
    with pytest.raises(TooManyPixels) as caught:
        check_image(encoded((8, 8)))
    assert caught.value.width is None
    assert str(caught.value) == "over Pillow's limit of 40 pixels (a possible decompression bomb)"


def test_the_default_limits_are_read_at_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    image = encoded((100, 100))
    check_image(image)
    monkeypatch.setattr(media, "DEFAULT_LIMITS", MediaLimits(max_pixels=90 * 90))
    with pytest.raises(TooManyPixels):
        check_image(image)
    with pytest.raises(TooManyPixels):
        decode_image(image)


def test_text_named_like_an_image_is_not_an_image() -> None:
    with pytest.raises(NotAnImage, match="not a readable image"):
        check_image(b"<html>not an image</html>")


@pytest.mark.parametrize(("kind", "decode"), [("PNG", True), ("PNG", False), ("JPEG", True)])
def test_a_truncated_image_is_broken(kind: str, decode: bool) -> None:
    whole = encoded((256, 256), kind)
    with pytest.raises(BrokenImage, match="damaged or truncated"):
        check_image(whole[: len(whole) // 2], decode=decode)


def test_only_the_accepted_formats_pass() -> None:
    web = MediaLimits(formats=frozenset({"PNG", "JPEG"}))
    check_image(encoded((8, 8)), web)
    with pytest.raises(WrongFormat) as caught:
        check_image(encoded((8, 8), "GIF"), web)
    assert caught.value.found == "GIF"
    assert str(caught.value) == "a GIF image, not one of JPEG, PNG"


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(encoded((64, 64)))
    size = path.stat().st_size
    with pytest.raises(TooLarge) as caught:
        read_image(path, MediaLimits(max_bytes=size - 1))
    assert (caught.value.size, caught.value.limit) == (size, size - 1)
