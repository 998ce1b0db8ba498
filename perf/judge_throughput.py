"""Judge throughput: genjudge's IntJudge score mode vs the official per-pair decoding vs bare prefill.

Three arms judge the same OpenING-shaped pairs with the same randomly initialised Qwen2-VL (see
``tests/support/random_qwen_vl.py``: scaled down on CPU, the Qwen2-VL-7B shapes on a GPU), one
after the other within each round (A, B, B128, C, A, B, B128, C, ...), so that the load of a shared
machine falls on all arms alike:

- **A, genjudge**: ``IntJudge.judge_batch`` in score mode on ``--batch-size`` pairs per call:
  images decoded and patched, prompts tokenised, sorted by length into forward passes of at most
  ``max_batch_tokens`` padded tokens, one prefill each with a KV cache, then the four verdict
  strings' tokens read from the cache; the verdict is the most likely string.
- **B, official per-pair decoding**: what ``IntJudge_judge_AB.py`` of LanceZPF/OpenING does for each
  pair: build the one pair's inputs, ``model.generate(**inputs, max_new_tokens=N)`` at batch 1,
  decode the reply and parse the verdict. The official script loads the 16 GB checkpoint (with
  flash-attn, on CUDA) and reads the OpenING files when it is imported, so it cannot run here;
  this arm re-enacts its loop with genjudge's generate mode (``IntJudge.generate_ids``, greedy, and
  the official leaning rule for replies that name no verdict) on the same model, and ``N`` is read
  from the official script itself (``--mirror``, a clone of LanceZPF/OpenING; the run stops if
  that call is no longer there). Two budgets, reported separately:

  * **B (verdict + EOS)**, the honest baseline: the real IntJudge stops at end-of-sequence right
    after the verdict, but a random model never emits it, so each pair decodes exactly as many
    tokens as the verdict arm A chose for it has, plus one for the end-of-sequence token.
  * **B128**, the official budget in full (N = 128), what the random model does; an upper bound
    of the official cost, not what IntJudge spends.
- **C, bare prefill**: the physical limit: one forward pass (no cache, logits of the last
  position only) over exactly A's padded batches, already built and on the device; no
  preprocessing, no verdict reading.

A and B include preprocessing (both through genjudge's Qwen2-VL input builder, which produces the
official processor's inputs). All arms use transformers' default attention (SDPA); the official
script asks for flash-attn. Threads are pinned before numpy and torch load and printed, the same
for all arms. Each round times every arm once; the report gives per arm the median and range of
its times and of the per-round ratios, with the goals next to them: genjudge >= 10x the official
verdict + EOS baseline on a GPU, and within 1.5x of the bare prefill on CPU and GPU.

Pairs are shaped like OpenING's: an input with a text and ``--input-images`` images, and two
outputs with ``--output-steps`` steps each (``--tokens-per-output`` text tokens in total, one image
per step up to ``--images-per-output``).

    python perf/judge_throughput.py --mirror <clone of LanceZPF/OpenING>                 # CPU, "small"
    python perf/judge_throughput.py --mirror <clone> --device cuda --arch 7b             # H200, bf16
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

import contextlib
import datetime
import io
import json
import platform
import random
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import transformers
from PIL import Image
from tqdm import tqdm

from genjudge.core.records import Step
from genjudge.judges.intjudge import IntJudge
from genjudge.judges.parsing import verdicts_from_replies
from genjudge.judges.prompts import VERDICT_STRINGS
from genjudge.judges.protocol import VERDICT_LABELS, PairwiseItem
from genjudge.judges.qwen_vl_inputs import QwenVLInputs

# The random-model builder is test support, not part of the installed library.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.random_qwen_vl import ARCHITECTURES, random_components

OFFICIAL_SCRIPT = "IntJudge_judge_AB.py"
OFFICIAL_GENERATE = re.compile(r"model\.generate\(\s*\*\*inputs\s*,\s*max_new_tokens\s*=\s*(\d+)\s*\)")
ARMS = ("genjudge", "official_verdict", "official_full", "prefill")
ARM_TITLES = {
    "genjudge": "A  genjudge score mode (batched)",
    "official_verdict": "B  official per-pair generate, verdict + EOS tokens",
    "official_full": "B128  official per-pair generate, full budget",
    "prefill": "C  bare batched prefill (limit)",
}
SPEEDUP_GOAL = 10.0
PREFILL_GOAL = 1.5
VOCABULARY = (
    "the a of to and in with for on by step image shows then next we add mix bake place city river "
    "garden temple market museum color light shadow design poster layout font story character scene "
    "morning evening travel plan guide recipe flour sugar butter oven minutes bright soft detailed"
)


@dataclass(frozen=True)
class PairShape:
    """How big each OpenING-like pair is."""

    pairs: int
    input_tokens: int = 60
    input_images: int = 1
    output_steps: int = 4
    tokens_per_output: int = 300
    images_per_output: int = 3
    image_side: int = 336


def read_official_script(mirror: Path) -> str:
    """``IntJudge_judge_AB.py`` as committed at HEAD of a clone (bare or not) of LanceZPF/OpenING."""
    git_dir = mirror / ".git" if (mirror / ".git").is_dir() else mirror
    shown = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"HEAD:{OFFICIAL_SCRIPT}"], capture_output=True, text=True
    )
    if shown.returncode != 0:
        raise SystemExit(f"cannot read {OFFICIAL_SCRIPT} from {mirror}: {shown.stderr.strip()}")
    return shown.stdout


def official_token_budget(script: str) -> int:
    """``max_new_tokens`` of the official script's ``model.generate`` call."""
    match = OFFICIAL_GENERATE.search(script)
    if match is None:
        raise SystemExit(
            f"{OFFICIAL_SCRIPT} has no `model.generate(**inputs, max_new_tokens=N)` call any more: "
            "the official decoding changed, so this benchmark's baseline must be checked against it"
        )
    return int(match.group(1))


