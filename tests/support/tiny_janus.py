"""A tiny, randomly initialised Janus (the unified model transformers can draw images with), built offline.

The layout is the one ``convert_janus_weights_to_hf.py`` writes for ``deepseek-community/Janus-Pro-1B``:
a ``JanusConfig`` over a Llama text model, the SigLIP-style vision tower and the VQ-VAE (with the
released channel multipliers), a ``JanusProcessor`` whose tokenizer names the image, begin-of-image
and end-of-image tokens, and a generation config with guidance 5, temperature 1 and the
begin-of-image id. The sizes are shrunk so it runs on a CPU in seconds: 2 layers, hidden size 32,
32-pixel images made of 2×2 image tokens. Saved with safetensors; its pictures are noise, its code
paths the real ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

IMAGE_TOKENS = {
    "image_token": "<image_placeholder>",
    "boi_token": "<begin_of_image>",
    "eoi_token": "<end_of_image>",
}
BOS = "<｜begin▁of▁sentence｜>"
TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "{% if message['role'] == 'user' %}<|User|>: {% else %}<|Assistant|>: {% endif %}"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'text' %}{{ part['text'] }}{% else %}<image_placeholder>{% endif %}"
    "{% endfor %}{% endif %}\n\n{% endfor %}"
    "{% if add_generation_prompt %}<|Assistant|>:{% endif %}"
)
"""Janus-Pro's conversation layout (``<|User|>: …`` then ``<|Assistant|>:``), with its BOS token first."""


def build_tiny_janus(folder: Path, seed: int = 0) -> Path:
    """Model (safetensors), processor and generation config of a random 2-layer Janus in ``folder``."""
    import torch
    import transformers
    from transformers import (
        JanusConfig,
        JanusForConditionalGeneration,
        JanusProcessor,
        JanusVisionConfig,
        JanusVQVAEConfig,
        LlamaConfig,
    )

    tokenizer = _tokenizer()
    processor = JanusProcessor(
        image_processor=transformers.JanusImageProcessorPil(size={"height": 32, "width": 32}),
        tokenizer=tokenizer,
        chat_template=TEMPLATE,
        use_default_system_prompt=True,
        num_image_tokens=4,
    )
    config = JanusConfig(
        text_config=LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=512,
            pad_token_id=tokenizer.pad_token_id,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
        ),
        vision_config=JanusVisionConfig(
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            mlp_ratio=2.0,
            image_size=32,
            patch_size=16,
            projection_dim=32,
            num_image_tokens=4,
        ),
        vq_config=JanusVQVAEConfig(
            embed_dim=8,
            num_embeddings=64,
            latent_channels=32,
            base_channels=32,
            channel_multiplier=[1, 1, 2, 2, 4],
            num_res_blocks=1,
            projection_dim=32,
            image_token_embed_dim=32,
        ),
        image_token_id=tokenizer.convert_tokens_to_ids(IMAGE_TOKENS["image_token"]),
    )
    torch.manual_seed(seed)
    model = JanusForConditionalGeneration(config).eval()
    begin_of_image = tokenizer.convert_tokens_to_ids(IMAGE_TOKENS["boi_token"])
    model.generation_config.temperature = 1
    model.generation_config.guidance_scale = 5
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.generation_kwargs = {"boi_token_id": begin_of_image}
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def _tokenizer() -> Any:
    """The byte-level BPE of :mod:`support.random_qwen_vl` with Janus's named image tokens and BOS."""
    from tempfile import TemporaryDirectory

    from transformers import AutoTokenizer

    from support.random_qwen_vl import train_tokenizer

    tokenizer = train_tokenizer(extra_corpus=("A red apple on a wooden table.", "A blue vase."))
    tokenizer.add_special_tokens({"bos_token": BOS, "additional_special_tokens": list(IMAGE_TOKENS.values())})
    with TemporaryDirectory() as scratch:  # the named tokens are set when a tokenizer is loaded
        tokenizer.save_pretrained(scratch)
        return AutoTokenizer.from_pretrained(scratch, extra_special_tokens=IMAGE_TOKENS)
