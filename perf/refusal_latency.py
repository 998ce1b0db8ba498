"""How soon `genjudge leaderboard submit <bad.zip> --run` refuses an upload, timed as a user sees it.

Each run is a whole fresh process (interpreter start, imports, board set-up, validation, exit) on a
fresh leaderboard folder, so nothing is warm but the OS file cache. Runs alternate with a baseline
process, `genjudge --help`, so that load from other jobs on the machine falls on both arms alike.
The upload is an OpenING zip holding one output record with no usable fields: the board must
refuse it by reading it, before anything heavy (the reference judge's embedder) loads.

    PYTHONPATH=src python perf/refusal_latency.py --runs 7 --threads 1 [--compare-src ../old/src]

Wall time is what the user waits; CPU time (user + system, of the process alone) shows the share
that is the command's own work rather than waiting for a core on a busy machine.

Target: refused within 3 s of process start on the project machine (2 shared cores).
"""

from __future__ import annotations

import argparse
import os
import resource
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


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds from process start to exit, CPU seconds (user + system) the process used, result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result


def summary(values: list[float]) -> str:
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return (
        f"median {statistics.median(values):5.2f} s, IQR {quartiles[0]:.2f}-{quartiles[2]:.2f} s, "
        f"range {min(values):.2f}-{max(values):.2f} s"
    )


def environment(source: Path) -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(source), env.get("PYTHONPATH", "")) if p)
    return env


def main() -> None:
    threads = pin_from_argv(1)  # the timed processes inherit the pinned variables
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--threads", type=int, default=threads, help="BLAS/OpenMP threads (pinned)")
    parser.add_argument("--compare-src", type=Path, help="another genjudge src/ (e.g. before a change)")
    args = parser.parse_args()

    arms = {"this checkout": environment(Path(__file__).resolve().parents[1] / "src")}
    if args.compare_src:
        arms[str(args.compare_src)] = environment(args.compare_src.resolve())
    genjudge = [sys.executable, "-m", "genjudge"]
    wall: dict[str, list[float]] = {"baseline": [], **{arm: [] for arm in arms}}
    cpu: dict[str, list[float]] = {name: [] for name in wall}
    with tempfile.TemporaryDirectory() as tmp:
        upload = bad_zip(Path(tmp))
        for run in range(args.runs):
            seconds, used, result = timed([*genjudge, "--help"], arms["this checkout"])
            assert result.returncode == 0, result.stderr
            wall["baseline"].append(seconds)
            cpu["baseline"].append(used)
            for index, (arm, env) in enumerate(arms.items()):
                store = Path(tmp) / f"store-{run}-{index}"  # fresh: nothing queued, nothing cached
                submit = [
                    "leaderboard",
                    "submit",
                    str(upload),
                    "--model",
                    "X",
                    "--run",
                    "--store",
                    str(store),
                ]
                seconds, used, result = timed([*genjudge, *submit], env)
                output = result.stdout + result.stderr
                assert result.returncode == 1 and "Refused" in output, output
                wall[arm].append(seconds)
                cpu[arm].append(used)
                if arm == "this checkout":
                    assert "Loading weights" not in output, "a model was loaded before the upload was refused"

    print(f"threads: {thread_settings()}; load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"runs: {args.runs}, interleaved, each a fresh process (refusals on a fresh store)")
    for name in wall:
        label = "`genjudge --help` (baseline)" if name == "baseline" else f"refusal, {name}"
        print(f"{label:38} wall {summary(wall[name])}")
        print(f"{'':38} CPU  {summary(cpu[name])}")
    refused = statistics.median(wall["this checkout"])
    verdict = "met" if refused <= TARGET_S else "NOT met"
    print(
        f"target: refused within {TARGET_S:g} s of process start -> {verdict} ({refused:.2f} s median wall)"
    )


if __name__ == "__main__":
    main()
