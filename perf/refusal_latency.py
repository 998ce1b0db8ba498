"""How soon `genjudge leaderboard submit <bad.zip> --run` refuses an upload, timed as a user sees it.

Each run is a whole fresh process (interpreter start, imports, board set-up, validation, exit) on a
fresh leaderboard folder, so nothing is warm but the OS file cache. Runs alternate with a baseline
process, `genjudge --help`, so that load from other jobs on the machine falls on both arms alike.
The upload is an OpenING zip holding one output record with no usable fields: the board must
refuse it by reading it, before anything heavy (the reference judge's embedder) loads.

    PYTHONPATH=src python perf/refusal_latency.py --runs 7 --threads 1

Target: refused within 3 s of process start on the project machine (2 shared cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from thread_pinning import pin_from_argv, thread_settings

TARGET_S = 3.0


def bad_zip(folder: Path) -> Path:
    path = folder / "bad.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("0101001.json", '{"not": "an output"}')
    return path


def timed(command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    return time.perf_counter() - started, result


def summary(values: list[float]) -> str:
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return (
        f"median {statistics.median(values):.2f} s, IQR {quartiles[0]:.2f}-{quartiles[2]:.2f} s, "
        f"range {min(values):.2f}-{max(values):.2f} s"
    )


def main() -> None:
    threads = pin_from_argv(1)  # the timed processes inherit the pinned variables
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--threads", type=int, default=threads, help="BLAS/OpenMP threads (pinned)")
    args = parser.parse_args()

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    source = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    genjudge = [sys.executable, "-m", "genjudge"]
    baseline, refusal = [], []
    with tempfile.TemporaryDirectory() as tmp:
        upload = bad_zip(Path(tmp))
        for run in range(args.runs):
            seconds, result = timed([*genjudge, "--help"], env)
            assert result.returncode == 0, result.stderr
            baseline.append(seconds)
            store = Path(tmp) / f"store-{run}"  # fresh: nothing queued, nothing cached
            submit = ["leaderboard", "submit", str(upload), "--model", "X", "--run", "--store", str(store)]
            seconds, result = timed([*genjudge, *submit], env)
            output = result.stdout + result.stderr
            assert result.returncode == 1 and "Refused" in output, output
            assert "Loading weights" not in output, "a model was loaded before the upload was refused"
            refusal.append(seconds)

    print(f"threads: {thread_settings()}; load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"runs: {args.runs}, interleaved, each a fresh process (refusals on a fresh store)")
    print(f"baseline `genjudge --help`:             {summary(baseline)}")
    print(f"`leaderboard submit bad.zip --run`:     {summary(refusal)}")
    difference = statistics.median(r - b for r, b in zip(refusal, baseline, strict=True))
    print(f"refusal minus baseline (median of pairs): {difference:.2f} s")
    verdict = "met" if statistics.median(refusal) <= TARGET_S else "NOT met"
    print(f"target: refused within {TARGET_S:g} s of process start -> {verdict}")


if __name__ == "__main__":
    main()
