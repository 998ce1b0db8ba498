"""Turn judge prompts into Qwen2-VL model inputs from a tokenizer and an image processor.

``Qwen2VLProcessor`` needs torchvision (for its video processor) even when only images are used,
so this module does the processor's image-related work itself from the two pieces every Qwen2-VL
checkpoint ships: the tokenizer (with the chat template) and the image processor. It does the same
thing as the processor: render the chat template, expand each ``<|image_pad|>`` into one token per
merged patch (``grid_t*grid_h*grid_w // merge_size**2``), tokenize with left padding, and mark
image tokens in ``mm_token_type_ids`` (which M-RoPE needs to place image tokens in 2-D).

A real ``AutoProcessor`` is used as a container when it loads (its tokenizer, image processor and
chat template), so both ways of loading produce identical inputs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from PIL import Image

from genjudge.judges.prompts import JudgePrompt

IMAGE_TOKEN = "<|image_pad|>"


def decode_image(data: bytes) -> Image.Image:
    """Decode encoded image bytes to an RGB PIL image (the image processor's input)."""
    with Image.open(io.BytesIO(data)) as img:
        return img.convert("RGB")


@dataclass
class QwenVLInputs:
    """The pieces needed to build Qwen2-VL inputs; see the module docstring.

    ``max_pixels`` caps the pixels per image (the image processor resizes larger images down);
    ``None`` keeps the checkpoint's own setting.
    """

    tokenizer: Any
    image_processor: Any
    chat_template: str | None = None
    max_pixels: int | None = None

    def __post_init__(self) -> None:
        template = self.chat_template or getattr(self.tokenizer, "chat_template", None)
        if not template:
            raise ValueError(
                "the judge checkpoint has no chat template (neither the processor nor the tokenizer "
                "defines one); Qwen2-VL checkpoints ship one in tokenizer_config.json or chat_template.json"
            )
        self.chat_template = template
        self.image_token_id = self.tokenizer.convert_tokens_to_ids(IMAGE_TOKEN)
        if self.image_token_id is None or self.image_token_id == self.tokenizer.unk_token_id:
            raise ValueError(
                f"the judge tokenizer has no {IMAGE_TOKEN} token; is this a Qwen2-VL checkpoint?"
            )
        self.merge_size = int(self.image_processor.merge_size)

    @classmethod
    def from_processor(cls, processor: Any, *, max_pixels: int | None = None) -> QwenVLInputs:
        """Take the pieces out of a loaded ``AutoProcessor`` (e.g. ``Qwen2VLProcessor``)."""
        return cls(
            tokenizer=processor.tokenizer,
            image_processor=processor.image_processor,
            chat_template=getattr(processor, "chat_template", None),
            max_pixels=max_pixels,
        )

    def render(self, prompt: JudgePrompt) -> str:
        """The chat-template text of a prompt, ending with the assistant turn's opening."""
        return self.tokenizer.apply_chat_template(
            prompt.to_hf_messages(),
            chat_template=self.chat_template,
            tokenize=False,
            add_generation_prompt=True,
        )

    def _images(self, prompts: Sequence[JudgePrompt]) -> dict[str, torch.Tensor]:
        images = [decode_image(data) for prompt in prompts for data in prompt.images]
        if not images:
            return {}
        kwargs: dict[str, Any] = {"return_tensors": "pt"}
        if self.max_pixels is not None:
            kwargs["max_pixels"] = self.max_pixels
        processed = self.image_processor(images=images, **kwargs)
        return {"pixel_values": processed["pixel_values"], "image_grid_thw": processed["image_grid_thw"]}

    def _expand_image_tokens(self, texts: list[str], grid_thw: torch.Tensor | None) -> list[str]:
        counts = [] if grid_thw is None else (grid_thw.prod(dim=-1) // self.merge_size**2).tolist()
        remaining = iter(counts)
        expanded = []
        for text in texts:
            pieces = text.split(IMAGE_TOKEN)
            out = [pieces[0]]
            for piece in pieces[1:]:
                try:
                    count = next(remaining)
                except StopIteration:
                    raise ValueError(
                        "the chat template produced more image slots than there are images"
                    ) from None
                out.append(IMAGE_TOKEN * count + piece)
            expanded.append("".join(out))
        if next(remaining, None) is not None:
            raise ValueError("the chat template produced fewer image slots than there are images")
        return expanded

    def batch(self, prompts: Sequence[JudgePrompt]) -> dict[str, torch.Tensor]:
        """Left-padded model inputs for a batch of prompts (the last position is each prompt's end).

        Keys: ``input_ids``, ``attention_mask``, ``mm_token_type_ids`` and, when any prompt has
        images, ``pixel_values`` and ``image_grid_thw`` (images in prompt order).
        """
        vision = self._images(prompts)
        texts = self._expand_image_tokens([self.render(p) for p in prompts], vision.get("image_grid_thw"))
        encoded = self.tokenizer(
            texts, padding=True, padding_side="left", add_special_tokens=False, return_tensors="pt"
        )
        input_ids = encoded["input_ids"]
        return {
            "input_ids": input_ids,
            "attention_mask": encoded["attention_mask"],
            "mm_token_type_ids": (input_ids == self.image_token_id).to(torch.int32),
            **vision,
        }

    def token_ids(self, text: str) -> list[int]:
        """Token ids of a plain continuation text (no special tokens added)."""
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def decode(self, ids: Sequence[int]) -> str:
        """Generated ids back to text, special tokens dropped (as the official script decodes)."""
        return self.tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False)
