"""Reproduce OpenING's official arena numbers and time genjudge against the official scripts.

    git clone https://github.com/LanceZPF/OpenING /tmp/OpenING
    python perf/official_compare.py --mirror /tmp/OpenING [--repeat 20]

The official repository (LanceZPF/OpenING, a bare git mirror) is read with ``git show`` into a
temporary folder at run time; nothing from it is stored in this project. Then:

1. **Numbers.** The official ``calculate_agreement.py`` and ``calculate_model_winrate.py`` run
   unchanged as subprocesses (their defaults: IntJudge verdicts vs human verdicts; win rates
   of the IntJudge verdicts). The same scripts' functions are also run on the GPT-4o and human
   verdict files through a small driver that only changes the file names. Their printed
   numbers are compared with genjudge's, formatted to the same precision.
2. **Speed.** In one process, on the same parsed files: the official functions (all four
   win-rate variants with their head-to-head CSVs, and all six agreement functions) against
   genjudge's ``win_rates`` + ``win_rate_matrices`` + ``judge_agreement`` (seen/unseen split
   included), each validated from plain DataFrames. ``--repeat`` rounds, the four timed
   functions taking turns within each round; the median and range of each, and of the ratio
   within each round, compute only and with the JSON parsing side by side.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from genjudge.benchmarks.opening.arena import read_verdicts
from genjudge.scoring.agreement import judge_agreement
from genjudge.scoring.battles import prepare_battles
from genjudge.scoring.winrate import win_rate_matrices, win_rates

ARENA = "Interleaved_Arena"
FILES = {
    "human": f"{ARENA}/judge_modelAB_results.json",
    "intjudge": f"{ARENA}/intjudge_rag-judge_modelAB_results.json",
    "gpt": f"{ARENA}/gpt-judge_modelAB_results.json",
}
SCRIPTS = ("calculate_agreement.py", "calculate_model_winrate.py")
PAIRS = f"{ARENA}/data_instance_modelAB.json"  # opened (not used) by calculate_model_winrate.py
# The unseen-model list hard-coded in the official calculate_agreement.py (sic: 'GPT-4+DALL-E3'
# matches no model in the files, so GPT-4o+DALL-E3 pairs count as seen there).
OFFICIAL_UNSEEN = ["anole", "GPT-4+DALL-E3", "SEED-LLaMA", "NExT-GPT"]
WINRATE_SECTIONS = {
    "Force Dividing Tie Into A or B (FDT)": "fdt",
    "Without Tie (Only count the certain A and B)": "without_tie",
    "With Tie (Count tie as 0 point)": "with_tie_0",
    "With Tie (Count tie as 0.5 point)": "with_tie_05",
}
AGREEMENT_DRIVER = """
import sys
import calculate_agreement as ca
human = ca.load_evaluation_results(sys.argv[1])
judge = ca.load_evaluation_results(sys.argv[2])
for name, fn in [("Force Dividing Tie", ca.calculate_agreement_force_divide),
                 ("With Tie", ca.calculate_agreement_with_tie),
                 ("Without Tie", ca.calculate_agreement_without_tie)]:
    value, total = fn(human, judge)
    print(f"Agreement ({name}): {value:.2f}% over {total} comparisons")
"""
WINRATE_DRIVER = """
import sys
import calculate_model_winrate as w
results, _ = w.decode_complied_results(w.load_evaluation_results(sys.argv[1]))
for title, fn in [("Force Dividing Tie Into A or B (FDT)", w.tie2ABdiv),
                  ("Without Tie (Only count the certain A and B)", w.without_tie),
                  ("With Tie (Count tie as 0 point)", w.with_tie),
                  ("With Tie (Count tie as 0.5 point)", w.with_tie_equaldiv)]:
    print(title)
    fn(results)
