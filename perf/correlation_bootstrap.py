"""Correlations with bootstrap intervals on EvalMi-50K scale: 50,400 rows, 1,000 rounds.

    python perf/correlation_bootstrap.py [--rows 50400] [--rounds 1000] [--repeat 3] [--threads 2]

Arms, run interleaved (A B A B ...) on the same synthetic data (MOS uniform on the real range,
a noisy monotone metric) and both computing the same outputs — SRCC, PLCC and KRCC point
estimates and percentile 95% intervals for SRCC and PLCC:

- genjudge: ``genjudge.scoring.correlation.correlations(..., bootstrap_rounds=R)`` (counts per
  row, one sort per variable, ranks from cumulative counts; see that module's docstring);
- baseline: the plain loop people write, ``scipy.stats.spearmanr`` and ``pearsonr`` on
  ``x[idx], y[idx]`` for each round's resampled indices.

A third line times genjudge in ``official=True`` mode (MOS cast to bfloat16, so many ties).
Thread settings are pinned (before numpy loads) and printed, identical for every arm.
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


def timed(function, *args) -> tuple[float, dict]:
    start = time.perf_counter()
    out = function(*args)
    return time.perf_counter() - start, out


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
    genjudge_arm(prediction[:1000], mos[:1000], 10)  # warm imports and caches for both arms
    scipy_loop_arm(prediction[:1000], mos[:1000], 10)
    times: dict[str, list[float]] = {"genjudge": [], "genjudge official": [], "scipy loop": []}
    outputs: dict[str, dict] = {}
    for _ in range(args.repeat):
        for name, function, extra in (
            ("genjudge", genjudge_arm, ()),
            ("scipy loop", scipy_loop_arm, ()),
            ("genjudge official", genjudge_arm, (True,)),
        ):
            seconds, outputs[name] = timed(function, prediction, mos, args.rounds, *extra)
            times[name].append(seconds)
            print(f"  {name:<18} {seconds:7.2f} s")
    print("\narm                  median   min     max    (s)")
    for name, values in times.items():
        print(f"{name:<18} {statistics.median(values):7.2f} {min(values):7.2f} {max(values):7.2f}")
    ratio = statistics.median(times["scipy loop"]) / statistics.median(times["genjudge"])
    print(f"\nspeed-up, median over median: {ratio:.1f}x")
    for name in ("genjudge", "scipy loop"):
        out = outputs[name]
        print(
            f"{name:<11} SRCC {out['srcc']:.4f} {_interval(out, 'srcc')}  "
            f"PLCC {out['plcc']:.4f} {_interval(out, 'plcc')}  KRCC {out['krcc']:.4f}"
        )


def _interval(out: dict, name: str) -> str:
    low, high = out[f"{name}_interval"]
    return f"[{low:.4f}, {high:.4f}]"


if __name__ == "__main__":
    main()
