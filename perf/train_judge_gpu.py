"""LoRA fine-tuning speed and memory of a judge on the Qwen2-VL-7B architecture (the GPU recipe).

One prepared command, meant for one GPU (it finishes well under 8 minutes on an H200):

    python perf/train_judge_gpu.py --arch 7b --device cuda          # Qwen2-VL-7B shapes, bf16, LoRA

It runs genjudge's own training path (:func:`genjudge.training.trainer.make_trainer`: TRL's
``SFTTrainer``, a PEFT LoRA adapter on the language model's projections, the IntJudge prompt layout
from :class:`~genjudge.training.examples.VerdictCollator`) on a randomly initialised Qwen2-VL of the
chosen architecture (``tests/support/random_qwen_vl.py``: nothing is downloaded, so the weights
mean nothing, but shapes and cost are those of IntJudge). The pairs are shaped like OpenING's: a
request with a text and ``--input-images`` images, two answers of ``--output-steps`` steps with an
image each. ``--warmup-steps`` optimiser steps are run untimed, then ``--steps`` timed ones; it
prints optimiser steps per second, pairs per second and the peak GPU memory, with the thread settings.

    python perf/train_judge_gpu.py --arch tiny --device cpu --steps 3   # the same path on a CPU
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from transformers import TrainerCallback

from genjudge.training.trainer import TrainOptions, make_trainer

# The random-model builder is test support, not part of the installed library.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.random_qwen_vl import random_components

WORDS = ("plan", "trip", "picture", "temples", "gardens", "markets", "flour", "sugar", "bake", "dough", "sun")


def picture(rng: np.random.Generator, side: int) -> bytes:
    array = rng.integers(0, 256, size=(side, side, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def step(rng: np.random.Generator, words: int, image_side: int | None) -> dict:
    text = " ".join(rng.choice(WORDS, size=words).tolist())
    image = None if image_side is None else {"bytes": picture(rng, image_side), "path": None}
    return {"text": text, "image": image}


def make_rows(args: argparse.Namespace) -> list[dict]:
    """Judge-dataset rows (the ``judge`` config's shape) with random texts and images."""
    rng = np.random.default_rng(0)
    per_step = max(1, args.words_per_output // args.output_steps)

    def answer() -> list[dict]:
        return [step(rng, per_step, args.image_side) for _ in range(args.output_steps)]

    rows = []
    for k in range(args.pairs):
        request = [step(rng, args.input_words, None)] + [
            {"text": "", "image": {"bytes": picture(rng, args.image_side), "path": None}}
            for _ in range(args.input_images)
        ]
        winner = "A" if k % 2 == 0 else "B"
        rows.append(
            {
                "uid": f"{k:07d}",
                "model_a": "X",
                "model_b": "Y",
                "winner": winner,
                "target": f"{winner} is better",
                "source": "human",
                "origin": "synthetic",
                "unseen": False,
                "input": request,
                "output_a": answer(),
                "output_b": answer(),
                "reference": answer(),
            }
        )
    return rows


class StepClock(TrainerCallback):
    """Wall-clock and process CPU time at the end of every optimiser step (the device synchronised
    first): on a shared CPU machine the CPU time is the figure the other jobs' load distorts least."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.times: list[float] = []
        self.cpu_times: list[float] = []

    def on_step_end(self, args, state, control, **kwargs):
        if self.device.startswith("cuda"):
            torch.cuda.synchronize()
        self.times.append(time.perf_counter())
        self.cpu_times.append(time.process_time())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--arch", default="7b", choices=["tiny", "small", "7b"])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--steps", type=int, default=30, help="timed optimiser steps")
    parser.add_argument("--warmup-steps", type=int, default=3, help="untimed optimiser steps first")
    parser.add_argument("--batch-size", type=int, default=1, help="pairs per optimiser step")
    parser.add_argument("--pairs", type=int, default=64, help="distinct synthetic pairs (cycled)")
    parser.add_argument("--input-words", type=int, default=60)
    parser.add_argument("--input-images", type=int, default=1)
    parser.add_argument("--output-steps", type=int, default=3)
    parser.add_argument("--words-per-output", type=int, default=150)
    parser.add_argument("--image-side", type=int, default=448)
    parser.add_argument("--lora-rank", type=int, default=16)
    parser.add_argument("--gradient-checkpointing", action="store_true")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    args = parser.parse_args()

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    on_gpu = args.device.startswith("cuda")
    dtype = torch.bfloat16 if on_gpu else torch.float32
    torch.manual_seed(0)
    network, inputs = random_components(args.arch, device=args.device, dtype=dtype)
    options = TrainOptions(
        max_steps=args.warmup_steps + args.steps,
        batch_size=args.batch_size,
        gradient_accumulation=1,
        learning_rate=1e-4,
        lora_rank=args.lora_rank,
        lora_alpha=2 * args.lora_rank,
        save_steps=10**9,  # only the final checkpoint, written after the last timed step
        bf16=on_gpu,
        gradient_checkpointing=args.gradient_checkpointing,
        progress=False,
        logging_steps=10**9,
    )
    clock = StepClock(args.device)
    rows = make_rows(args)
    with tempfile.TemporaryDirectory() as out:
        trainer = make_trainer(network, inputs, rows, out, options, callbacks=[clock])
        if on_gpu:
            torch.cuda.reset_peak_memory_stats()
        trainer.train()
    first = args.warmup_steps - 1 if args.warmup_steps else 0
    timed, timed_cpu = clock.times[first:], clock.cpu_times[first:]
    seconds = timed[-1] - timed[0] if len(timed) > 1 else float("nan")
    cpu_seconds = timed_cpu[-1] - timed_cpu[0] if len(timed_cpu) > 1 else float("nan")
    steps = len(timed) - 1
    trainable = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
    result = {
        "arch": args.arch,
        "device": torch.cuda.get_device_name() if on_gpu else platform.processor() or platform.machine(),
        "dtype": str(dtype),
        "timed_steps": steps,
        "seconds": round(seconds, 3),
        "steps_per_second": round(steps / seconds, 4),
        "cpu_seconds": round(cpu_seconds, 3),
        "cpu_seconds_per_step": round(cpu_seconds / steps, 4) if steps else None,
        "load_average_after": round(os.getloadavg()[0], 1),
        "pairs_per_second": round(steps * args.batch_size / seconds, 4),
        "peak_gpu_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if on_gpu else None,
        "trainable_parameters": trainable,
        "prompt_tokens_first_pair": len(trainer.data_collator.encode(rows[0])[0].input_ids),
        "torch_threads": torch.get_num_threads(),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "torch": torch.__version__,
        "gradient_checkpointing": args.gradient_checkpointing,
        "batch_size": args.batch_size,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
