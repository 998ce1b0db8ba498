"""CLIP score from any CLIP checkpoint, a Hub id or a local folder, on transformers' ``CLIPModel``.

The score is the one torchmetrics' ``CLIPScore`` defines and papers report: ``100 * max(cos(image
embedding, text embedding), 0)``. torchmetrics itself is not called: version 1.9 accepts only a few
Hub ids by name, and its image-feature call breaks on transformers 5 (``get_image_features`` there
returns an output object, not a tensor), so the same definition is computed on the model's own
projected embeddings.

Used by General-Bench's CLIP-score tasks and by ``genjudge evalmi metric clip-score``, which scores
the EvalMi-50K images so CLIP score can sit on the Metrics board beside the other metrics.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_CLIP_MODEL = "openai/clip-vit-large-patch14"
"""torchmetrics' default CLIP for CLIPScore."""


class ClipModelNotFound(OSError):
    """The CLIP checkpoint could not be loaded; the message says what to download and where to point."""


@cache
def _components(model: str) -> tuple[Any, Any]:
    from transformers import CLIPModel, CLIPProcessor

    try:
        return CLIPModel.from_pretrained(model).eval(), CLIPProcessor.from_pretrained(model)
    except (OSError, ValueError) as exc:
        local = (
            "" if Path(model).exists() or model == DEFAULT_CLIP_MODEL else f" (no folder {model!r} either)"
        )
        raise ClipModelNotFound(
            f"could not load the CLIP model {model!r}{local}: download it where the Hub is reachable, "
            f"e.g. `hf download {DEFAULT_CLIP_MODEL} --local-dir ./weights/clip-vit-large-patch14`, and pass "
            f"that folder as the model ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
        ) from None


def _image(image: Any):
    from PIL import Image

    if isinstance(image, (bytes, bytearray)):
        with Image.open(io.BytesIO(image)) as opened:
            return opened.convert("RGB")
    array = np.asarray(image)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    return Image.fromarray(np.ascontiguousarray(array[..., :3]).astype(np.uint8))


def clip_scores(
    images: Sequence[Any],
    prompts: Sequence[str],
    model: str = DEFAULT_CLIP_MODEL,
    *,
    batch_size: int = 16,
    progress: bool = False,
) -> np.ndarray:
    """One CLIP score per (image, prompt); images are encoded bytes or H×W×C arrays."""
    import torch
    from tqdm.auto import tqdm

    if len(images) != len(prompts):
        raise ValueError(f"got {len(images)} images but {len(prompts)} prompts")
    clip, processor = _components(model)
    scores: list[np.ndarray] = []
    with torch.no_grad():
        for start in tqdm(
            range(0, len(images), batch_size), desc="CLIP score", unit="batch", disable=not progress
        ):
            inputs = processor(
                text=list(prompts[start : start + batch_size]),
                images=[_image(image) for image in images[start : start + batch_size]],
                return_tensors="pt",
                padding=True,
                truncation=True,
            )
            output = clip(**inputs)
            cosine = torch.nn.functional.cosine_similarity(output.image_embeds, output.text_embeds, dim=-1)
            scores.append((100 * cosine.clamp(min=0)).numpy())
    return np.concatenate(scores) if scores else np.zeros(0)
