"""LMM4LMM scoring throughput: genjudge's batched judge vs the official batch-1 forward.

Both arms score the same images with the same randomly initialised model (see
``tests/support/random_internvl.py``) in one run, interleaved (A B A B ...), and must agree on every
score:

- A, "official batch-1": what ``internvl/train/eval_scores_infer.py`` does per image (its
  DataLoader has ``batch_size=1``): the official preprocessing (1024x1024 resize, 5 tiles, the
  internlm2-chat conversation with the answer template), one forward pass of the whole model with
  ``output_hidden_states=True`` and logits over every position (the official forward computes them
  for its loss), then the head on ``hidden_states[-1][:, -4]``. The official script itself needs
  CUDA, flash-attn and remote code, so this arm re-enacts its loop on transformers' InternVL; the
  model and the per-image work are the same.
- B, "genjudge batched": ``LMM4LMMJudge.score_batch`` on ``--batch-size`` images at a time (left
  padding, only the read position goes through the head, no LM head at all).

Both arms include preprocessing. Threads are pinned before torch is imported and printed.

    python perf/lmm4lmm_throughput.py                            # CPU, "small" model, float32
    python perf/lmm4lmm_throughput.py --device cuda --arch 8b    # GPU, InternVL2.5-8B shapes, bf16
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from thread_pinning import THREAD_VARIABLES, pin_from_argv

if __name__ == "__main__":
    pin_from_argv(min(os.cpu_count() or 1, 16))

import io
import json
import platform
import random
import statistics
import time

import numpy as np
import torch
from PIL import Image

from genjudge.judges.lmm4lmm.head import READ_POSITION
from genjudge.judges.lmm4lmm.judge import LMM4LMMJudge
from genjudge.judges.protocol import Media, ScoringItem

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.random_internvl import ARCHITECTURES, random_components

VOCABULARY = (
    "a photo of red blue green cat dog fox lighthouse city street at night in the snow under a tree "
    "two three wooden glass painting watercolour portrait of an old man holding umbrella with neon sign"
)


def picture(rng: np.random.Generator, side: int) -> bytes:
    """A PNG with smooth structure plus noise, the size of an EvalMi-50K image."""
    y, x = np.mgrid[0:side, 0:side] / side
    channels = [np.sin(6 * x * rng.random() + 4 * y * rng.random() + 6 * rng.random()) for _ in range(3)]
    array = (np.stack(channels, -1) * 90 + 128 + rng.normal(0, 10, (side, side, 3))).clip(0, 255)
    out = io.BytesIO()
    Image.fromarray(array.astype("uint8")).save(out, format="PNG")
    return out.getvalue()


def make_items(n: int, side: int) -> list[ScoringItem]:
    text_rng, image_rng = random.Random(0), np.random.default_rng(0)
    words = VOCABULARY.split()
    return [
        ScoringItem(
            " ".join(text_rng.choice(words) for _ in range(text_rng.randint(6, 30))),
            Media.image(picture(image_rng, side)),
        )
        for _ in range(n)
    ]


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


@torch.inference_mode()
def official_batch1(judge: LMM4LMMJudge, items: list[ScoringItem]) -> list[float]:
    """The official per-image loop: full forward with every hidden state and all logits."""
    model, head = judge.model, judge.head
    parameter = next(model.parameters())
    scores = []
    for item in items:
        row = judge.encode(item)
        batch = judge.inputs.collate([row], parameter.device, parameter.dtype)
        output = model(
            input_ids=batch["input_ids"],
            pixel_values=batch["pixel_values"],
            attention_mask=batch["attention_mask"],
            output_hidden_states=True,
        )
        output.logits.argmax(-1)  # the official loop decodes the argmax too
        scores.append(float(head(output.hidden_states[-1][:, READ_POSITION])))
    return scores


def batched(judge: LMM4LMMJudge, items: list[ScoringItem], batch_size: int) -> list[float]:
    scores: list[float] = []
    for start in range(0, len(items), batch_size):
        scores += [s[judge.task] for s in judge.score_batch(items[start : start + batch_size])]
    return scores


def timed(run, device: str) -> tuple[float, float, list[float]]:
    """(wall seconds, CPU seconds of this process, scores): on a shared CPU machine the CPU time is
    the figure the other jobs' load distorts least."""
    synchronize(device)
    cpu, start = time.process_time(), time.perf_counter()
    scores = run()
    synchronize(device)
    return time.perf_counter() - start, time.process_time() - cpu, scores


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument(
        "--arch", default=None, choices=sorted(ARCHITECTURES), help="default: small (cpu), 8b (cuda)"
    )
    parser.add_argument("--task", default="correspondence", choices=["perception", "correspondence"])
    parser.add_argument("--images", type=int, default=None, help="default 8 (cpu), 64 (cuda)")
    parser.add_argument("--batch-size", type=int, default=None, help="default 8 (cpu), 16 (cuda)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per arm, interleaved")
    parser.add_argument("--image-side", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=None, help="torch/BLAS threads (pinned for both arms)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    gpu = args.device.startswith("cuda")
    args.arch = args.arch or ("8b" if gpu else "small")
    args.images = args.images or (64 if gpu else 8)
    args.batch_size = args.batch_size or (16 if gpu else 8)
    threads = int(os.environ["OMP_NUM_THREADS"])
    torch.set_num_threads(threads)
    dtype = torch.bfloat16 if gpu else torch.float32

    built = time.perf_counter()
    model, head, inputs = random_components(args.arch, device=args.device, dtype=dtype)
    built = time.perf_counter() - built
    judge = LMM4LMMJudge.from_components(model, head, inputs, task=args.task, revision=f"random-{args.arch}")
    items = make_items(args.images, args.image_side)
    official_batch1(judge, items[:1])  # warm-up, both arms
    batched(judge, items[:2], 2)

    times: dict[str, list[float]] = {"official_batch1": [], "genjudge_batched": []}
    cpu_times: dict[str, list[float]] = {"official_batch1": [], "genjudge_batched": []}
    scores: dict[str, list[float]] = {}
    load_before = round(os.getloadavg()[0], 1)
    for repeat in range(args.repeats):
        for arm, run in (
            ("official_batch1", lambda: official_batch1(judge, items)),
            ("genjudge_batched", lambda: batched(judge, items, args.batch_size)),
        ):
            seconds, cpu_seconds, scores[arm] = timed(run, args.device)
            times[arm].append(seconds)
            cpu_times[arm].append(cpu_seconds)
            print(
                f"repeat {repeat + 1}/{args.repeats} {arm}: {len(items) / seconds:.3f} images/s, "
                f"{seconds:.1f} s wall, {cpu_seconds:.1f} s CPU",
                flush=True,
            )
    official, ours = np.array(scores["official_batch1"]), np.array(scores["genjudge_batched"])
    # relative to the spread of the scores: a random ReLU head puts some scores at exactly 0
    scale = float(max(np.abs(official).max(), 1e-6))
    relative = float(np.abs(official - ours).max() / scale)
    tolerance = 3e-2 if gpu else 1e-3  # bf16 batched vs unbatched kernels differ in the last bits
    if relative > tolerance:
        raise SystemExit(
            f"the arms disagree: max score difference {relative:.2e} of the largest score > {tolerance}"
        )

    def rates(arm: str) -> list[float]:
        return [len(items) / s for s in times[arm]]

    ratios = [b / a for a, b in zip(times["genjudge_batched"], times["official_batch1"], strict=True)]
    cpu_ratios = [
        b / a for a, b in zip(cpu_times["genjudge_batched"], cpu_times["official_batch1"], strict=True)
    ]
    result = {
        "device": torch.cuda.get_device_name() if gpu else args.device,
        "cpu": platform.processor() or platform.machine(),
        "threads": {"torch": torch.get_num_threads(), **{v: os.environ[v] for v in THREAD_VARIABLES}},
        "arch": args.arch,
        "parameters_m": round(sum(p.numel() for p in model.parameters()) / 1e6, 1),
        "dtype": str(dtype).removeprefix("torch."),
        "task": args.task,
        "images": len(items),
        "image_side": args.image_side,
        "tokens_per_image_mean": round(float(np.mean([len(judge.encode(i).input_ids) for i in items[:4]]))),
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "model_build_s": round(built, 1),
        "max_score_difference_over_largest_score": relative,
        "load_average": [load_before, round(os.getloadavg()[0], 1)],
    }
    for arm in times:
        result[f"{arm}_images_per_s"] = {
            "median": round(statistics.median(rates(arm)), 4),
            "min": round(min(rates(arm)), 4),
            "max": round(max(rates(arm)), 4),
        }
        result[f"{arm}_cpu_seconds"] = {
            "median": round(statistics.median(cpu_times[arm]), 2),
            "min": round(min(cpu_times[arm]), 2),
            "max": round(max(cpu_times[arm]), 2),
        }
    result["speedup"] = {
        "median": round(statistics.median(ratios), 2),
        "min": round(min(ratios), 2),
        "max": round(max(ratios), 2),
    }
    result["cpu_speedup"] = {
        "median": round(statistics.median(cpu_ratios), 2),
        "min": round(min(cpu_ratios), 2),
        "max": round(max(cpu_ratios), 2),
    }
    print(json.dumps(result, indent=2))
    ours_rate = result["genjudge_batched_images_per_s"]["median"]
    official_rate = result["official_batch1_images_per_s"]["median"]
    speedup = result["speedup"]
    print(
        f"\ngenjudge batched: {ours_rate:.3f} images/s; official batch-1: {official_rate:.3f} images/s; "
        f"wall speed-up {speedup['median']}x (range {speedup['min']}-{speedup['max']}x), CPU-time "
        f"speed-up {result['cpu_speedup']['median']}x (range {result['cpu_speedup']['min']}-"
        f"{result['cpu_speedup']['max']}x), {args.repeats} interleaved repeats"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
