"""Leaderboard at scale: 1,000 models and 1M battles.

Measures (1) the page's table callback (``BoardView.table``: search + sort on the cached frame),
p50/p95 over a mix of searches and sort orders, against re-reading the board file on every call;
(2) adding one new model: folding its battles into the running statistics and re-rating
(warm-started BT + sandwich intervals), for several numbers of new battles, against the
baseline of recomputing the board from all battles from scratch (fresh counts + cold fit; a
worker without running statistics would also have to re-read every stored verdict, which is not
counted here). Fit times are the median of three runs.

    python perf/leaderboard_render.py [--models 1000] [--battles 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from genjudge.benchmarks.opening.board import SPEC
from genjudge.leaderboard.board import BoardView, build_board
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.scoring.incremental import BoardState


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
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--battles", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    m = args.models + 1  # the last one joins later
    names = np.array([f"model-{i:04d}" for i in range(m)])
    strength = rng.normal(0, 1, m)
    board_names = names[:-1]

    print(f"Board: {args.models:,} models, {args.battles:,} battles")
    old = battles_for(rng, names[:-1], strength[:-1], args.battles)
    state = BoardState()
    _, t_fold = timed(state.add_frame, old)
    (ratings, iters), t_fit = timed(state.fit)
    print(f"  build from scratch: fold {t_fold:.2f} s, cold fit {t_fit:.2f} s ({iters} Newton iterations)")

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
        _, t_first = timed(view.table)
        searches = ["", "", "model-0", "12", "model-09", "zzz", "7"]
        sorts = list(view.sorts())
        cached, reread = [], []
        for i in range(args.calls):
            search, sort_by = searches[i % len(searches)], sorts[i % len(sorts)]
            _, t = timed(view.table, search, sort_by)
            cached.append(t)
            if i < 50:  # baseline: what a callback that re-reads and re-formats the board would cost
                view._stamp = None
                _, t = timed(view.table, search, sort_by)
                reread.append(t)

    def pct(values, q):
        return float(np.percentile(values, q)) * 1000

    print(f"\nTable callback ({args.calls} calls; first call loads the board: {t_first * 1000:.0f} ms)")
    print(
        f"  cached frame : p50 {pct(cached, 50):6.1f} ms   p95 {pct(cached, 95):6.1f} ms  (goal p95 < 300 ms)"
    )
    print(f"  re-read file : p50 {pct(reread, 50):6.1f} ms   p95 {pct(reread, 95):6.1f} ms   (baseline)")
    print(f"  speed-up at p95: {pct(reread, 95) / pct(cached, 95):.1f}x")

    warm = dict(zip(ratings["model"], ratings["rating"], strict=True))
    print("\nAdd one model and re-rate (incremental vs. recompute from all battles)")
    print(
        f"  {'new battles':>11} | {'fold':>6} | {'BT fit':>6} | {'iters':>5} | {'CI':>6} | {'total':>6} |"
        f" {'scratch':>7} | ratio"
    )
    for n_new in (500, 4_320, 20_000, 100_000):
        new = battles_for(np.random.default_rng(n_new), names, strength, n_new, only=m - 1)
        trial = BoardState()
        trial.add_frame(old)  # a copy of the board, so every size starts from the same state
        _, t_add = timed(trial.add_frame, new)
        runs = []
        for _ in range(3):  # the machine is shared: report the median of three fits
            (_, iters), t_fit_run = timed(trial.fit, warm_start=warm)
            runs.append((t_fit_run, trial.last_timings["bt_fit"], trial.last_timings["intervals"]))
        t_warm, bt, ci = sorted(runs)[1]
        everything = pd.concat([old, new], ignore_index=True)
        scratch = BoardState()
        _, t_scratch_fold = timed(scratch.add_frame, everything)
        t_scratch_fit = sorted(timed(scratch.fit)[1] for _ in range(3))[1]
        t_scratch = t_scratch_fold + t_scratch_fit
        total = t_add + t_warm
        print(
            f"  {n_new:>11,} | {t_add:5.2f}s | {bt:5.2f}s | {iters:>5} | {ci:5.2f}s | {total:5.2f}s |"
            f" {t_scratch:6.2f}s | {t_scratch / total:4.1f}x"
        )


if __name__ == "__main__":
    main()
