"""Shared fixtures for the LMM4LMM tests: one tiny random model (built once per session), an
official-layout checkpoint folder written from random weights, and small PNGs."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")


def make_png(color: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    """An encoded PNG with a colour gradient, so tiles differ from each other."""
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 4):
        for y in range(size[1]):
            image.putpixel((x, y), ((color[0] + 4 * x) % 256, (color[1] + 3 * y) % 256, color[2]))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def png():
    """``png(color, size)`` -> encoded PNG bytes."""
    return make_png


@pytest.fixture(scope="session")
def tokenizer():
    from support.random_internvl import train_tokenizer

    return train_tokenizer()


@pytest.fixture(scope="session")
def components(tokenizer):
    from support.random_internvl import random_components

    return random_components("tiny", tokenizer=tokenizer)


@pytest.fixture(scope="session")
def official_folder(tmp_path_factory, tokenizer):
    from support.random_internvl import save_official_checkpoint

    return save_official_checkpoint(
        tmp_path_factory.mktemp("official") / "LMM4LMM-Perception", tokenizer=tokenizer
    )
