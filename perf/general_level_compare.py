"""General-Level: match the official ``ranker.py`` number for number, then time genjudge against it.

    PYTHONPATH=src python perf/general_level_compare.py \
        --official-repo path/to/General-Level [--models 1000] [--repeat 5]

The official repository (a clone, bare or not) is read with ``git show`` into a temporary folder
at run time (``ranker.py``, ``utils/special_metrix.py``, ``references/sota_result.xlsx`` and an
empty ``outcome/`` for its log); nothing from it is stored in this project. Then:

1. **Numbers.** ``ranker.py`` runs unchanged as a subprocess (``-s SOTA -p RESULTS -m MODEL``)
   on (a) the committed test fixtures (``tests/general_level/fixtures``: a synthetic SoTA sheet
   and four models with unsupported tasks, ties, every metric family, an absent modality, a
   comprehension-only model and the official code's edge cases) and (b) five models drawn
   around the real 699-task SoTA sheet, one with an absent modality. Every number it prints
   (per modality: Supporting k/N, Wins, Levels 2–4; NLP Supporting and Wins; final Levels 2–5)
   is compared with genjudge's ``official=True`` result, formatted the same way.
2. **Speed.** ``--models`` model sheets drawn around the real SoTA sheet, held in memory. The
   official arm runs ranker.py's own functions (``process_sheet``, ``get_modality_scores``,
   ``get_level_5``, with its logging set up by its ``setup_logging``) model by model, the flow of
   its ``main`` minus the Excel reads. Most of that arm's time is its ``logging.info`` calls
   writing to its log file, so a second official arm runs the same functions with logging
   silenced (``logging.disable``; the f-string arguments are still built, as the unchanged code
   builds them): the ratio against it is the one that measures the scoring itself. genjudge's
   arm is ``score_many`` (official mode, the corrected default, and the default with 1,000
   bootstrap rounds per model). The arms take turns (ABCDE, ABCDE, ...) for ``--repeat`` rounds;
   median and range of wall and CPU time (``time.process_time``) are reported, and the ratios
   are taken within each round, with the thread settings, pinned to one thread for both, and
   the load average of the shared machine per round.
3. **End to end** from ``--files`` xlsx workbooks: ranker.py's ``main`` (with and without its
   logging) against genjudge's readers and scorer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from thread_pinning import pin_threads, thread_settings

pin_threads(1)

import argparse  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import io  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from tqdm import tqdm  # noqa: E402

from genjudge.benchmarks.general_level import read_reference, read_results  # noqa: E402

# The sample writers are test support, not part of the installed library.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.general_level_synthetic import synthetic_values  # noqa: E402
from support.general_level_writer import write_results_workbook  # noqa: E402

from genjudge.scoring.general_level import (  # noqa: E402
    MODALITIES,
    SHEETS,
    GeneralLevelScore,
    Results,
    SheetScores,
    score_general_level,
    score_many,
)

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "general_level" / "fixtures"
OFFICIAL_FILES = ("ranker.py", "utils/special_metrix.py", "references/sota_result.xlsx")
REAL_MODELS = {
    # name: (profile, seed, absent sheets)
    "Drawn-Generalist": ("generalist", 11, ()),
    "Drawn-Beater": ("specialist-beater", 12, ()),
    "Drawn-Weak": ("weak", 13, ()),
    "Drawn-No3D": ("generalist", 14, ("3D-Comprehension", "3D-Generation")),
    "Drawn-NoVideoGen": ("specialist-beater", 15, ("Video-Generation",)),
}
_MODALITY_LINE = re.compile(r"^(\w+) Modality \(Supporting (\d+)/(\d+) tasks, Wins: (\d+)\)")
_SCORE_LINE = re.compile(r"^>>> (Level-\d) Score: (\S+)")


def export_official(repo: Path, target: Path) -> None:
    """The official ranker, its normalisation table and SoTA sheet, from a clone (bare or not)."""
    git_dir = repo / ".git" if (repo / ".git").is_dir() else repo
    for path in OFFICIAL_FILES:
        blob = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], check=True, capture_output=True
        ).stdout
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_bytes(blob)
    (target / "outcome").mkdir()


def parse_official(text: str) -> dict[str, str]:
    """Every number ranker.py prints, keyed like ``Audio supported``, ``Audio Level-3``, ``final Level-5``."""
    numbers: dict[str, str] = {}
    section = None
    for line in text.splitlines():
        if match := _MODALITY_LINE.match(line):
            section, supported, total, wins = match.groups()
            numbers |= {f"{section} supported": f"{supported}/{total}", f"{section} wins": wins}
        elif line.startswith("Final Scores"):
            section = "final"
        elif (match := _SCORE_LINE.match(line)) and section:
            numbers[f"{section} {match.group(1)}"] = match.group(2)
    return numbers


def format_like_official(score: GeneralLevelScore) -> dict[str, str]:
    """genjudge's official-mode result printed the way ranker.py prints it."""
    numbers: dict[str, str] = {}
    for modality in MODALITIES:
        part = score.modalities[modality]
        numbers[f"{modality} supported"] = f"{part.supported}/{part.tasks}"
        numbers[f"{modality} wins"] = str(part.wins)
        for level, value in (("Level-2", part.level_2), ("Level-3", part.level_3), ("Level-4", part.level_4)):
            numbers[f"{modality} {level}"] = f"{value:.2f}"
    numbers["NLP supported"] = f"{score.nlp.supported}/{score.nlp.tasks}"
    numbers["NLP wins"] = str(score.nlp.wins)
    for index in range(2, 6):
        numbers[f"final Level-{index}"] = f"{score.levels[f'level_{index}'].score:.2f}"
    return numbers


