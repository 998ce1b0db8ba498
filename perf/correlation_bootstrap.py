"""Correlations with bootstrap intervals on EvalMi-50K scale: 50,400 rows, 1,000 rounds.

    python perf/correlation_bootstrap.py [--rows 50400] [--rounds 1000] [--repeat 3] [--threads 2]

Arms, run interleaved (A B C D, A B C D, ...) on the same synthetic data (MOS uniform on the real
range, a noisy monotone metric), all computing the same outputs — SRCC, PLCC and KRCC point
estimates and percentile 95% intervals for SRCC and PLCC:

- genjudge: ``genjudge.scoring.correlation.correlations(..., bootstrap_rounds=R)`` (counts per
  row, one sort per variable, ranks from cumulative counts; see that module's docstring);
- baseline 1, the plain loop people write: ``scipy.stats.spearmanr`` and ``pearsonr`` on
  ``x[idx], y[idx]`` for each round's resampled indices;
- baseline 2, the vectorised numpy version of the same: the resampled indices of a block of
  rounds as one ``(block, rows)`` array, average ranks of every round at once with
  ``scipy.stats.rankdata(..., axis=1)`` (numpy argsort along the rows), and row-wise Pearson
  correlations of the ranks (SRCC) and of the values (PLCC) from centred dot products. This is
  the stronger baseline: it removes the per-round Python and scipy overhead, so what is left of
  the ratio is the algorithm.

A fourth line times genjudge in ``official=True`` mode (MOS cast to bfloat16, so many ties).
Thread settings are pinned (before numpy loads) and printed, identical for every arm. Each arm
reports wall time and CPU time (``time.process_time``: user + system of this process, all its
threads), and the ratios are taken within each interleaved round; on a shared machine the CPU
ratio is the one the other jobs' load distorts least. The load average is printed per round.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from thread_pinning import pin_from_argv

_THREADS = pin_from_argv(2)

import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy import stats  # noqa: E402

from genjudge.scoring.correlation import correlations  # noqa: E402


def synthetic(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mos = rng.uniform(15.95, 73.30, rows)
    prediction = np.tanh((mos - 50) / 20) + rng.normal(0, 0.2, rows)
    return prediction, mos


def genjudge_arm(prediction: np.ndarray, mos: np.ndarray, rounds: int, official: bool = False) -> dict:
    result = correlations(prediction, mos, bootstrap_rounds=rounds, seed=0, official=official)
    return {
        "srcc": result.srcc,
        "plcc": result.plcc,
        "krcc": result.krcc,
        "srcc_interval": result.intervals["srcc"],
        "plcc_interval": result.intervals["plcc"],
    }


def scipy_loop_arm(prediction: np.ndarray, mos: np.ndarray, rounds: int) -> dict:
    rng = np.random.default_rng(0)
    n = prediction.size
    srcc = np.empty(rounds)
    plcc = np.empty(rounds)
    for k in range(rounds):
        idx = rng.integers(0, n, n)
        srcc[k] = stats.spearmanr(mos[idx], prediction[idx]).statistic
        plcc[k] = stats.pearsonr(mos[idx], prediction[idx]).statistic
    return {
        "srcc": stats.spearmanr(mos, prediction).statistic,
        "plcc": stats.pearsonr(mos, prediction).statistic,
        "krcc": stats.kendalltau(mos, prediction).statistic,
        "srcc_interval": tuple(np.percentile(srcc, [2.5, 97.5])),
        "plcc_interval": tuple(np.percentile(plcc, [2.5, 97.5])),
    }


def _rowwise_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson correlation of each row of ``x`` with the same row of ``y``."""
    x = x - x.mean(axis=1, keepdims=True)
    y = y - y.mean(axis=1, keepdims=True)
    return np.einsum("ij,ij->i", x, y) / np.sqrt(np.einsum("ij,ij->i", x, x) * np.einsum("ij,ij->i", y, y))


def numpy_vectorised_arm(prediction: np.ndarray, mos: np.ndarray, rounds: int, block: int = 16) -> dict:
    """Blocks of ``block`` rounds as 2-D arrays (about 6 MB each at 50,400 rows), ranked at once."""
    rng = np.random.default_rng(0)
    n = prediction.size
    srcc = np.empty(rounds)
    plcc = np.empty(rounds)
    for start in range(0, rounds, block):
        stop = min(start + block, rounds)
        idx = rng.integers(0, n, (stop - start, n))
        x, y = mos[idx], prediction[idx]
        plcc[start:stop] = _rowwise_pearson(x, y)
        srcc[start:stop] = _rowwise_pearson(stats.rankdata(x, axis=1), stats.rankdata(y, axis=1))
    return {
        "srcc": stats.spearmanr(mos, prediction).statistic,
        "plcc": stats.pearsonr(mos, prediction).statistic,
        "krcc": stats.kendalltau(mos, prediction).statistic,
        "srcc_interval": tuple(np.percentile(srcc, [2.5, 97.5])),
        "plcc_interval": tuple(np.percentile(plcc, [2.5, 97.5])),
    }


def timed(function, *args) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds of this process, output)."""
    cpu, start = time.process_time(), time.perf_counter()
    out = function(*args)
    return time.perf_counter() - start, time.process_time() - cpu, out


def _spread(values: list[float], unit: str = "") -> str:
    return f"{statistics.median(values):7.2f}{unit} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_400)
    parser.add_argument("--rounds", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP threads for every arm")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"{os.cpu_count()} CPUs; OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS={_THREADS}"
    )
    print(f"{args.rows:,} rows, {args.rounds:,} bootstrap rounds, {args.repeat} interleaved repeats")
    prediction, mos = synthetic(args.rows)
    arms = (
        ("genjudge", genjudge_arm, ()),
        ("scipy loop", scipy_loop_arm, ()),
        ("numpy vectorised", numpy_vectorised_arm, ()),
        ("genjudge official", genjudge_arm, (True,)),
    )
    for _, function, extra in arms:  # warm imports and caches for every arm
        function(prediction[:1000], mos[:1000], 10, *extra)
    wall: dict[str, list[float]] = {name: [] for name, _, _ in arms}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in arms}
    outputs: dict[str, dict] = {}
    for round_index in range(args.repeat):
        print(f"round {round_index + 1}, load average {os.getloadavg()[0]:.1f}")
        for name, function, extra in arms:
            seconds, cpu_seconds, outputs[name] = timed(function, prediction, mos, args.rounds, *extra)
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
            print(f"  {name:<18} wall {seconds:7.2f} s  CPU {cpu_seconds:7.2f} s", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("\narm                 wall s, median (range)     CPU s, median (range)")
    for name in wall:
        print(f"{name:<18} {_spread(wall[name])}    {_spread(cpu[name])}")
    print("\nratio to genjudge, within each round, median (range):")
    for baseline in ("scipy loop", "numpy vectorised"):
        for label, times in (("CPU", cpu), ("wall", wall)):
            ratios = [b / g for b, g in zip(times[baseline], times["genjudge"], strict=True)]
            print(f"  {baseline:<17} / genjudge, {label:<4} {_spread(ratios, 'x')}")
    for name in ("genjudge", "scipy loop", "numpy vectorised"):
        out = outputs[name]
        print(
            f"{name:<17} SRCC {out['srcc']:.4f} {_interval(out, 'srcc')}  "
            f"PLCC {out['plcc']:.4f} {_interval(out, 'plcc')}  KRCC {out['krcc']:.4f}"
        )


def _interval(out: dict, name: str) -> str:
    low, high = out[f"{name}_interval"]
    return f"[{low:.4f}, {high:.4f}]"


if __name__ == "__main__":
    main()
