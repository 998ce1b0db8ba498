"""A tiny Qwen2-VL base checkpoint, built offline in seconds, to watch ``genjudge judge train`` work on a CPU.

The judges genjudge trains are Qwen2-VL fine-tunes; the smallest real base (Qwen2-VL-2B-Instruct)
is a download of several GB and two billion parameters to train, no way to see the loop work on a
CPU in minutes. A randomly initialised model of the same architecture runs the whole loop (data,
prompts, LoRA, checkpoints, held-out agreement, model card, a judge folder) in about two minutes
on two shared cores, which is what a user checking their setup, the README's CPU walk-through and
the tests need::

    python -m genjudge.training.tiny_base tiny-qwen2-vl
    genjudge judge train --data train-data --base-model tiny-qwen2-vl --out tiny-judge ...

Nothing is downloaded: the tokenizer is a byte-level BPE trained here with ``tokenizers`` (with the
Qwen2-VL special tokens and a ChatML chat template), the image processor is Qwen2-VL's PIL one,
and the weights are random. Such a judge's verdicts mean nothing; its *shapes* and code paths are
those of the real IntJudge. ``perf/`` measures speed with the larger shapes.

Architectures: ``"tiny"`` (2 layers, for the walk-through and unit tests; weights drawn wider than
usual so that attention, and therefore masks and positions, visibly change the outputs),
``"small"`` (4 layers, hidden 512 and Qwen2-VL's 152k vocabulary, for CPU benchmarks) and ``"7b"``
(the Qwen2-VL-7B shapes IntJudge uses, for GPU benchmarks).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from genjudge.judges.qwen_vl_inputs import QwenVLInputs

SPECIAL_TOKENS = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
)

CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
"""Qwen2-VL's chat layout (ChatML; each image as vision-start, image-pad, vision-end)."""

_CORPUS = (
    "A is better",
    "B is better",
    "Tie(A is better)",
    "Tie(B is better)",
    "<INPUT>: <OUTPUT_A>: <OUTPUT_B>: <REFERENCE>: <IMG_0></IMG_0> <IMG_1></IMG_1>",
    "You are an impartial referee for open-ended interleaved image-and-text generation.",
    "Please directly output the answer of model A or model B. Images are numbered in order.",
    "Plan a three-day trip to Kyoto with a picture for each day: temples, gardens and markets.",
    "Step 1: Mix flour, sugar and butter. Step 2: Bake the dough for twenty minutes.",
    "The quick brown fox jumps over the lazy dog while the sun sets behind the hills.",
)

ARCHITECTURES: dict[str, dict[str, Any]] = {
    "tiny": {
        "text": {
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "mrope_section": [2, 3, 3],
            "initializer_range": 0.2,
        },
        "vision": {"depth": 2, "embed_dim": 32, "num_heads": 4, "mlp_ratio": 2, "initializer_range": 0.2},
        "vocab_size": None,
    },
    "small": {
        "text": {
            "hidden_size": 512,
            "intermediate_size": 1536,
            "num_hidden_layers": 4,
            "num_attention_heads": 8,
            "num_key_value_heads": 2,
            "mrope_section": [8, 12, 12],
        },
        "vision": {"depth": 4, "embed_dim": 256, "num_heads": 4, "mlp_ratio": 4},
        "vocab_size": 152064,
    },
    "7b": {
        "text": {
            "hidden_size": 3584,
            "intermediate_size": 18944,
            "num_hidden_layers": 28,
            "num_attention_heads": 28,
            "num_key_value_heads": 4,
            "mrope_section": [16, 24, 24],
        },
        "vision": {"depth": 32, "embed_dim": 1280, "num_heads": 16, "mlp_ratio": 4},
        "vocab_size": 152064,
    },
}


def train_tokenizer(vocab_size: int = 600, extra_corpus: tuple[str, ...] = ()) -> Any:
    """A byte-level BPE tokenizer with the Qwen2-VL special tokens and chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(list(_CORPUS + extra_corpus) * 3, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<|endoftext|>"
    )
    tokenizer.chat_template = CHATML_TEMPLATE
    return tokenizer


def image_processor(min_pixels: int = 4 * 28 * 28, max_pixels: int = 1280 * 28 * 28) -> Any:
    """Qwen2-VL's PIL image processor (patch 14, merge 2); pixel bounds as Qwen2-VL's defaults."""
    from transformers import Qwen2VLImageProcessorPil

    return Qwen2VLImageProcessorPil(min_pixels=min_pixels, max_pixels=max_pixels)


def config(arch: str, tokenizer: Any) -> Any:
    """A ``Qwen2VLConfig`` of the named architecture, wired to ``tokenizer``'s special tokens."""
    from transformers import Qwen2VLConfig

    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}; choose from {sorted(ARCHITECTURES)}")
    spec = ARCHITECTURES[arch]
    text = dict(spec["text"])
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in SPECIAL_TOKENS}
    return Qwen2VLConfig(
        text_config={
            **{k: v for k, v in text.items() if k != "mrope_section"},
            "vocab_size": spec["vocab_size"] or len(tokenizer),
            "max_position_embeddings": 32768,
            "rope_parameters": {
                "rope_type": "default",
                "rope_theta": 1e6,
                "mrope_section": text["mrope_section"],
            },
            "eos_token_id": ids["<|im_end|>"],
            "pad_token_id": ids["<|endoftext|>"],
            "bos_token_id": None,
        },
        vision_config={
            **spec["vision"],
            "hidden_size": text["hidden_size"],
            "patch_size": 14,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
        },
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
    )


def random_components(
    arch: str = "tiny",
    *,
    seed: int = 0,
    device: str = "cpu",
    dtype: torch.dtype = torch.float32,
    tokenizer: Any = None,
) -> tuple[torch.nn.Module, QwenVLInputs]:
    """A random Qwen2-VL model and its input builder, in memory."""
    from transformers import Qwen2VLForConditionalGeneration

    tokenizer = tokenizer or train_tokenizer()
    torch.manual_seed(seed)
    with torch.device(device):
        model = Qwen2VLForConditionalGeneration(config(arch, tokenizer)).to(dtype)
    model.generation_config.eos_token_id = tokenizer.convert_tokens_to_ids("<|im_end|>")
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model.eval(), QwenVLInputs(tokenizer=tokenizer, image_processor=image_processor())


def save_random_checkpoint(folder: str | Path, arch: str = "tiny", *, seed: int = 0) -> Path:
    """Save a random judge as a checkpoint folder that ``IntJudge(model=folder)`` loads."""
    folder = Path(folder)
    model, inputs = random_components(arch, seed=seed)
    model.save_pretrained(folder)
    inputs.tokenizer.save_pretrained(folder)
    inputs.image_processor.save_pretrained(folder)
    return folder


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m genjudge.training.tiny_base FOLDER``: save a random base checkpoint to ``FOLDER``."""
    parser = argparse.ArgumentParser(
        prog="python -m genjudge.training.tiny_base",
        description="Save a randomly initialised Qwen2-VL checkpoint to train a judge from on a CPU "
        "(its verdicts mean nothing; it shows the training loop work).",
    )
    parser.add_argument("folder", type=Path, help="Folder to write (then: --base-model FOLDER).")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="tiny", help="Model shapes.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the random weights.")
    args = parser.parse_args(argv)
    folder = save_random_checkpoint(args.folder, args.arch, seed=args.seed)
    print(f"Saved a random {args.arch} Qwen2-VL base to {folder}; train with --base-model {folder}")


if __name__ == "__main__":
    main()
