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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
from PIL import Image

from genjudge.judges.left_padding import left_padded
from genjudge.judges.prompts import JudgePrompt

IMAGE_TOKEN = "<|image_pad|>"


class EncodedPrompt(NamedTuple):
    """A prompt's token ids (image slots expanded) and its images' patches and grids."""

    input_ids: list[int]
    pixel_values: torch.Tensor | None
    image_grid_thw: torch.Tensor | None


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
        pad = self.tokenizer.pad_token_id
        self.pad_token_id = pad if pad is not None else self.tokenizer.eos_token_id

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

    def _images(self, prompt: JudgePrompt) -> dict[str, torch.Tensor]:
        images = [decode_image(data) for data in prompt.images]
        if not images:
            return {}
        kwargs: dict[str, Any] = {"return_tensors": "pt"}
        if self.max_pixels is not None:
            shortest = min(int(self.image_processor.size["shortest_edge"]), self.max_pixels)
            kwargs["size"] = {"shortest_edge": shortest, "longest_edge": self.max_pixels}
        processed = self.image_processor(images=images, **kwargs)
        return {"pixel_values": processed["pixel_values"], "image_grid_thw": processed["image_grid_thw"]}

    def _expand_image_tokens(self, text: str, grid_thw: torch.Tensor | None) -> str:
        counts = [] if grid_thw is None else (grid_thw.prod(dim=-1) // self.merge_size**2).tolist()
        pieces = text.split(IMAGE_TOKEN)
        if len(pieces) - 1 != len(counts):
            raise ValueError(
                f"the chat template produced {len(pieces) - 1} image slots for {len(counts)} images"
            )
        slots = zip(counts, pieces[1:], strict=True)
        return pieces[0] + "".join(IMAGE_TOKEN * count + piece for count, piece in slots)

    def encode(self, prompt: JudgePrompt) -> EncodedPrompt:
        """One prompt's token ids and image patches, unpadded."""
        return self._tokenize(prompt, self._images(prompt))

    def encode_many(self, prompts: Sequence[JudgePrompt], workers: int | None = None) -> list[EncodedPrompt]:
        """``encode`` of each prompt, the prompts' images prepared in ``workers`` threads at once.

        Decoding, resizing and patching an OpenING pair's images (numpy and Pillow work, which
        releases the GIL) takes longer on one core than a GPU takes to judge the pair, so it is spread
        over threads; default: as many as torch's intra-op threads. Tokenising stays in this thread
        (a fast tokenizer must not be called from several threads at once).
        """
        workers = min(workers or torch.get_num_threads(), len(prompts))
        if workers <= 1:
            return [self.encode(prompt) for prompt in prompts]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            visions = list(pool.map(self._images, prompts))
        return [self._tokenize(prompt, vision) for prompt, vision in zip(prompts, visions, strict=True)]

    def _tokenize(self, prompt: JudgePrompt, vision: dict[str, torch.Tensor]) -> EncodedPrompt:
        text = self._expand_image_tokens(self.render(prompt), vision.get("image_grid_thw"))
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return EncodedPrompt(ids, vision.get("pixel_values"), vision.get("image_grid_thw"))

    def collate(self, encoded: Sequence[EncodedPrompt]) -> dict[str, torch.Tensor]:
        """Left-padded model inputs (the last position is each prompt's end).

        Keys: ``input_ids``, ``attention_mask``, ``mm_token_type_ids`` and, when any prompt has
        images, ``pixel_values`` and ``image_grid_thw`` (images in prompt order).
        """
        input_ids, attention_mask = left_padded([item.input_ids for item in encoded], self.pad_token_id)
        batch = {
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "mm_token_type_ids": ((input_ids == self.image_token_id) & attention_mask.bool()).to(torch.int32),
        }
        with_images = [item for item in encoded if item.pixel_values is not None]
        if with_images:
            batch["pixel_values"] = torch.cat([item.pixel_values for item in with_images])
            batch["image_grid_thw"] = torch.cat([item.image_grid_thw for item in with_images])
        return batch

    def batch(self, prompts: Sequence[JudgePrompt]) -> dict[str, torch.Tensor]:
        """``collate`` of ``encode_many`` of the prompts."""
        return self.collate(self.encode_many(prompts))

    def token_ids(self, text: str) -> list[int]:
        """Token ids of a plain continuation text (no special tokens added)."""
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def decode(self, ids: Sequence[int]) -> str:
        """Generated ids back to text, special tokens dropped (as the official script decodes)."""
        return self.tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False)
