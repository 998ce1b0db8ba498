"""LMM4LMM model inputs, built as the official inference builds them.

Images: converted to RGB, resized to 1024x1024 (the official ``load_image``), cut into 448-px
tiles by InternVL's dynamic tiling (the grid whose aspect ratio is closest, at most 6 tiles, plus a
448-px thumbnail of the whole image when there is more than one tile: 5 tiles for 1024x1024), each
tile normalised with the ImageNet mean and std. The official code does this with torchvision
(``Resize(BICUBIC)`` on PIL images, ``ToTensor``, ``Normalize``); on PIL images torchvision calls
PIL's own bicubic resize, so PIL + numpy here gives the same pixels. transformers'
``GotOcr2ImageProcessor`` needs torchvision (which does not load against the CPU torch wheels);
its PIL variant has the same tile rule but not the official 1024x1024 pre-resize, and its pixels
were not checked against the official ones, so the official steps are written out here instead.

Text: the ``internlm2-chat`` template of the official ``conversation.py`` (MPT separator style: no
newline after ``<|im_end|>``), its default InternVL system message, the question after
``<image>\\n`` and the answer template as the assistant turn; ``<image>`` becomes ``<img>``, 256
``<IMG_CONTEXT>`` per tile, ``</img>``. Rows are left-padded, so every row ends at the same index
and the official read position (-4 from the end) is one column for the whole batch; position ids
count only real tokens, so a padded row sees the positions it would see alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image

from genjudge.judges.left_padding import left_padded
from genjudge.safe_io.media import decode_image

TILE = 448
MAX_TILES = 6
RESIZE_TO = (1024, 1024)
IMAGENET_MEAN = np.array((0.485, 0.456, 0.406), dtype=np.float32)
IMAGENET_STD = np.array((0.229, 0.224, 0.225), dtype=np.float32)

SYSTEM_MESSAGE = (
    "你是由上海人工智能实验室联合商汤科技开发的书生多模态大模型，"
    "英文名叫InternVL, 是一个有用无害的人工智能助手。"
)
"""The default system message of the official internlm2-chat template (InternVL's own)."""
IMG_START, IMG_END, IMG_CONTEXT = "<img>", "</img>", "<IMG_CONTEXT>"
IM_START, IM_END = "<|im_start|>", "<|im_end|>"
USER, ASSISTANT = f"{IM_START}user\n", f"{IM_START}assistant\n"


def grid_for(width: int, height: int, max_tiles: int = MAX_TILES, tile: int = TILE) -> tuple[int, int]:
    """InternVL's tile grid (columns, rows) for an image: closest aspect ratio, ties to the larger
    grid when the image has more than half of its pixels."""
    ratios = sorted(
        {
            (i, j)
            for n in range(1, max_tiles + 1)
            for i in range(1, n + 1)
            for j in range(1, n + 1)
            if i * j <= max_tiles
        },
        key=lambda r: r[0] * r[1],
    )
    aspect = width / height
    best, best_diff = (1, 1), float("inf")
    for ratio in ratios:
        diff = abs(aspect - ratio[0] / ratio[1])
        if diff < best_diff:
            best, best_diff = ratio, diff
        elif diff == best_diff and width * height > 0.5 * tile * tile * ratio[0] * ratio[1]:
            best = ratio
    return best


def image_tiles(
    image: Image.Image, max_tiles: int = MAX_TILES, resize_to: tuple[int, int] | None = RESIZE_TO
) -> np.ndarray:
    """(n_tiles, 3, 448, 448) float32 pixel values of one image, official order (grid row by row,
    then the thumbnail)."""
    image = image.convert("RGB")
    if resize_to is not None:
        image = image.resize(resize_to, Image.Resampling.BICUBIC)
    columns, rows = grid_for(*image.size, max_tiles=max_tiles)
    resized = image.resize((TILE * columns, TILE * rows), Image.Resampling.BICUBIC)
    tiles = [
        resized.crop((c * TILE, r * TILE, (c + 1) * TILE, (r + 1) * TILE))
        for r in range(rows)
        for c in range(columns)
    ]
    if len(tiles) > 1:
        tiles.append(image.resize((TILE, TILE), Image.Resampling.BICUBIC))
    arrays = [
        (np.asarray(t, dtype=np.float32) / np.float32(255.0) - IMAGENET_MEAN) / IMAGENET_STD for t in tiles
    ]
    return np.stack(arrays).transpose(0, 3, 1, 2).copy()


def conversation(question: str, answer: str | None, image_tokens: int) -> str:
    """The official internlm2-chat text of one turn; ``answer=None`` ends at the assistant role."""
    image = IMG_START + IMG_CONTEXT * image_tokens + IMG_END
    text = f"{IM_START}system\n{SYSTEM_MESSAGE}{IM_END}{USER}{image}\n{question.strip()}{IM_END}{ASSISTANT}"
    return text if answer is None else f"{text}{answer.strip()}{IM_END}"


@dataclass(frozen=True)
class Encoded:
    """One row: token ids and its tiles."""

    input_ids: list[int]
    pixel_values: np.ndarray


class InternVLInputs:
    """Tokenizer + official image tiling + left-padded collation for InternVL chat models."""

    def __init__(self, tokenizer: Any, tokens_per_tile: int = 256, max_tiles: int = MAX_TILES) -> None:
        self.tokenizer = tokenizer
        self.tokens_per_tile = tokens_per_tile
        self.max_tiles = max_tiles
        self.pad_token_id = (
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        )
        self.image_token_id = tokenizer.convert_tokens_to_ids(IMG_CONTEXT)

    def ids(self, text: str) -> list[int]:
        """Token ids of a text as the official preprocessing makes them (the tokenizer's own BOS)."""
        return list(self.tokenizer(text)["input_ids"])

    def encode(self, image: bytes, question: str, answer: str | None) -> Encoded:
        tiles = image_tiles(decode_image(image), max_tiles=self.max_tiles)
        text = conversation(question, answer, self.tokens_per_tile * len(tiles))
        return Encoded(self.ids(text), tiles)

    def collate(
        self, rows: Sequence[Encoded], device: torch.device | str, dtype: torch.dtype
    ) -> dict[str, torch.Tensor]:
        """Left-padded ``input_ids``/``attention_mask``/``position_ids`` and all rows' tiles."""
        ids, mask = left_padded([row.input_ids for row in rows], self.pad_token_id)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        pixels = torch.from_numpy(np.concatenate([row.pixel_values for row in rows]))
        return {
            "input_ids": ids.to(device),
            "attention_mask": mask.to(device),
            "position_ids": positions.to(device),
            "pixel_values": pixels.to(device=device, dtype=dtype),
        }