"""


def export_mirror(mirror: Path, target: Path) -> None:
    """Write the official scripts and verdict files from a clone (bare or not) into ``target``."""
    git_dir = mirror / ".git" if (mirror / ".git").is_dir() else mirror
    (target / ARENA).mkdir(parents=True)
    for path in (*SCRIPTS, PAIRS, *FILES.values()):
        blob = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], check=True, capture_output=True
        ).stdout
        (target / path).write_bytes(blob)


def run_python(workdir: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, *args], cwd=workdir, check=True, capture_output=True, text=True
    ).stdout


def parse_winrates(text: str) -> dict[tuple[str, str], str]:
    """``{(variant, model): "87.44%"}`` from the official win-rate printout."""
    values, variant = {}, None
    for line in text.splitlines():
        if line.strip() in WINRATE_SECTIONS:
            variant = WINRATE_SECTIONS[line.strip()]
            continue
        match = re.fullmatch(r"(.+): (\d+\.\d\d%)", line.strip())
        if variant and match:
            values[variant, match.group(1)] = match.group(2)
    return values


def parse_agreement(text: str) -> dict[str, str]:
    """``{"all/fdt": "82.42% over 4301", ...}`` from the official agreement printout."""
    patterns = {
        r"Agreement \(Force Dividing Tie\): (\S+%) over (\d+)": "all/fdt",
        r"Agreement \(With Tie\): (\S+%) over (\d+)": "all/with_tie",
        r"Agreement \(Without Tie\): (\S+%) over (\d+)": "all/without_tie",
        r"force dividing tie for unseen models: (\S+%) over (\d+)": "unseen/fdt",
        r"force dividing tie for seen models: (\S+%) over (\d+)": "seen/fdt",
        r"Agreement with tie for unseen models: (\S+%) over (\d+)": "unseen/with_tie",
        r"Agreement with tie for seen models: (\S+%) over (\d+)": "seen/with_tie",
        r"without tie for unseen models: (\S+%) over (\d+)": "unseen/without_tie",
        r"without tie for seen models: (\S+%) over (\d+)": "seen/without_tie",
        r"Harmonic mean of seen and unseen with force dividing tie: (\S+%)()": "harmonic_mean/fdt",
        r"Harmonic mean of seen and unseen with tie: (\S+%)()": "harmonic_mean/with_tie",
        r"Harmonic mean of seen and unseen without tie: (\S+%)()": "harmonic_mean/without_tie",
    }
    values = {}
    for pattern, key in patterns.items():
        match = re.search(pattern, text)
        if match:
            values[key] = f"{match.group(1)} over {match.group(2)}" if match.group(2) else match.group(1)
    return values


def ours_agreement(judge, human, unseen) -> dict[str, str]:
    result = judge_agreement(judge, human, unseen_models=unseen)
    values = {}
    for group, row in result.table.iterrows():
        for variant in ("fdt", "with_tie", "without_tie"):
            text = f"{row[variant] * 100:.2f}%"
            if group != "harmonic_mean":
                pairs = row["pairs_without_tie"] if variant == "without_tie" else row["pairs"]
                text += f" over {int(pairs)}"
            values[f"{group}/{variant}"] = text
    return values


def ours_winrates(battles) -> dict[tuple[str, str], str]:
    table = win_rates(battles)
    return {
        (variant, model): f"{table.loc[model, variant]:.2%}"
        for variant in WINRATE_SECTIONS.values()
        for model in table.index
        if table.loc[model, variant] == table.loc[model, variant]  # official lists no NaN rows
    }


def compare(title: str, official: dict, ours: dict, rows: list[tuple[str, str, str, str]]) -> int:
    mismatches = 0
    for key in sorted(set(official) | set(ours), key=str):
        same = official.get(key) == ours.get(key)
        mismatches += not same
        label = "/".join(key) if isinstance(key, tuple) else key
        rows.append(
            (f"{title}: {label}", official.get(key, "—"), ours.get(key, "—"), "yes" if same else "NO")
        )
    return mismatches


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def interleaved_times(functions: list, repeat: int) -> tuple[list[list[float]], list[list[float]]]:
    """Wall and CPU seconds of each function in each of ``repeat`` rounds, the functions taking turns.

    Interleaving (ABAB…) keeps the comparison fair on a shared machine: a burst of load from other
    processes hits both sides instead of one; CPU time (``time.process_time``) is the measure that
    load distorts least. As ``timeit`` does, the garbage collector runs before each timed call and
    is paused inside it, so one side does not pay for the other's garbage.
    """
    wall: list[list[float]] = [[] for _ in functions]
    cpu: list[list[float]] = [[] for _ in functions]
    for _ in range(repeat):
        for position, function in enumerate(functions):
            gc.collect()
            gc.disable()
            try:
                cpu_start, start = time.process_time(), time.perf_counter()
                function()
                wall[position].append(time.perf_counter() - start)
                cpu[position].append(time.process_time() - cpu_start)
            finally:
                gc.enable()
    return wall, cpu


def thread_settings() -> str:
    """The BLAS/OpenMP thread settings both arms share (one process), and the kernel in use."""
    from threadpoolctl import threadpool_info

    names = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE")
    variables = ", ".join(f"{name}={os.environ.get(name, '(unset)')}" for name in names)
    pools = "; ".join(
        f"{info['internal_api']} {info.get('architecture')} threads={info['num_threads']}"
        for info in threadpool_info()
    )
    return f"both arms in one process: {variables}; {pools}"


def spread(values: list[float], unit: float = 1e3, digits: int = 2) -> str:
    """``median (range low–high)`` of ``values`` scaled by ``unit``."""
    scaled = [value * unit for value in values]
    return f"{statistics.median(scaled):.{digits}f} (range {min(scaled):.{digits}f}–{max(scaled):.{digits}f})"


def time_both(workdir: Path, frames: dict, repeat: int) -> tuple[list[list[float]], list[list[float]]]:
    """Per-round wall and CPU seconds: official compute, genjudge compute, official with parsing,
    genjudge with parsing."""
    agreement = load_module(workdir / "calculate_agreement.py", "official_agreement")
    winrate = load_module(workdir / "calculate_model_winrate.py", "official_winrate")
    human_path, judge_path = workdir / FILES["human"], workdir / FILES["intjudge"]
    human_keys = agreement.load_evaluation_results(human_path)
    judge_keys = agreement.load_evaluation_results(judge_path)
    results, _ = winrate.decode_complied_results(winrate.load_evaluation_results(judge_path))

    def official_compute(human_keys=human_keys, judge_keys=judge_keys, results=results):
        with contextlib.redirect_stdout(io.StringIO()):
            for function in (
                winrate.tie2ABdiv,
                winrate.without_tie,
                winrate.with_tie,
                winrate.with_tie_equaldiv,
            ):
                function(results)
            agreement.calculate_agreement_force_divide(human_keys, judge_keys)
            agreement.calculate_agreement_with_tie(human_keys, judge_keys)
            agreement.calculate_agreement_without_tie(human_keys, judge_keys)
            agreement.calculate_agreement_by_model_type_force_divide(human_keys, judge_keys)
            agreement.calculate_agreement_by_model_type_with_tie(human_keys, judge_keys)
            agreement.calculate_agreement_by_model_type_without_tie(human_keys, judge_keys)

    def official_end_to_end():
        human_keys = agreement.load_evaluation_results(human_path)
        judge_keys = agreement.load_evaluation_results(judge_path)
        results, _ = winrate.decode_complied_results(winrate.load_evaluation_results(judge_path))
        official_compute(human_keys, judge_keys, results)

    def ours_compute(human=frames["human"], judge=frames["intjudge"]):
        judge_prepared = prepare_battles(judge, name="judge verdicts")
        win_rates(judge_prepared)
        win_rate_matrices(judge_prepared)
        judge_agreement(judge_prepared, prepare_battles(human), unseen_models=OFFICIAL_UNSEEN)

    def ours_end_to_end():
        ours_compute(read_verdicts(human_path), read_verdicts(judge_path))

    cwd = os.getcwd()
    os.chdir(workdir)  # the official functions write their CSVs under ./Interleaved_Arena
    try:
        return interleaved_times(
            [official_compute, ours_compute, official_end_to_end, ours_end_to_end], repeat
        )
    finally:
        os.chdir(cwd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mirror", type=Path, required=True, help="git clone (bare or not) of LanceZPF/OpenING"
    )
    parser.add_argument(
        "--repeat", type=int, default=20, help="interleaved timing rounds (median is reported)"
    )
    args = parser.parse_args()
    if not args.mirror.exists():
        print(
            f"no OpenING mirror at {args.mirror}; clone https://github.com/LanceZPF/OpenING there",
            file=sys.stderr,
        )
        return 2

    with tempfile.TemporaryDirectory(prefix="opening-official-") as tmp:
        workdir = Path(tmp)
        export_mirror(args.mirror, workdir)
        frames = {name: read_verdicts(workdir / path) for name, path in FILES.items()}
        rows: list[tuple[str, str, str, str]] = []
        mismatches = 0

        start = time.perf_counter()
        official_agreement = run_python(workdir, "calculate_agreement.py")
        official_winrate = run_python(workdir, "calculate_model_winrate.py")
        scripts_wall = time.perf_counter() - start
        mismatches += compare(
            "agreement IntJudge vs human",
            parse_agreement(official_agreement),
            ours_agreement(frames["intjudge"], frames["human"], OFFICIAL_UNSEEN),
            rows,
        )
        official_gpt = parse_agreement(
            run_python(workdir, "-c", AGREEMENT_DRIVER, FILES["human"], FILES["gpt"])
        )
        ours_gpt = {
            k: v for k, v in ours_agreement(frames["gpt"], frames["human"], None).items() if k in official_gpt
        }
        mismatches += compare("agreement GPT-4o vs human", official_gpt, ours_gpt, rows)
        mismatches += compare(
            "win rate (IntJudge verdicts)",
            parse_winrates(official_winrate),
            ours_winrates(frames["intjudge"]),
            rows,
        )
        for name in ("human", "gpt"):
            official = parse_winrates(run_python(workdir, "-c", WINRATE_DRIVER, FILES[name]))
            mismatches += compare(f"win rate ({name} verdicts)", official, ours_winrates(frames[name]), rows)

        print("| quantity | official script | genjudge | match |")
        print("|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print(f"\n{len(rows) - mismatches}/{len(rows)} numbers match the official scripts' printout.")

        load_before = os.getloadavg()[0]
        wall, cpu = time_both(workdir, frames, args.repeat)
        print(f"\nSpeed (same process, same files; {args.repeat} interleaved rounds, median (range)):")
        print(f"  {thread_settings()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
        print("| work | measure | official functions, ms | genjudge, ms | ratio within a round |")
        print("|---|---|---|---|---|")
        works = (
            "4 win-rate variants + head-to-head matrices + agreement (overall and seen/unseen), compute only",
            "the same including reading the JSON files",
        )
        for index, work in enumerate(works):
            for label, times in (("CPU", cpu), ("wall", wall)):
                official_s, ours_s = times[2 * index], times[2 * index + 1]
                ratio = [o / g for o, g in zip(official_s, ours_s, strict=True)]
                print(
                    f"| {work} | {label} | {spread(official_s, digits=1)} | {spread(ours_s)} | "
                    f"{spread(ratio, unit=1, digits=1)}x |"
                )
        print(f"(the two official scripts as subprocesses, interpreter start included: {scripts_wall:.2f} s)")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
