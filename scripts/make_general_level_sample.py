"""Write the embedded General-Level sample to src/genjudge/benchmarks/general_level/sample_data/
(deterministic).

Usage: PYTHONPATH=src python scripts/make_general_level_sample.py

A tiny SoTA sheet in the official layout (``reference.xlsx``: all nine sheets, 41 invented tasks
with the real sheet's metric names, quirky ones included) and three fictional models, one in each
accepted results format, so the offline demo and the Space can show a General-Level board
without downloads: Aurora-Omni (beats most specialists everywhere; xlsx in the official layout),
Harbor-Base (a fair generalist without audio; CSV) and Quill-Reader (comprehension only, so
Level-4 and Level-5 are 0; JSON). Every number is made up.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

# The sample writers are test support, not part of the installed library.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.general_level_synthetic import synthetic_reference, synthetic_values
from support.general_level_writer import write_reference_workbook, write_results_workbook

from genjudge.scoring.general_level import MODALITIES

OUT = (
    Path(__file__).resolve().parents[1] / "src" / "genjudge" / "benchmarks" / "general_level" / "sample_data"
)


def _records(reference, values: np.ndarray) -> list[dict]:
    tasks = reference.tasks
    return [
        {"sheet": sheet, "task": task, "metric": metric, "score": None if np.isnan(value) else float(value)}
        for sheet, task, metric, value in zip(
            tasks["sheet"], tasks["task"], tasks["metric"], values, strict=True
        )
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    reference = synthetic_reference()
    write_reference_workbook(reference, OUT / "reference.xlsx")

    aurora = synthetic_values(reference, np.random.default_rng(7), profile="specialist-beater")
    write_results_workbook(reference, "Aurora-Omni", aurora, OUT / "Aurora-Omni.xlsx")

    audio = ("Audio-Comprehension", "Audio-Generation")
    harbor = synthetic_values(reference, np.random.default_rng(8), profile="generalist", absent_sheets=audio)
    with open(OUT / "Harbor-Base.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["model", "sheet", "task", "metric", "score"])
        writer.writeheader()
        for record in _records(reference, harbor):
            writer.writerow(
                {
                    "model": "Harbor-Base",
                    **record,
                    "score": "" if record["score"] is None else record["score"],
                }
            )

    generation = tuple(f"{modality}-Generation" for modality in MODALITIES)
    quill = synthetic_values(
        reference, np.random.default_rng(9), profile="generalist", absent_sheets=generation
    )
    document = {"model": "Quill-Reader", "results": _records(reference, quill)}
    (OUT / "Quill-Reader.json").write_text(
        json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