def picture(rng: np.random.Generator, side: int) -> bytes:
    """A JPEG with some structure (smooth gradients plus noise), like a photo's size on disk."""
    y, x = np.mgrid[0:side, 0:side] / side
    channels = [np.sin(6 * x * rng.random() + 3 * y * rng.random() + rng.random() * 6) for _ in range(3)]
    array = (np.stack(channels, axis=-1) * 90 + 128 + rng.normal(0, 12, (side, side, 3))).clip(0, 255)
    buffer = io.BytesIO()
    Image.fromarray(array.astype("uint8")).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def text_of_tokens(rng: random.Random, tokenizer, n_tokens: int) -> str:
    """Pseudo-English text of about ``n_tokens`` tokens under ``tokenizer``."""
    vocabulary = VOCABULARY.split()
    words = " ".join(rng.choice(vocabulary) for _ in range(n_tokens))
    ids = tokenizer(words, add_special_tokens=False)["input_ids"][:n_tokens]
    return tokenizer.decode(ids)


def make_pairs(shape: PairShape, tokenizer) -> list[PairwiseItem]:
    """``shape.pairs`` OpenING-shaped pairs, the same for every run (fixed seeds)."""
    text_rng = random.Random(0)
    image_rng = np.random.default_rng(0)
    per_step = shape.tokens_per_output // shape.output_steps

    def output() -> tuple[Step, ...]:
        return tuple(
            Step(
                text_of_tokens(text_rng, tokenizer, per_step),
                picture(image_rng, shape.image_side) if k < shape.images_per_output else None,
            )
            for k in range(shape.output_steps)
        )

    pairs = []
    for _ in range(shape.pairs):
        question = [Step(text_of_tokens(text_rng, tokenizer, shape.input_tokens))]
        question += [Step("", picture(image_rng, shape.image_side)) for _ in range(shape.input_images)]
        pairs.append(PairwiseItem(question=tuple(question), output_a=output(), output_b=output()))
    return pairs


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def genjudge_arm(judge: IntJudge, pairs: Sequence[PairwiseItem], batch_size: int) -> list[str]:
    """Arm A: score-mode verdicts, ``batch_size`` pairs per ``judge_batch`` call."""
    winners: list[str] = []
    for first in range(0, len(pairs), batch_size):
        winners += [v.winner for v in judge.judge_batch(pairs[first : first + batch_size])]
    return winners


def official_arm(
    judges: dict[int, IntJudge], pairs: Sequence[PairwiseItem], budgets: Sequence[int]
) -> tuple[list[str], int]:
    """Arm B: the official loop, one pair at a time: generate, decode, parse. (winners, tokens decoded)."""
    replies, decoded = [], 0
    for pair, budget in zip(pairs, budgets, strict=True):
        judge = judges[budget]
        ids = judge.generate_ids(pair)
        decoded += len(ids)
        replies.append(judge.inputs.decode(ids))
    verdicts = verdicts_from_replies(pairs, replies, on_unparseable="official", seed=0)
    return [v.winner for v in verdicts], decoded


