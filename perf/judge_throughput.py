"""Judge throughput: batched verdict scoring vs the official per-pair ``generate`` (128 new tokens).

Both modes judge the same OpenING-sized pairs in the same run, on a randomly initialised Qwen2-VL
(see ``tests/support/random_qwen_vl.py``):

- baseline, "official generate": one pair at a time, greedy decoding of up to ``--max-new-tokens``
  (128 as in ``IntJudge_judge_AB.py``). With random weights the model never emits its end-of-turn
  token, so every pair decodes all 128 tokens. That is the official cost bound; the real IntJudge
  usually stops after a few tokens, so also compare with ``--max-new-tokens 8`` if you want the
  optimistic baseline.
- genjudge "score": ``--batch-size`` pairs per forward pass over the prompts, then the four verdict
  strings' tokens from a shared KV cache.

Pairs are shaped like OpenING's: an input with a text and ``--input-images`` images, and two
outputs with ``--output-steps`` steps each (``--tokens-per-output`` text tokens in total, one image
per step up to ``--images-per-output``).

    python perf/judge_throughput.py                                # CPU, scaled-down model
    python perf/judge_throughput.py --device cuda --arch 7b        # GPU, Qwen2-VL-7B shapes, bf16
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from tqdm import tqdm

from genjudge.judges.intjudge import IntJudge
from genjudge.judges.protocol import PairwiseItem
from genjudge.records import Step

# The random-model builder is test support, not part of the installed library.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.random_qwen_vl import ARCHITECTURES, random_components

VOCABULARY = (
    "the a of to and in with for on by step image shows then next we add mix bake place city river "
    "garden temple market museum color light shadow design poster layout font story character scene "
    "morning evening travel plan guide recipe flour sugar butter oven minutes bright soft detailed"
)


def picture(rng: np.random.Generator, side: int) -> bytes:
    """A JPEG with some structure (smooth gradients plus noise), like a photo's size on disk."""
    y, x = np.mgrid[0:side, 0:side] / side
    channels = [np.sin(6 * x * rng.random() + 3 * y * rng.random() + rng.random() * 6) for _ in range(3)]
    array = (np.stack(channels, axis=-1) * 90 + 128 + rng.normal(0, 12, (side, side, 3))).clip(0, 255)
    buffer = io.BytesIO()
    Image.fromarray(array.astype("uint8")).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def text_of_tokens(rng: random.Random, tokenizer, n_tokens: int) -> str:
    """Pseudo-English text of exactly ``n_tokens`` tokens under ``tokenizer``."""
    vocabulary = VOCABULARY.split()
    words = " ".join(rng.choice(vocabulary) for _ in range(n_tokens))
    ids = tokenizer(words, add_special_tokens=False)["input_ids"][:n_tokens]
    return tokenizer.decode(ids)


def make_pairs(args: argparse.Namespace, tokenizer) -> list[PairwiseItem]:
    text_rng = random.Random(0)
    image_rng = np.random.default_rng(0)
    per_step = args.tokens_per_output // args.output_steps

    def output() -> tuple[Step, ...]:
        return tuple(
            Step(
                text_of_tokens(text_rng, tokenizer, per_step),
                picture(image_rng, args.image_side) if k < args.images_per_output else None,
            )
            for k in range(args.output_steps)
        )

    pairs = []
    for _ in range(args.pairs):
        question = [Step(text_of_tokens(text_rng, tokenizer, args.input_tokens))]
        question += [Step("", picture(image_rng, args.image_side)) for _ in range(args.input_images)]
        pairs.append(PairwiseItem(question=tuple(question), output_a=output(), output_b=output()))
    return pairs


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def time_score(judge: IntJudge, pairs: list[PairwiseItem], batch_size: int, device: str) -> float:
    judge.judge_batch(pairs[:1])  # warm-up
    synchronize(device)
    start = time.perf_counter()
    for first in tqdm(range(0, len(pairs), batch_size), desc="score (batched)", unit="batch"):
        judge.judge_batch(pairs[first : first + batch_size])
    synchronize(device)
    return time.perf_counter() - start


def time_generate(judge: IntJudge, pairs: list[PairwiseItem], device: str) -> tuple[float, int]:
    judge.generate_ids(pairs[0])  # warm-up
    synchronize(device)
    new_tokens = 0
    start = time.perf_counter()
    for pair in tqdm(pairs, desc="official generate (per pair)", unit="pair"):
        new_tokens += len(judge.generate_ids(pair))
    synchronize(device)
    return time.perf_counter() - start, new_tokens


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--arch", default="small", choices=sorted(ARCHITECTURES), help="model shapes")
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--input-tokens", type=int, default=60)
    parser.add_argument("--input-images", type=int, default=1)
    parser.add_argument("--output-steps", type=int, default=4)
    parser.add_argument("--tokens-per-output", type=int, default=300)
    parser.add_argument("--images-per-output", type=int, default=3)
    parser.add_argument("--image-side", type=int, default=None, help="pixels; default 448 (cpu), 896 (cuda)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    args.image_side = args.image_side or (896 if args.device.startswith("cuda") else 448)
    dtype = torch.bfloat16 if args.device.startswith("cuda") else torch.float32

    built = time.perf_counter()
    model, inputs = random_components(args.arch, device=args.device, dtype=dtype)
    built = time.perf_counter() - built
    score_judge = IntJudge.from_components(model, inputs, revision="random")
    generate_judge = IntJudge.from_components(
        model, inputs, revision="random", mode="generate", max_new_tokens=args.max_new_tokens
    )
    pairs = make_pairs(args, inputs.tokenizer)
    prompt_tokens = [int(inputs.batch([score_judge.prompt(p)])["input_ids"].shape[1]) for p in pairs]

    score_s = time_score(score_judge, pairs, args.batch_size, args.device)
    generate_s, new_tokens = time_generate(generate_judge, pairs, args.device)

    score_pps = len(pairs) / score_s
    generate_pps = len(pairs) / generate_s
    n_params = sum(p.numel() for p in model.parameters())
    result = {
        "device": args.device if args.device == "cpu" else torch.cuda.get_device_name(),
        "cpu": platform.processor() or platform.machine(),
        "threads": torch.get_num_threads(),
        "arch": args.arch,
        "parameters_m": round(n_params / 1e6, 1),
        "dtype": str(dtype).removeprefix("torch."),
        "pairs": len(pairs),
        "batch_size": args.batch_size,
        "max_batch_tokens": score_judge.max_batch_tokens,
        "images_per_pair": args.input_images + 2 * args.images_per_output,
        "image_side": args.image_side,
        "prompt_tokens_mean": round(sum(prompt_tokens) / len(prompt_tokens)),
        "generated_tokens_mean": round(new_tokens / len(pairs), 1),
        "model_build_s": round(built, 1),
        "generate_pairs_per_s": round(generate_pps, 4),
        "score_pairs_per_s": round(score_pps, 4),
        "speedup": round(score_pps / generate_pps, 2),
    }
    print(json.dumps(result, indent=2))
    print(
        f"\nbatched verdict scoring: {score_pps:.3f} pairs/s; official per-pair generate "
        f"(max {args.max_new_tokens} new tokens): {generate_pps:.3f} pairs/s; "
        f"speed-up {score_pps / generate_pps:.1f}x"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
