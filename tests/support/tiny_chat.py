"""Tiny, randomly initialised chat models built offline, for the chat generator tests.

The text model is a 2-layer Qwen2 (``Qwen2ForCausalLM``) with the byte-level BPE tokenizer and
ChatML template that :mod:`support.random_qwen_vl` trains here; the vision model is a LLaVA made of
a 2-layer CLIP vision tower and the same Qwen2, with a ``LlavaProcessor``. Saved with safetensors,
each is a folder ``from_pretrained`` loads like any Hub checkpoint. Their answers are random text;
their shapes and code paths are real ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CORPUS = (
    "The number of generated text-image pairs can be 2: Write a story with pictures.",
    "You are a multimodal generation model that can generate text responses with interleaved images.",
)


def build_tiny_chat_model(folder: Path, seed: int = 0) -> Path:
    """A random 2-layer Qwen2 chat model and its tokenizer, saved into ``folder``."""
    import torch
    from transformers import Qwen2ForCausalLM

    from support.random_qwen_vl import train_tokenizer

    tokenizer = train_tokenizer(extra_corpus=CORPUS)
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(_text_config(tokenizer)).eval()
    _quiet_specials(model, tokenizer)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_tiny_vision_chat_model(folder: Path, seed: int = 0) -> Path:
    """A random LLaVA (2-layer CLIP vision tower, 2-layer Qwen2) with its processor, saved into ``folder``.

    LLaVA rather than Qwen2-VL because Qwen2-VL's processor needs torchvision for its video half.
    """
    import torch
    import transformers
    from transformers import CLIPVisionConfig, LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor

    from support.random_qwen_vl import CHATML_TEMPLATE, train_tokenizer

    tokenizer = train_tokenizer(extra_corpus=CORPUS)
    tokenizer.add_special_tokens({"additional_special_tokens": ["<image>"]})
    pixels = getattr(transformers, "CLIPImageProcessorPil", transformers.CLIPImageProcessor)(
        size={"shortest_edge": 28}, crop_size={"height": 28, "width": 28}
    )
    processor = LlavaProcessor(
        image_processor=pixels,
        tokenizer=tokenizer,
        patch_size=14,
        num_additional_image_tokens=1,
        vision_feature_select_strategy="default",
        chat_template=CHATML_TEMPLATE.replace("<|vision_start|><|image_pad|><|vision_end|>", "<image>"),
    )
    config = LlavaConfig(
        vision_config=CLIPVisionConfig(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            image_size=28,
            patch_size=14,
        ),
        text_config=_text_config(tokenizer),
        image_token_index=tokenizer.convert_tokens_to_ids("<image>"),
        vision_feature_layer=-1,
    )
    torch.manual_seed(seed)
    model = LlavaForConditionalGeneration(config).eval()
    _quiet_specials(model, tokenizer)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def _text_config(tokenizer: Any) -> Any:
    from transformers import Qwen2Config

    return Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        initializer_range=0.2,
    )


def _quiet_specials(model: Any, tokenizer: Any) -> None:
    """Random weights pick special tokens as often as words; keep them out so answers have text.

    The end token stays allowed after the first step, so answers still end before the limit.
    """
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    model.generation_config.eos_token_id = end
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.suppress_tokens = [i for i in tokenizer.all_special_ids if i != end]
    model.generation_config.begin_suppress_tokens = [end]