@torch.inference_mode()
def prefill_arm(model: torch.nn.Module, batches: Sequence[dict[str, torch.Tensor]]) -> None:
    """Arm C: one forward pass over each prepared batch, nothing else."""
    for batch in batches:
        model(**batch, use_cache=False, logits_to_keep=1)


def verdict_budgets(inputs: QwenVLInputs, winners: Sequence[str]) -> list[int]:
    """Tokens the real IntJudge decodes for each verdict: the verdict string's tokens + end-of-sequence."""
    return [len(inputs.token_ids(VERDICT_STRINGS[winner])) + 1 for winner in winners]


@dataclass
class Workload:
    """Everything the timed arms need, built once: the judges, the budgets, A's batches for C."""

    model: torch.nn.Module
    score_judge: IntJudge
    official_judges: dict[int, IntJudge]
    pairs: list[PairwiseItem]
    batch_size: int
    winners: list[str]
    verdict_budgets: list[int]
    full_budget: int
    prefill_batches: list[dict[str, torch.Tensor]]
    device: str

    def arms(self) -> dict[str, Callable[[], object]]:
        full = [self.full_budget] * len(self.pairs)
        return {
            "genjudge": lambda: genjudge_arm(self.score_judge, self.pairs, self.batch_size),
            "official_verdict": lambda: official_arm(self.official_judges, self.pairs, self.verdict_budgets),
            "official_full": lambda: official_arm(self.official_judges, self.pairs, full),
            "prefill": lambda: prefill_arm(self.model, self.prefill_batches),
        }


def build_workload(
    model: torch.nn.Module,
    inputs: QwenVLInputs,
    pairs: list[PairwiseItem],
    *,
    batch_size: int,
    full_budget: int,
    device: str,
    max_batch_tokens: int | None = None,
) -> Workload:
    """Judges and inputs for the arms; arm A's first run (untimed) gives the verdict budgets."""
    score_judge = IntJudge.from_components(
        model, inputs, revision="random", max_batch_tokens=max_batch_tokens
    )
    winners = genjudge_arm(score_judge, pairs, batch_size)
    budgets = verdict_budgets(inputs, winners)
    official_judges = {
        budget: IntJudge.from_components(
            model,
            inputs,
            revision="random",
            mode="generate",
            max_new_tokens=budget,
            on_unparseable="official",
        )
        for budget in {*budgets, full_budget}
    }
    prefill_batches = [
        {key: value.to(device) for key, value in batch.items()}
        for first in range(0, len(pairs), batch_size)
        for _, batch in score_judge.padded_batches(pairs[first : first + batch_size])
    ]
    return Workload(
        model, score_judge, official_judges, pairs, batch_size, winners, budgets, full_budget,
        prefill_batches, device,
    )  # fmt: skip


def warm_up(workload: Workload) -> None:
    """One small call of each arm, so that no arm pays for first-call allocations."""
    first = workload.pairs[:1]
    official_arm(workload.official_judges, first, workload.verdict_budgets[:1])
    prefill_arm(workload.model, workload.prefill_batches[:1])
    synchronize(workload.device)


@dataclass
class Timings:
    """Per arm, one figure per round: wall-clock seconds, and this process's CPU seconds (all threads).

    On a shared machine other jobs stretch the wall clock of whichever arm they overlap; the CPU
    seconds are much less affected, so they are kept as a cross-check of the wall-clock ratios.
    """

    wall: dict[str, list[float]]
    cpu: dict[str, list[float]]
    decoded_tokens: dict[str, int]


