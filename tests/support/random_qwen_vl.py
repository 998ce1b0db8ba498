"""Randomly initialised Qwen2-VL judges for tests and ``perf/`` scripts.

They ship in the package as :mod:`genjudge.training.tiny_base` (users build a tiny base with it to
see ``genjudge judge train`` work on a CPU); tests and benchmarks import them from here as before.
"""

from genjudge.training.tiny_base import (
    ARCHITECTURES,
    CHATML_TEMPLATE,
    SPECIAL_TOKENS,
    config,
    image_processor,
    random_components,
    save_random_checkpoint,
    train_tokenizer,
)

__all__ = [
    "ARCHITECTURES",
    "CHATML_TEMPLATE",
    "SPECIAL_TOKENS",
    "config",
    "image_processor",
    "random_components",
    "save_random_checkpoint",
    "train_tokenizer",
]
