"""Arena ratings at scale: genjudge against FastChat's real rating code, same battles, same rounds.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=src python perf/arena_scale.py \\
        --fastchat /path/to/FastChat [--models 30 300] [--battles 1000000] [--rounds 1000] [--runs 3]

``--fastchat`` is a clone of lm-sys/FastChat (bare or not); its
``fastchat/serve/monitor/rating_systems.py`` is written into a temporary folder with ``git show``
and imported unmodified (nothing from it is stored in this project).

Data: ``--battles`` synthetic battles from a Bradley–Terry population (ratings ~ N(1000, 150)),
25% of them ties with a lean, over each ``--models`` count. Both arms get the same battles
(FastChat's labels: ``model_a`` / ``model_b`` / ``tie``) and the same number of bootstrap rounds.

* **genjudge**: validate + encode, all four OpenING win-rate variants overall and head to head,
  and ``fit_bradley_terry`` with ``--rounds`` bootstrap rounds.
* **FastChat**: ``compute_bt`` (the point estimate) + ``compute_bootstrap_bt`` (``--rounds``
  multinomial replicates, one L-BFGS fit each, over a process pool of ``--threads`` workers).

Each arm runs in a fresh process (so its peak memory is its own), the arms take turns (ABAB…)
``--runs`` times, and the table shows the median and the range of wall time, of CPU time (user +
system of the arm's process and its finished children, FastChat's pool workers, over the timed
section only) and of both ratios, taken within each run; on a shared machine the CPU ratio is the
one the other jobs' load distorts least. The load average is printed before each arm. Both arms
run with the same BLAS thread settings, pinned here (``--threads``) and printed with the kernel threadpoolctl
reports. Checks, from the same runs: the point ratings equal FastChat's after centring, and the
bootstrap interval widths (2.5%–97.5% quantiles, as FastChat's leaderboard takes them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from thread_pinning import THREAD_VARIABLES

RATING_SYSTEMS = "fastchat/serve/monitor/rating_systems.py"


def synthetic_battles(n: int, n_models: int, seed: int = 0):
    """Battles from a Bradley–Terry population (ratings ~ N(1000, 150)), 25% of them ties with a lean."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    names = np.array([f"model-{i:03d}" for i in range(n_models)])
    truth = pd.Series(rng.normal(1000, 150, n_models), index=names)
    a = rng.integers(0, n_models, n)
    b = (a + rng.integers(1, n_models, n)) % n_models
    p_a = 1 / (1 + 10 ** ((truth.to_numpy()[b] - truth.to_numpy()[a]) / 400))
    a_wins = rng.random(n) < p_a
    tie = rng.random(n) < 0.25
    winner = np.where(tie, np.where(a_wins, "Tie(A)", "Tie(B)"), np.where(a_wins, "A", "B"))
    uid = np.char.add("u", (np.arange(n) // 2).astype(str))
    frame = pd.DataFrame({"uid": uid, "model_a": names[a], "model_b": names[b], "winner": winner})
    return frame, truth


def _fastchat_frame(battles):
    """The same battles in FastChat's labels (every tie is ``tie``: FastChat has no lean)."""
    import numpy as np
    import pandas as pd

    winner = np.where(
        battles["winner"] == "A", "model_a", np.where(battles["winner"] == "B", "model_b", "tie")
    )
    return pd.DataFrame({"model_a": battles["model_a"], "model_b": battles["model_b"], "winner": winner})


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (FastChat's pool workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def check_point_estimates(n_models: int, n_battles: int, rounds: int, fastchat_dir: str) -> dict:
    """Checks on the same battles, not timed.

    1. Both point fits, and FastChat's own gradient at each: FastChat's ``compute_bt`` stops
       where L-BFGS-B's default tolerances say; the gradient of its own loss
       (``bt_loss_and_grad``, raw battle counts) at each estimate shows which one sits closer to
       the optimum when the two differ.
    2. genjudge's replicate solver on FastChat's own replicates: the multinomial draws
       ``compute_bootstrap_bt`` makes (same seed, same cells, drawn in blocks, which gives the
       same numbers), refitted by ``chord_fit``; their interval widths against FastChat's
       isolate the solver from the sampling noise of two independent bootstraps.
    """
    import numpy as np
    import pandas as pd
    from scipy.optimize import minimize

    sys.path.insert(0, str(Path(fastchat_dir) / Path(RATING_SYSTEMS).parent))
    import rating_systems

    from genjudge.scoring.bradley_terry import fit_bradley_terry

    battles, _ = synthetic_battles(n_battles, n_models)
    frame = _fastchat_frame(battles)
    theirs = rating_systems.compute_bt(frame)
    ours = fit_bradley_terry(battles, bootstrap_rounds=0).set_index("model")["rating"]
    matchups, outcomes, models, weights = rating_systems.preprocess_for_bt(frame)

    def gradient(ratings) -> float:
        theta = (ratings[models].to_numpy() - 1000.0) / 400.0
        _, grad = rating_systems.bt_loss_and_grad(theta, matchups, outcomes, weights, np.log(10.0))
        return float(np.abs(grad).max())

    gap = (ours - ours.mean()) - (theirs[ours.index] - theirs.mean())
    # FastChat's own loss, minimised to its optimum (its fit_bt stops at maxiter=100 and
    # L-BFGS-B's default ftol): the reference the 1e-6 check is made against.
    tight = minimize(
        rating_systems.bt_loss_and_grad,
        np.zeros(len(models)),
        args=(matchups, outcomes, weights, np.log(10.0)),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 100_000, "gtol": 1e-9, "ftol": 1e-15},
    ).x
    optimum = pd.Series(400.0 * (tight - tight.mean()) + 1000.0, index=models)
    to_optimum = (ours - ours.mean()) - (optimum[ours.index] - optimum.mean())
    return {
        "max_gap_to_fastchat_loss_optimum": float(to_optimum.abs().max()),
        "gradient_optimum": gradient(optimum),
        "same_draw_widths": _widths_on_fastchat_draws(
            matchups, outcomes, models, weights, rounds, len(frame)
        ),
        "max_gap": float(gap.abs().max()),
        "gradient_fastchat": gradient(theirs),
        "gradient_genjudge": gradient(ours),
    }


def _widths_on_fastchat_draws(matchups, outcomes, models, weights, rounds: int, n_battles: int) -> dict:
    """Interval widths (rating points) of genjudge's solver on FastChat's bootstrap draws."""
    import numpy as np
    from scipy import sparse

    from genjudge.scoring.bt_core import chord_fit, fit_strengths, pair_totals

    a, b = matchups[:, 0].astype(np.int64), matchups[:, 1].astype(np.int64)
    pairs, _ = pair_totals(
        np.repeat(a, weights.astype(np.int64)),
        np.repeat(b, weights.astype(np.int64)),
        np.repeat(outcomes, weights.astype(np.int64)),
        len(models),
    )
    low, high = np.minimum(a, b), np.maximum(a, b)
    cell_pair = np.searchsorted(pairs.low * len(models) + pairs.high, low * len(models) + high)
    score_low = np.where(a < b, outcomes, 1.0 - outcomes)
    to_pairs = sparse.csr_array(
        (np.ones(len(a)), (np.arange(len(a)), cell_pair)), shape=(len(a), len(pairs.low))
    )
    to_scores = sparse.csr_array((score_low, (np.arange(len(a)), cell_pair)), shape=(len(a), len(pairs.low)))
    theta = fit_strengths(pairs, alpha=np.log(10.0), tol=1e-10).theta[0]
    rng = np.random.default_rng(seed=0)  # as compute_bootstrap_bt
    thetas = []
    for start in range(0, rounds, 50):
        draws = (
            rng.multinomial(n=n_battles, pvals=weights / weights.sum(), size=min(50, rounds - start))
            / n_battles
        )
        fitted = chord_fit(
            pairs, theta, (to_pairs.T @ draws.T).T, (to_scores.T @ draws.T).T, alpha=np.log(10.0), tol=1e-7
        )
        thetas.append(fitted.theta)
    ratings = 400.0 * np.concatenate(thetas)
    width = np.percentile(ratings, 97.5, axis=0) - np.percentile(ratings, 2.5, axis=0)
    return {str(model): float(w) for model, w in zip(models, width, strict=True)}


def run_arm(arm: str, n_models: int, n_battles: int, rounds: int, threads: int, fastchat_dir: str) -> dict:
    """One timed arm in this (fresh) process; returns seconds, peak memory and the ratings."""
    import numpy as np
    from threadpoolctl import threadpool_info

    battles, _ = synthetic_battles(n_battles, n_models)
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    if arm == "genjudge":
        from genjudge.scoring.battles import prepare_battles
        from genjudge.scoring.bradley_terry import fit_bradley_terry
        from genjudge.scoring.winrate import win_rate_matrices, win_rates

        cpu_start, start = _cpu_seconds(), time.perf_counter()
        prepared = prepare_battles(battles)
        win_rates(prepared)
        win_rate_matrices(prepared)
        table = fit_bradley_terry(prepared, bootstrap_rounds=rounds, seed=0)
        seconds = time.perf_counter() - start
        table = table.set_index("model")
        ratings, width = table["rating"], table["upper"] - table["lower"]
        extra = {"unconverged": int(table.attrs["bootstrap_unconverged"])}
    else:
        sys.path.insert(0, str(Path(fastchat_dir) / Path(RATING_SYSTEMS).parent))
        import rating_systems

        frame = _fastchat_frame(battles)
        del battles
        cpu_start, start = _cpu_seconds(), time.perf_counter()
        ratings = rating_systems.compute_bt(frame)
        bootstrap = rating_systems.compute_bootstrap_bt(frame, num_round=rounds, num_cpu=threads)
        seconds = time.perf_counter() - start
        width = bootstrap.quantile(0.975) - bootstrap.quantile(0.025)
        extra = {}
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu_start,
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "peak_rss_workers_gib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20,
        "rss_after_data_gib": rss_data,
        "ratings": {str(k): float(v) for k, v in ratings.items()},
        "width": {str(k): float(v) for k, v in width.items()},
        "blas": [
            f"{i['internal_api']} {i.get('version')} {i.get('architecture')} threads={i['num_threads']}"
            for i in threadpool_info()
        ],
        "numpy": np.__version__,
        **extra,
    }


def export_rating_systems(clone: Path, target: Path) -> str:
    """Write FastChat's rating_systems.py from ``clone`` into ``target``; returns the commit."""
    git_dir = clone / ".git" if (clone / ".git").is_dir() else clone
    blob = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"HEAD:{RATING_SYSTEMS}"], check=True, capture_output=True
    ).stdout
    commit = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    (target / RATING_SYSTEMS).parent.mkdir(parents=True)
    (target / RATING_SYSTEMS).write_bytes(blob)
    return commit


