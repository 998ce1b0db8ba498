"""Regenerate the small xlsx fixtures of these tests (committed, so tests need no generator run).

    PYTHONPATH=src python tests/general_level/make_fixtures.py

``sota.xlsx`` is :func:`~support.general_level_synthetic.synthetic_reference` in the
official layout; each results workbook is one model drawn around it. The official ranker's
printed numbers for these exact files are pinned in ``test_official_numbers.py`` (obtained with
``perf/general_level_compare.py``); regenerate only together with those numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from support.general_level_synthetic import synthetic_reference, synthetic_values
from support.general_level_writer import write_reference_workbook, write_results_workbook

from genjudge.scoring.general_level import MODALITIES

FIXTURES = Path(__file__).parent / "fixtures"
MODELS = {
    # name: (profile, seed, absent sheets)
    "Generalist-7B": ("generalist", 1, ()),
    "NoAudio-13B": ("specialist-beater", 2, ("Audio-Comprehension", "Audio-Generation")),
    "Reader-3B": ("generalist", 3, tuple(f"{modality}-Generation" for modality in MODALITIES)),
}


def edge_values(reference) -> np.ndarray:
    """Ties with every specialist, then the cases the official code gets wrong: a perfect MAE of 0
    (scores 0 there), a missing WER (0 >= -460, a win there), a WER and a MOS below the
    specialist, an accuracy of 0, and a better NLP RMSE (always a Level-5 win there)."""
    values = reference.sota.copy()
    tasks = reference.tasks.reset_index(drop=True)

    def at(task: str) -> int:
        return int(tasks.index[tasks["task"] == task][0])

    values[at("Crowd Counting")] = 0.0
    values[at("TextToSpeech")] = np.nan
    values[at("SpeechTranslation （zh-to-en）")] = 9.5
    values[at("DailyTalkGeneration")] = 3.1
    values[at("Human Action Recognition")] = 0.0
    values[at("Time Series")] = 1.2
    values[at("Video Anomaly Detection")] = np.nan
    return values


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    reference = synthetic_reference()
    write_reference_workbook(reference, FIXTURES / "sota.xlsx")
    for model, (profile, seed, absent) in MODELS.items():
        values = synthetic_values(
            reference, np.random.default_rng(seed), profile=profile, absent_sheets=absent
        )
        write_results_workbook(reference, model, values, FIXTURES / f"{model}.xlsx")
    write_results_workbook(reference, "Edges-1B", edge_values(reference), FIXTURES / "Edges-1B.xlsx")


if __name__ == "__main__":
    main()
