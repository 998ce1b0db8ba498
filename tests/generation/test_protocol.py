"""A generator is any object with ``generate``/``chat`` and ``settings``: no base class to inherit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PIL import Image

from genjudge.generation.protocol import (
    ChatGenerator,
    ChatMessage,
    Failed,
    ImageRequest,
    TextToImageGenerator,
)


class FlatColour:
    """Draws each prompt as a flat colour from its seed, and refuses prompts that mention 'forbidden'."""

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image | Failed]:
        return [
            Failed("the prompt was refused") if "forbidden" in r.prompt else Image.new("RGB", (4, 4), r.seed)
            for r in requests
        ]

    def settings(self) -> dict[str, Any]:
        return {"model": "flat-colour"}


class Echo:
    def chat(self, conversations: Sequence[Sequence[ChatMessage]]) -> list[str | Failed]:
        return [conversation[-1]["content"] for conversation in conversations]

    def settings(self) -> dict[str, Any]:
        return {"model": "echo"}


def test_an_adapter_satisfies_the_protocol_by_shape():
    assert isinstance(FlatColour(), TextToImageGenerator)
    assert isinstance(Echo(), ChatGenerator)
    assert not isinstance(Echo(), TextToImageGenerator)


def test_a_failed_item_keeps_its_place_in_the_batch():
    requests = [ImageRequest("a cat", 1), ImageRequest("forbidden", 2), ImageRequest("x", 3)]
    images = FlatColour().generate(requests)
    assert [type(i) for i in images] == [Image.Image, Failed, Image.Image]
    assert images[1] == Failed("the prompt was refused")
    assert images[2].getpixel((0, 0)) == (3, 0, 0)