def compare_numbers(workdir: Path, sota: Path, sheets: dict[str, Path]) -> int:
    """Run ranker.py on each sheet and compare; returns the number of mismatches."""
    reference = read_reference(sota)
    mismatches = 0
    for model, sheet in sheets.items():
        printed = subprocess.run(
            [sys.executable, "ranker.py", "-s", str(sota), "-p", str(sheet), "-m", model],
            cwd=workdir,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        official = parse_official(printed)
        ours = format_like_official(
            score_general_level(
                read_results(sheet, reference, model=model), reference, official=True, bootstrap=0
            )
        )
        differing = {key: (official.get(key), ours.get(key)) for key in official.keys() | ours.keys()}
        differing = {key: pair for key, pair in differing.items() if pair[0] != pair[1]}
        mismatches += len(differing)
        verdict = "all equal" if not differing else f"{len(differing)} differ: {differing}"
        print(f"  {model:18s} {len(official):2d} numbers printed, {verdict}")
        print(
            "    "
            + "  ".join(f"{key}={official[key]}" for key in sorted(official) if key.startswith("final"))
        )
    return mismatches


def official_arm(workdir: Path):
    """ranker.py's scoring flow (its ``main`` without the Excel reads) over in-memory sheets."""
    sys.path.insert(0, str(workdir))
    previous = Path.cwd()
    os.chdir(workdir)
    try:
        ranker = importlib.import_module("ranker")
        ranker.setup_logging("speed")
    finally:
        os.chdir(previous)

    def score(model: str, sota_frames: dict[str, pd.DataFrame], model_frames: dict[str, pd.DataFrame]):
        data: dict[str, dict[str, list]] = {}
        for sheet in sota_frames:
            if sheet == "NLP":
                continue
            modality, paradigm = sheet.split("-")
            metrics, sota, scores = ranker.process_sheet(sota_frames[sheet], model_frames[sheet], model)
            data.setdefault(modality, {})[paradigm] = (metrics, sota, scores)
        modality_scores = {
            modality: ranker.get_modality_scores(*parts["Comprehension"], *parts["Generation"])
            for modality, parts in data.items()
        }
        level_4 = sum(scores[2] for scores in modality_scores.values()) / len(modality_scores)
        return level_4, ranker.get_level_5(level_4, sota_frames["NLP"], model_frames["NLP"], model)

    return score


def timed(function) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call, garbage collector paused."""
    gc.collect()
    gc.disable()
    try:
        cpu, start = time.process_time(), time.perf_counter()
        function()
        return time.perf_counter() - start, time.process_time() - cpu
    finally:
        gc.enable()


def silenced(function):
    """``function`` run with every ``logging`` call disabled (the official code's log file stays empty)."""

    def run():
        logging.disable(logging.CRITICAL)
        try:
            return function()
        finally:
            logging.disable(logging.NOTSET)

    return run


def run_interleaved(arms: dict, repeat: int, desc: str) -> tuple[dict, dict]:
    """Every arm once per round, in turn; wall and CPU seconds per arm, load average per round."""
    wall: dict[str, list[float]] = {name: [] for name in arms}
    cpu: dict[str, list[float]] = {name: [] for name in arms}
    loads = []
    for _ in tqdm(range(repeat), desc=desc, unit="round"):
        loads.append(os.getloadavg()[0])
        for name, function in arms.items():
            seconds, cpu_seconds = timed(function)
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
    print(f"  load average at the start of each round: {', '.join(f'{load:.1f}' for load in loads)}")
    return wall, cpu


def report(wall: dict, cpu: dict, count: int, unit: str, baselines: tuple[str, ...]) -> None:
    """Median (range) of wall and CPU time per arm, and each baseline over each arm within a round."""
    for name in wall:
        print(
            f"  {name:58s} wall {statistics.median(wall[name]):8.3f} s "
            f"({min(wall[name]):.3f}-{max(wall[name]):.3f})  CPU {statistics.median(cpu[name]):8.3f} s "
            f"({min(cpu[name]):.3f}-{max(cpu[name]):.3f})  "
            f"{statistics.median(cpu[name]) / count * 1e3:8.3f} CPU ms/{unit}"
        )
    for index, baseline in enumerate(baselines):
        print(f"  ratios against '{baseline}', within each round, median (range):")
        for name in wall:
            if name in baselines[: index + 1]:
                continue
            parts = []
            for label, times in (("CPU", cpu), ("wall", wall)):
                ratios = [b / a for b, a in zip(times[baseline], times[name], strict=True)]
                parts.append(
                    f"{label} {statistics.median(ratios):7.1f}x ({min(ratios):.1f}-{max(ratios):.1f})"
                )
            print(f"    {name:56s} {'  '.join(parts)}")


def speed(workdir: Path, models: int, repeat: int) -> None:
    sota_path = workdir / "references" / "sota_result.xlsx"
    reference = read_reference(sota_path)
    sota_frames = pd.read_excel(sota_path, sheet_name=None)
    rng = np.random.default_rng(2025)
    profiles = list(REAL_MODELS.values())
    drawn = []
    for index in tqdm(range(models), desc="drawing model sheets", unit="model"):
        profile, _, absent = profiles[index % len(profiles)]
        drawn.append(
            (f"model-{index}", synthetic_values(reference, rng, profile=profile, absent_sheets=absent))
        )
    model_frames = []
    results = []
    for name, values in drawn:
        frames, sheets = {}, {}
        for sheet in SHEETS:
            span = reference.sheet_slices[sheet]
            frame = sota_frames[sheet].drop(columns="SoTA Performance")
            frame[name] = values[span]
            frames[sheet] = frame
            sheets[sheet] = SheetScores(
                tasks=reference.sheet_tasks[sheet],
                values=values[span],
                rows=tuple(range(2, 2 + span.stop - span.start)),
                metrics=reference.sheet_metrics[sheet],
            )
        model_frames.append(frames)
        results.append(Results(model=name, sheets=sheets))
    official_score = official_arm(workdir)
    names = [name for name, _ in drawn]

    def official_all() -> list:
        return [
            official_score(name, sota_frames, frames)
            for name, frames in zip(names, model_frames, strict=True)
        ]

    arms = {
        "official ranker.py functions": official_all,
        "official ranker.py functions, logging silenced": silenced(official_all),
        "genjudge score_many, official=True": lambda: score_many(results, reference, official=True),
        "genjudge score_many, corrected": lambda: score_many(results, reference),
        "genjudge score_many, corrected, 1000 bootstrap rounds": lambda: score_many(
            results, reference, bootstrap=1000
        ),
    }
    check = score_many(results[:50], reference, official=True)
    expected = [official_score(name, sota_frames, model_frames[i])[1] for i, name in enumerate(names[:50])]
    assert np.allclose(check["level_5"].to_numpy(), expected, atol=1e-9), "official-mode Level-5 disagrees"
    print(f"\nSpeed, {models} model sheets x {len(reference)} tasks, {repeat} interleaved rounds:")
    wall, cpu = run_interleaved(arms, repeat, "timing rounds")
    report(wall, cpu, models, "model", tuple(list(arms)[:2]))


def end_to_end(workdir: Path, files: int, repeat: int) -> None:
    """From xlsx files to levels: ranker.py's own ``main`` (its Excel reads, logging and printing)
    against genjudge's readers and scorer, each reading the SoTA workbook afresh per file."""
    sota_path = workdir / "references" / "sota_result.xlsx"
    reference = read_reference(sota_path)
    rng = np.random.default_rng(7)
    sheets = {}
    for index in tqdm(range(files), desc="writing model workbooks", unit="file"):
        name = f"file-model-{index}"
        values = synthetic_values(reference, rng, profile="generalist")
        sheets[name] = write_results_workbook(reference, name, values, workdir / "outcome" / f"{name}.xlsx")
    ranker = importlib.import_module("ranker")

    def official() -> None:
        previous = Path.cwd()
        os.chdir(workdir)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                for name, path in sheets.items():
                    ranker.main(name, str(sota_path), str(path))
        finally:
            os.chdir(previous)

    def official_silenced() -> None:
        silenced(official)()

    def ours() -> None:
        for name, path in sheets.items():
            fresh = read_reference(sota_path)
            score_general_level(read_results(path, fresh, model=name), fresh, official=True, bootstrap=0)

    arms = {
        "official ranker.py main": official,
        "official ranker.py main, logging silenced": official_silenced,
        "genjudge read + score, official=True": ours,
    }
    print(f"\nEnd to end, {files} xlsx files (699 tasks each), {repeat} interleaved rounds:")
    wall, cpu = run_interleaved(arms, repeat, "end-to-end rounds")
    report(wall, cpu, files, "file", tuple(list(arms)[:2]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--official-repo", type=Path, required=True, help="clone of path2generalist/General-Level"
    )
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--files", type=int, default=10, help="xlsx files for the end-to-end timing (0: skip)"
    )
    arguments = parser.parse_args()
    print(
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print("threads: " + thread_settings())
    with tempfile.TemporaryDirectory(prefix="general-level-official-") as folder:
        workdir = Path(folder)
        export_official(arguments.official_repo, workdir)
        print("\nNumbers on the test fixtures (synthetic SoTA sheet):")
        fixture_sheets = {
            path.stem: path for path in sorted(arguments.fixtures.glob("*.xlsx")) if path.stem != "sota"
        }
        mismatches = compare_numbers(workdir, arguments.fixtures / "sota.xlsx", fixture_sheets)
        print("\nNumbers on models drawn around the real SoTA sheet (699 tasks):")
        sota = workdir / "references" / "sota_result.xlsx"
        reference = read_reference(sota)
        drawn_sheets = {}
        for model, (profile, seed, absent) in REAL_MODELS.items():
            values = synthetic_values(
                reference, np.random.default_rng(seed), profile=profile, absent_sheets=absent
            )
            drawn_sheets[model] = write_results_workbook(
                reference, model, values, workdir / "outcome" / f"{model}.xlsx"
            )
        mismatches += compare_numbers(workdir, sota, drawn_sheets)
        print(f"\nmismatching numbers: {mismatches}")
        speed(workdir, arguments.models, arguments.repeat)
        if arguments.files:
            end_to_end(workdir, arguments.files, min(arguments.repeat, 3))
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
