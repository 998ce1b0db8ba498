"""Content hashes are the verdict cache keys: they must see every byte and every boundary."""

import io

from PIL import Image

from genjudge.core.records import ModelOutput, Step, content_hash


def _png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_hash_changes_with_text_image_and_order():
    red, blue = _png("red"), _png("blue")
    base = (Step("a cat", red), Step("then a dog", None))
    assert content_hash(base) == content_hash(tuple(base))
    assert content_hash(base) != content_hash((Step("a cat", blue), Step("then a dog", None)))
    assert content_hash(base) != content_hash((Step("a ca", red), Step("tthen a dog", None)))
    assert content_hash(base) != content_hash(tuple(reversed(base)))
    assert content_hash((Step("x", None),)) != content_hash((Step("x", b""),))


def test_step_decodes_its_image():
    step = Step("caption", _png("green"))
    image = step.pil()
    assert image is not None and image.size == (4, 4)
    assert image.getpixel((0, 0)) == (0, 128, 0)
    assert Step("no image").pil() is None


def test_model_output_hash_is_its_steps_hash():
    steps = (Step("hello", _png("red")),)
    assert ModelOutput("0101001", "m", steps).content_hash == content_hash(steps)
