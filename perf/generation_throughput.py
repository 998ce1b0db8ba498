"""Text-to-image throughput: genjudge's runner vs the official one-prompt loop vs the bare batched call.

Three arms draw the same prompts with the same loaded pipeline, interleaved A B C A B C … over
several rounds, and the figures are the median and the spread of each arm's images per second:

- A, "genjudge runner": :func:`genjudge.generation.text_to_image_run.generate_images` with
  :class:`~genjudge.generation.diffusers_t2i.DiffusersTextToImage` at ``--batch-size``, into a fresh
  folder each round: per-prompt generators, PNG encoding, atomic fsynced writes, the manifest.
- B, "official loop": what LanceZPF/OpenING ``generator_codes/gemini-flux_inference2.py`` does per
  image — one ``pipe(prompt, output_type="pil", num_inference_steps=…, generator=
  torch.Generator("cpu").manual_seed(seed)).images[0]`` per prompt, ``image.save(path)``, and
  ``torch.cuda.empty_cache()`` after each item on a GPU.
- C, "bare batched call": the same pipeline called on ``--batch-size`` prompts at a time with one
  generator per prompt, images kept in memory: no encoding, no I/O — the limit for A.

A and C must draw the same pictures (same seeds, same batches); the script checks that. Threads
are pinned before torch is imported and printed with the figures. Each arm's CPU time
(``time.process_time``: this process, all its threads) is reported beside its wall time, and the
time ratios to C are taken within each round; on a shared CPU machine the CPU ratio is the one the
other jobs' load distorts least (on a GPU, wall time is the measure). The load average is printed.

    python perf/generation_throughput.py                         # CPU, tiny random pipeline
    python perf/generation_throughput.py --device cuda --model /models/sdxl-turbo --steps 4 \\
        --prompts 64 --batch-size 8 --height 512 --width 512
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from thread_pinning import pin_from_argv, thread_settings

if __name__ == "__main__":
    pin_from_argv(min(os.cpu_count() or 1, 16))

import json
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable

import numpy as np
import torch

from genjudge.benchmarks.evalmi.release import read_release
from genjudge.benchmarks.evalmi.sample import sample_dir
from genjudge.generation.diffusers_t2i import DiffusersTextToImage
from genjudge.generation.text_to_image_run import generate_images

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.tiny_diffusion import build_tiny_pipeline

OFFICIAL_SEED = 42  # the official script seeds every image with the same constant


def prompts(count: int) -> list[tuple[int, str]]:
    """The bundled EvalMi-50K sample prompts, cycled (with a variation) up to ``count``."""
    base = [p.prompt for p in read_release(sample_dir()).prompts]
    return [
        (i, base[(i - 1) % len(base)] + ("" if i <= len(base) else f", take {i}"))
        for i in range(1, count + 1)
    ]


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def runner_arm(generator: DiffusersTextToImage, numbered: list[tuple[int, str]], batch_size: int) -> Callable:
    def run() -> Path:
        out = Path(tempfile.mkdtemp(prefix="genjudge-gen-perf-"))
        report = generate_images(generator, numbered, out, "Model", batch_size=batch_size, progress=False)
        if not report.complete:
            raise SystemExit(f"the runner did not make every image: {report.summary()}")
        return out

    return run


def official_arm(pipe, numbered: list[tuple[int, str]], steps: int, size: dict, device: str) -> Callable:
    def run() -> Path:
        out = Path(tempfile.mkdtemp(prefix="genjudge-gen-perf-official-"))
        for index, prompt in numbered:
            image = pipe(
                prompt,
                output_type="pil",
                num_inference_steps=steps,
                generator=torch.Generator("cpu").manual_seed(OFFICIAL_SEED),
                **size,
            ).images[0]
            image.save(out / f"{index:03d}.png")
            if device.startswith("cuda"):
                torch.cuda.empty_cache()
        return out

    return run


def bare_arm(pipe, numbered: list[tuple[int, str]], steps: int, size: dict, batch_size: int) -> Callable:
    def run() -> list:
        images = []
        for start in range(0, len(numbered), batch_size):
            chunk = numbered[start : start + batch_size]
            images += pipe(
                prompt=[prompt for _, prompt in chunk],
                generator=[torch.Generator("cpu").manual_seed(index) for index, _ in chunk],
                num_inference_steps=steps,
                output_type="pil",
                **size,
            ).images
        return images

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", help="Hub id or local diffusers folder (default: the tiny random pipeline)"
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--prompts", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--height", type=int)
    parser.add_argument("--width", type=int)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; each runs every arm once")
    parser.add_argument("--threads", type=int, help="BLAS/OpenMP/torch threads (pinned before torch loads)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

    model = args.model or build_tiny_pipeline(Path(tempfile.mkdtemp(prefix="genjudge-tiny-sd-")))
    generator = DiffusersTextToImage(
        model,
        device=args.device,
        dtype=args.dtype,
        num_inference_steps=args.steps,
        height=args.height,
        width=args.width,
    )
    pipe = generator.pipeline
    size = {key: value for key, value in (("height", args.height), ("width", args.width)) if value}
    numbered = prompts(args.prompts)
    arms = {
        "A genjudge runner": runner_arm(generator, numbered, args.batch_size),
        "B official loop": official_arm(pipe, numbered, args.steps, size, args.device),
        "C bare batched call": bare_arm(pipe, numbered, args.steps, size, args.batch_size),
    }
    for run in arms.values():  # warm-up: kernels, allocator, caches
        warm = run()
        synchronize(args.device)
        if isinstance(warm, Path):
            shutil.rmtree(warm)

    seconds: dict[str, list[float]] = {name: [] for name in arms}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in arms}
    last: dict[str, object] = {}
    folders: list[Path] = []
    loads = []
    for round_number in range(1, args.rounds + 1):
        loads.append(round(os.getloadavg()[0], 1))
        for name, run in arms.items():
            synchronize(args.device)
            cpu, start = time.process_time(), time.perf_counter()
            last[name] = run()
            synchronize(args.device)
            seconds[name].append(time.perf_counter() - start)
            cpu_seconds[name].append(time.process_time() - cpu)
            if isinstance(last[name], Path):
                folders.append(last[name])
        print(
            f"round {round_number} (load average {loads[-1]}): "
            + ", ".join(
                f"{n[:1]} {s[-1]:.2f} s wall / {cpu_seconds[n][-1]:.2f} s CPU" for n, s in seconds.items()
            ),
            flush=True,
        )

    written = sorted((last["A genjudge runner"] / "Model").glob("*.png"))
    from PIL import Image

    drift = max(
        int(np.abs(np.asarray(Image.open(path), dtype=int) - np.asarray(image, dtype=int)).max())
        for path, image in zip(written, last["C bare batched call"], strict=True)
    )
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    settings = generator.settings()
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"torch {torch.__version__}",
        "device": args.device if not args.device.startswith("cuda") else torch.cuda.get_device_name(),
        "threads": f"{thread_settings()}, torch.get_num_threads()={torch.get_num_threads()}, "
        f"interop={torch.get_num_interop_threads()}",
        "model": settings["model"],
        "pipeline": settings["pipeline"],
        "dtype": settings["dtype"],
        "sampling": settings["sampling"],
        "prompts": len(numbered),
        "batch_size": args.batch_size,
        "rounds": args.rounds,
        "load_average_per_round": loads,
        "runner_vs_bare_max_pixel_difference": drift,
        "arms": {
            name: {
                "seconds": [round(s, 3) for s in runs],
                "cpu_seconds": [round(s, 3) for s in cpu_seconds[name]],
                "median_cpu_seconds": round(statistics.median(cpu_seconds[name]), 3),
                "median_images_per_s": round(len(numbered) / statistics.median(runs), 3),
                "spread_images_per_s": [
                    round(len(numbered) / max(runs), 3),
                    round(len(numbered) / min(runs), 3),
                ],
            }
            for name, runs in seconds.items()
        },
    }
    for label, times in (("cpu", cpu_seconds), ("wall", seconds)):
        bare = times["C bare batched call"]
        figures[f"{label}_time_vs_bare_per_round"] = {
            name: {
                "median": round(statistics.median(r / b for r, b in zip(runs, bare, strict=True)), 3),
                "range": [
                    round(min(r / b for r, b in zip(runs, bare, strict=True)), 3),
                    round(max(r / b for r, b in zip(runs, bare, strict=True)), 3),
                ],
            }
            for name, runs in times.items()
        }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