def spawn(arm: str, args, fastchat_dir: Path, n_models: int, env: dict) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            sys.executable,
            __file__,
            "--child",
            arm,
            "--child-models",
            str(n_models),
            "--battles",
            str(args.battles),
            "--rounds",
            str(args.rounds),
            "--threads",
            str(args.threads),
            "--fastchat-dir",
            str(fastchat_dir),
            "--child-out",
            out.name,
        ]
        subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)
        return json.loads(Path(out.name).read_text())


def summarise(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} (range {min(values):.2f}–{max(values):.2f})"


def compare(ours: dict, theirs: dict) -> tuple[float, float, float, float]:
    """(max |centred rating difference|, mean width ratio, median and max |width ratio − 1|)."""
    models = sorted(ours["ratings"])
    mean_ours = statistics.fmean(ours["ratings"][m] for m in models)
    mean_theirs = statistics.fmean(theirs["ratings"][m] for m in models)
    gap = max(abs((ours["ratings"][m] - mean_ours) - (theirs["ratings"][m] - mean_theirs)) for m in models)
    ratios = [ours["width"][m] / theirs["width"][m] for m in models]
    deviations = [abs(r - 1) for r in ratios]
    return gap, statistics.fmean(ratios), statistics.median(deviations), max(deviations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fastchat", type=Path, help="clone (bare or not) of lm-sys/FastChat")
    parser.add_argument("--models", type=int, nargs="+", default=[30, 300])
    parser.add_argument("--battles", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1000, help="bootstrap rounds, both arms")
    parser.add_argument("--runs", type=int, default=3, help="runs per arm, interleaved")
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads and FastChat pool size")
    parser.add_argument("--child", choices=["genjudge", "fastchat", "check"], help=argparse.SUPPRESS)
    parser.add_argument("--child-models", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--fastchat-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "check":
        result = check_point_estimates(args.child_models, args.battles, args.rounds, args.fastchat_dir)
        Path(args.child_out).write_text(json.dumps(result))
        return 0
    if args.child:
        result = run_arm(
            args.child, args.child_models, args.battles, args.rounds, args.threads, args.fastchat_dir
        )
        Path(args.child_out).write_text(json.dumps(result))
        return 0
    if args.fastchat is None or not args.fastchat.exists():
        print("give --fastchat: a clone of https://github.com/lm-sys/FastChat", file=sys.stderr)
        return 2

    env = {**os.environ, **{name: str(args.threads) for name in THREAD_VARIABLES}}
    with tempfile.TemporaryDirectory(prefix="fastchat-") as tmp:
        commit = export_rating_systems(args.fastchat, Path(tmp))
        print(f"FastChat {RATING_SYSTEMS} at commit {commit}, run unmodified")
        print(
            "thread settings for both arms: "
            + ", ".join(f"{name}={env[name]}" for name in THREAD_VARIABLES)
            + f", FastChat pool of {args.threads}; "
            + ", ".join(
                f"{name}={env.get(name, '(unset)')}" for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
            )
            + f"; {os.cpu_count()} CPUs visible"
        )
        print(
            f"{args.battles:,} battles, {args.rounds} bootstrap rounds, {args.runs} interleaved runs per arm"
        )
        print(f"load average before: {os.getloadavg()[0]:.1f} (a shared machine: see the CPU-time column)\n")
        rows = []
        for n_models in args.models:
            results: dict[str, list[dict]] = {"genjudge": [], "fastchat": []}
            loads = []
            for run in range(args.runs):
                for arm in ("genjudge", "fastchat") if run % 2 == 0 else ("fastchat", "genjudge"):
                    loads.append(os.getloadavg()[0])
                    results[arm].append(spawn(arm, args, Path(tmp), n_models, env))
                    last = results[arm][-1]
                    print(
                        f"  {n_models} models, run {run + 1}, {arm}: wall {last['seconds']:.2f} s, "
                        f"CPU {last['cpu_seconds']:.2f} s (load average before: {loads[-1]:.1f})",
                        flush=True,
                    )
            ours, theirs = results["genjudge"], results["fastchat"]
            print(f"  BLAS seen by the arms: {sorted(set(ours[0]['blas']) | set(theirs[0]['blas']))}")
            ratios = [t["seconds"] / o["seconds"] for o, t in zip(ours, theirs, strict=True)]
            cpu_ratios = [t["cpu_seconds"] / o["cpu_seconds"] for o, t in zip(ours, theirs, strict=True)]
            _, width_ratio, width_median, width_max = compare(ours[0], theirs[0])
            check = spawn("check", args, Path(tmp), n_models, env)
            _, same_ratio, same_median, same_max = compare(
                {"ratings": theirs[0]["ratings"], "width": check["same_draw_widths"]}, theirs[0]
            )
            print(
                f"  genjudge's solver on FastChat's own bootstrap draws: width ratio mean {same_ratio:.5f}, "
                f"|ratio−1| median {same_median:.3%}, max {same_max:.3%}"
            )
            print(
                f"  point ratings, centred: max |genjudge − FastChat| {check['max_gap']:.2e} rating points; "
                f"FastChat's own max |gradient| at its estimate {check['gradient_fastchat']:.2e}, "
                f"at genjudge's {check['gradient_genjudge']:.2e}; against FastChat's loss minimised to "
                f"max |gradient| {check['gradient_optimum']:.2e}: max |difference| "
                f"{check['max_gap_to_fastchat_loss_optimum']:.2e} rating points"
            )
            rows.append(
                (
                    n_models,
                    summarise([o["seconds"] for o in ours]),
                    summarise([t["seconds"] for t in theirs]),
                    summarise([o["cpu_seconds"] for o in ours]),
                    summarise([t["cpu_seconds"] for t in theirs]),
                    summarise(cpu_ratios),
                    summarise(ratios),
                    f"{min(loads):.1f}–{max(loads):.1f}",
                    f"{max(o['peak_rss_gib'] for o in ours):.2f} "
                    f"({ours[0]['rss_after_data_gib']:.2f} after data)",
                    f"{max(t['peak_rss_gib'] for t in theirs):.2f} + workers "
                    f"{max(t['peak_rss_workers_gib'] for t in theirs):.2f}",
                    f"{check['max_gap']:.2e}",
                    f"{width_ratio:.4f}; |ratio−1| median {width_median:.2%}, max {width_max:.2%}",
                    max(o["unconverged"] for o in ours),
                )
            )
        print(
            "\n| models | genjudge wall s | FastChat wall s | genjudge CPU s | FastChat CPU s "
            "| CPU speed-up | wall speed-up | load average | genjudge peak RSS GiB | FastChat peak RSS GiB "
            "| max |centred rating diff| "
            "| width ratio genjudge/FastChat, mean | unconverged |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(str(cell) for cell in row) + " |")
        print("(wall, CPU and speed-ups: median (range) over the runs; speed-ups taken within each run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