def time_rounds(workload: Workload, rounds: int, *, progress: bool = True) -> Timings:
    """Time every arm once per round, the arms taking turns (A B B128 C, A B B128 C, ...).

    Arm A's verdicts must be the same in every round as in its untimed first run.
    """
    timings = Timings({arm: [] for arm in ARMS}, {arm: [] for arm in ARMS}, {})
    arms = workload.arms()
    bar = tqdm(total=rounds * len(ARMS), desc="arms x rounds", unit="arm", disable=not progress)
    for round_index in range(rounds):
        for arm in ARMS:
            synchronize(workload.device)
            wall, cpu = time.perf_counter(), time.process_time()
            outcome = arms[arm]()
            synchronize(workload.device)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            timings.wall[arm].append(wall)
            timings.cpu[arm].append(cpu)
            if arm == "genjudge" and outcome != workload.winners:
                raise SystemExit(f"round {round_index + 1}: genjudge's verdicts changed between runs")
            if arm.startswith("official"):
                timings.decoded_tokens[arm] = outcome[1]
            bar.update()
            if progress:
                tqdm.write(f"round {round_index + 1}/{rounds} {arm}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    bar.close()
    return timings


def spread(values: Sequence[float], digits: int = 3) -> dict[str, float]:
    """Median, range and interquartile range (quartiles need two values; one value is its own)."""
    quartiles = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "q1": round(quartiles[0], digits),
        "q3": round(quartiles[2], digits),
    }


def ratios(times: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Per-round ratios: genjudge's speed-up over each official arm, and its time over the bare prefill."""
    a, b, b128, c = (times[arm] for arm in ARMS)
    per_round = {
        "speedup_over_official_verdict": [y / x for x, y in zip(a, b, strict=True)],
        "speedup_over_official_full": [y / x for x, y in zip(a, b128, strict=True)],
        "genjudge_over_prefill": [x / y for x, y in zip(a, c, strict=True)],
        "official_verdict_over_prefill": [y / x for x, y in zip(c, b, strict=True)],
    }
    return {name: spread(values, 2) for name, values in per_round.items()}


def machine(device: str) -> dict[str, object]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "device": torch.cuda.get_device_name() if device.startswith("cuda") else "cpu",
        "cpu": cpu,
        "cpu_cores": os.cpu_count(),
        "cores_available": len(os.sched_getaffinity(0)),
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "threads": {"torch": torch.get_num_threads(), **{v: os.environ.get(v) for v in THREAD_VARIABLES}},
    }


