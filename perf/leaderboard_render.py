"""Leaderboard at scale: 1,000 models and 1M battles.

Measures (1) the page's table callback (``BoardView.table``: search + sort on the cached frame),
p50/p95 over a mix of searches and sort orders, against re-reading the board file on every call;
(2) adding one new model: folding its battles into the running statistics and re-rating
(warm-started BT + sandwich intervals), for several numbers of new battles, against the
baseline of recomputing the board from all battles from scratch (fresh counts + cold fit; a
worker without running statistics would also have to re-read every stored verdict, which is not
counted here). The incremental re-rate and the recompute take turns three times (ABABAB) and
the median is reported. Every figure is given as wall and CPU time (``time.process_time``, all
threads of this process): on a shared machine the CPU figure is the one the other jobs' load
distorts least. BLAS/OpenMP threads are pinned (``--threads``, before numpy loads) and printed
with the load average.

    python perf/leaderboard_render.py [--models 1000] [--battles 1000000] [--threads 2]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from thread_pinning import pin_from_argv, thread_settings

pin_from_argv(2)

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from genjudge.benchmarks.opening.board import SPEC  # noqa: E402
from genjudge.leaderboard.board import BoardView, build_board  # noqa: E402
from genjudge.leaderboard.store import LeaderboardStore  # noqa: E402
from genjudge.scoring.incremental import BoardState  # noqa: E402


def battles_for(
    rng, names: np.ndarray, strength: np.ndarray, n: int, only: int | None = None
) -> pd.DataFrame:
    """Simulated verdicts; with ``only`` every battle involves that model (a new submission)."""
    m = len(names)
    if only is None:
        a = rng.integers(0, m, n)
        b = (a + rng.integers(1, m, n)) % m
    else:
        a = np.full(n, only)
        b = (only + rng.integers(1, m, n)) % m
        flip = rng.random(n) < 0.5
        a, b = np.where(flip, b, a), np.where(flip, a, b)
    p = 1 / (1 + np.exp(-(strength[a] - strength[b])))
    u = rng.random(n)
    winner = np.where(
        u < 0.8 * p, "A", np.where(u < p, "Tie(A)", np.where(u < p + 0.2 * (1 - p), "Tie(B)", "B"))
    )
    return pd.DataFrame({"model_a": names[a], "model_b": names[b], "winner": winner})


def timed(fn, *args, **kwargs):
    """(value, wall seconds, CPU seconds of this process)."""
    cpu, start = time.process_time(), time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--battles", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP threads")
    args = parser.parse_args()
    print(f"threads: {thread_settings()}; load average before: {os.getloadavg()[0]:.1f}")
    rng = np.random.default_rng(0)
    m = args.models + 1  # the last one joins later
    names = np.array([f"model-{i:04d}" for i in range(m)])
    strength = rng.normal(0, 1, m)
    board_names = names[:-1]

    print(f"Board: {args.models:,} models, {args.battles:,} battles")
    old = battles_for(rng, names[:-1], strength[:-1], args.battles)
    state = BoardState()
    _, t_fold, c_fold = timed(state.add_frame, old)
    (ratings, iters), t_fit, c_fit = timed(state.fit)
    print(
        f"  build from scratch: fold {t_fold:.2f} s wall / {c_fold:.2f} s CPU, "
        f"cold fit {t_fit:.2f} s wall / {c_fit:.2f} s CPU ({iters} Newton iterations)"
    )

    requests = [
        {
            "model": n,
            "submitted_at": f"2026-11-{1 + i % 28:02d}T00:00:00+00:00",
            "model_link": "",
            "submission_id": n,
            "board": "bench",
        }
        for i, n in enumerate(board_names)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        store = LeaderboardStore(Path(tmp))
        rows = ratings.rename(columns={"rank": "bt_rank"})
        board = build_board(SPEC, rows, requests)
        store.board_path("bench").parent.mkdir(parents=True, exist_ok=True)
        board.to_parquet(store.board_path("bench"), index=False)
        view = BoardView(store, "bench", SPEC)
        _, t_first, _ = timed(view.table)
        searches = ["", "", "model-0", "12", "model-09", "zzz", "7"]
        sorts = list(view.sorts())
        cached: dict[str, list[float]] = {"wall": [], "CPU": []}
        reread: dict[str, list[float]] = {"wall": [], "CPU": []}
        for i in range(args.calls):
            search, sort_by = searches[i % len(searches)], sorts[i % len(sorts)]
            _, wall, cpu = timed(view.table, search, sort_by)
            cached["wall"].append(wall)
            cached["CPU"].append(cpu)
            if i < 50:  # baseline: what a callback that re-reads and re-formats the board would cost
                view._stamp = None
                _, wall, cpu = timed(view.table, search, sort_by)
                reread["wall"].append(wall)
                reread["CPU"].append(cpu)

    def pct(values, q):
        return float(np.percentile(values, q)) * 1000

    print(f"\nTable callback ({args.calls} calls; first call loads the board: {t_first * 1000:.0f} ms wall)")
    for measure in ("CPU", "wall"):
        print(
            f"  {measure:<4} cached frame : p50 {pct(cached[measure], 50):6.1f} ms   "
            f"p95 {pct(cached[measure], 95):6.1f} ms  (goal p95 < 300 ms)"
        )
        print(
            f"  {measure:<4} re-read file : p50 {pct(reread[measure], 50):6.1f} ms   "
            f"p95 {pct(reread[measure], 95):6.1f} ms   (baseline, first 50 calls interleaved)"
        )
        print(
            f"  {measure:<4} speed-up at p50 {pct(reread[measure], 50) / pct(cached[measure], 50):.1f}x, "
            f"at p95 {pct(reread[measure], 95) / pct(cached[measure], 95):.1f}x"
        )

    warm = dict(zip(ratings["model"], ratings["rating"], strict=True))
    print("\nAdd one model and re-rate (incremental vs. recompute from all battles)")
    print(
        "  (fold and fit of each side timed in turn, 3 rounds; median (range) over the rounds; "
        "BT fit and CI split the incremental fit, wall)"
    )
    print(
        f"  {'new battles':>11} | {'measure':>7} | {'fold':>6} | {'BT fit':>6} | {'iters':>5} | {'CI':>6} |"
        f" {'incremental total':>17} | {'from scratch':>17} | ratio within a round"
    )
    for n_new in (500, 4_320, 20_000, 100_000):
        new = battles_for(np.random.default_rng(n_new), names, strength, n_new, only=m - 1)
        everything = pd.concat([old, new], ignore_index=True)
        totals: dict[str, dict[str, list[float]]] = {
            "CPU": {"incremental": [], "scratch": [], "fold": []},
            "wall": {"incremental": [], "scratch": [], "fold": []},
        }
        parts = []
        for _ in range(3):
            trial = BoardState()
            trial.add_frame(old)  # a copy of the board, so every round starts from the same state
            _, w_add, c_add = timed(trial.add_frame, new)
            (_, iters), w_fit, c_fit = timed(trial.fit, warm_start=warm)
            parts.append((trial.last_timings["bt_fit"], trial.last_timings["intervals"]))
            scratch = BoardState()
            _, w_scratch_fold, c_scratch_fold = timed(scratch.add_frame, everything)
            _, w_scratch_fit, c_scratch_fit = timed(scratch.fit)
            for measure, values in (
                ("CPU", (c_add, c_add + c_fit, c_scratch_fold + c_scratch_fit)),
                ("wall", (w_add, w_add + w_fit, w_scratch_fold + w_scratch_fit)),
            ):
                totals[measure]["fold"].append(values[0])
                totals[measure]["incremental"].append(values[1])
                totals[measure]["scratch"].append(values[2])
        bt = statistics.median(part[0] for part in parts)
        ci = statistics.median(part[1] for part in parts)
        for measure, row in totals.items():
            ratios = [s / i for s, i in zip(row["scratch"], row["incremental"], strict=True)]
            print(
                f"  {n_new:>11,} | {measure:>7} | {statistics.median(row['fold']):5.2f}s | {bt:5.2f}s |"
                f" {iters:>5} | {ci:5.2f}s | {_spread(row['incremental'])} | {_spread(row['scratch'])} |"
                f" {_spread(ratios, 'x')}"
            )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def _spread(values: list[float], unit: str = "s") -> str:
    return f"{statistics.median(values):.2f}{unit} ({min(values):.2f}-{max(values):.2f})"


if __name__ == "__main__":
    main()
