"""Shared builders for the judges tests: small images and OpenING-shaped pairwise items."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from genjudge.core.records import Step
from genjudge.judges.protocol import PairwiseItem

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")


def png(color: tuple[int, int, int], size: tuple[int, int] = (48, 48), stripes: bool = False) -> bytes:
    """An encoded PNG: a flat colour, optionally with black vertical stripes for structure."""
    image = Image.new("RGB", size, color)
    if stripes:
        for x in range(0, size[0], 8):
            for y in range(size[1]):
                for dx in range(3):
                    if x + dx < size[0]:
                        image.putpixel((x + dx, y), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def item(question: str, a: str, b: str, reference: str | None = None) -> PairwiseItem:
    """A text-only item."""
    return PairwiseItem(
        question=(Step(question),),
        output_a=(Step(a),),
        output_b=(Step(b),),
        reference=None if reference is None else (Step(reference),),
    )


@pytest.fixture
def make_png():
    return png


@pytest.fixture
def make_item():
    return item