def report_lines(result: dict) -> list[str]:
    """The human-readable summary: per-arm medians and ranges, ratios with their goals next to them."""
    gpu = result["machine"]["device"] != "cpu"
    lines = [f"{result['pairs']} pairs, {result['rounds']} interleaved rounds"]
    for clock in ("wall", "cpu"):
        lines.append(f"{clock} seconds per arm and round, median (range; IQR):")
        for arm in ARMS:
            s = result[f"{clock}_seconds"][arm]
            lines.append(
                f"  {ARM_TITLES[arm]:<52} {s['median']:8.2f} s ({s['min']:.2f}-{s['max']:.2f};"
                f" {s['q1']:.2f}-{s['q3']:.2f})  {result['pairs'] / s['median']:.3f} pairs/s"
            )
    for clock in ("wall", "cpu"):
        r = result[f"ratios_{clock}"]
        verdict, full, limit = (
            r["speedup_over_official_verdict"],
            r["speedup_over_official_full"],
            r["genjudge_over_prefill"],
        )
        ceiling = r["official_verdict_over_prefill"]
        speed_goal = (
            f"goal >= {SPEEDUP_GOAL:g}x: {'met' if verdict['median'] >= SPEEDUP_GOAL else 'MISSED'}"
            if gpu
            else f"(the >= {SPEEDUP_GOAL:g}x goal is for a GPU)"
        )
        limit_goal = f"goal <= {PREFILL_GOAL:g}x: {'met' if limit['median'] <= PREFILL_GOAL else 'MISSED'}"
        lines.append(f"ratios of {clock} seconds, median (range; IQR) of the per-round ratios:")
        for title, x, goal in (
            ("A/B     speed-up over official, verdict + EOS", verdict, speed_goal),
            ("A/B128  speed-up over official, 128 tokens", full, "(upper bound of the official cost)"),
            ("A/C     genjudge time over bare prefill", limit, limit_goal),
            (
                "B/C     ceiling of A/B: official verdict + EOS over prefill",
                ceiling,
                "(no judge can beat it)",
            ),
        ):
            lines.append(
                f"  {title:<52} {x['median']:6.2f}x ({x['min']:.2f}-{x['max']:.2f};"
                f" {x['q1']:.2f}-{x['q3']:.2f})  {goal}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mirror", type=Path, required=True, help="git clone (bare or not) of LanceZPF/OpenING"
    )
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument(
        "--arch", default=None, choices=sorted(ARCHITECTURES), help="default: small (cpu), 7b (cuda)"
    )
    parser.add_argument(
        "--dtype",
        default=None,
        choices=["float32", "bfloat16"],
        help="default: float32 (cpu), bfloat16 (cuda)",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds; default 9 (cpu), 3 (cuda)"
    )
    parser.add_argument("--pairs", type=int, default=None, help="default 4 (cpu), 8 (cuda)")
    parser.add_argument(
        "--batch-size", type=int, default=None, help="pairs per judge_batch call; default: all pairs"
    )
    parser.add_argument("--max-batch-tokens", type=int, default=None, help="IntJudge's; default: its own")
    parser.add_argument("--input-tokens", type=int, default=60)
    parser.add_argument("--input-images", type=int, default=1)
    parser.add_argument("--output-steps", type=int, default=4)
    parser.add_argument("--tokens-per-output", type=int, default=300)
    parser.add_argument("--images-per-output", type=int, default=3)
    parser.add_argument("--image-side", type=int, default=None, help="pixels; default 336 (cpu), 896 (cuda)")
    parser.add_argument("--threads", type=int, default=None, help="torch/BLAS threads, pinned for all arms")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    gpu = args.device.startswith("cuda")
    arch = args.arch or ("7b" if gpu else "small")
    dtype = getattr(torch, args.dtype or ("bfloat16" if gpu else "float32"))
    rounds = args.rounds or (3 if gpu else 9)
    shape = PairShape(
        pairs=args.pairs or (8 if gpu else 4),
        input_tokens=args.input_tokens,
        input_images=args.input_images,
        output_steps=args.output_steps,
        tokens_per_output=args.tokens_per_output,
        images_per_output=args.images_per_output,
        image_side=args.image_side or (896 if gpu else 336),
    )
    if not args.mirror.exists():
        raise SystemExit(
            f"no OpenING clone at {args.mirror}; clone https://github.com/LanceZPF/OpenING there"
        )
    full_budget = official_token_budget(read_official_script(args.mirror))
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

    built = time.perf_counter()
    model, inputs = random_components(arch, device=args.device, dtype=dtype)
    built = time.perf_counter() - built
    pairs = make_pairs(shape, inputs.tokenizer)
    workload = build_workload(
        model, inputs, pairs, batch_size=args.batch_size or len(pairs), full_budget=full_budget,
        device=args.device, max_batch_tokens=args.max_batch_tokens,
    )  # fmt: skip
    warm_up(workload)
    prompt_tokens = [int(b["attention_mask"].sum()) for b in workload.prefill_batches]
    padded_tokens = [b["input_ids"].numel() for b in workload.prefill_batches]
    load_before = [round(x, 1) for x in os.getloadavg()]
    timings = time_rounds(workload, rounds)

    result = {
        "machine": machine(args.device),
        "load_average_before": load_before,
        "arch": arch,
        "parameters_m": round(sum(p.numel() for p in model.parameters()) / 1e6, 1),
        "dtype": str(dtype).removeprefix("torch."),
        "pairs": len(pairs),
        "rounds": rounds,
        "batch_size": workload.batch_size,
        "max_batch_tokens": workload.score_judge.max_batch_tokens,
        "forward_passes_per_round": len(workload.prefill_batches),
        "images_per_pair": shape.input_images + 2 * min(shape.images_per_output, shape.output_steps),
        "image_side": shape.image_side,
        "prompt_tokens_mean": round(sum(prompt_tokens) / len(pairs)),
        "padding_share": round(1 - sum(prompt_tokens) / sum(padded_tokens), 3),
        "official_max_new_tokens": full_budget,
        "decoded_tokens_per_pair": {
            arm: round(tokens / len(pairs), 2) for arm, tokens in timings.decoded_tokens.items()
        },
        "verdicts": {label: workload.winners.count(label) for label in VERDICT_LABELS},
        "model_build_s": round(built, 1),
        "wall_seconds": {arm: spread(values) for arm, values in timings.wall.items()},
        "cpu_seconds": {arm: spread(values) for arm, values in timings.cpu.items()},
        "wall_seconds_per_round": {arm: [round(t, 3) for t in v] for arm, v in timings.wall.items()},
        "cpu_seconds_per_round": {arm: [round(t, 3) for t in v] for arm, v in timings.cpu.items()},
        "ratios_wall": ratios(timings.wall),
        "ratios_cpu": ratios(timings.cpu),
    }
    print(json.dumps(result, indent=2))
    print("\n" + "\n".join(report_lines(result)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
