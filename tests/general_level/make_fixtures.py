"""Regenerate the small xlsx fixtures of these tests (committed, so tests need no generator run).

    PYTHONPATH=src python tests/general_level/make_fixtures.py

``sota.xlsx`` is :func:`~support.general_level_synthetic.synthetic_reference` in the
official layout; each results workbook is one model drawn around it. The official ranker's
printed numbers for these exact files are pinned in ``test_official_numbers.py`` (obtained with
``perf/general_level_compare.py``); regenerate only together with those numbers.

``gaps/`` holds a SoTA workbook and two models with the cells ``ranker.py`` reads as missing
(``∞``, ``inf``, ``N/A``, empty SoTA cells) and an ``Audio-Generation`` sheet without tasks; its
printed numbers are pinned in ``test_official_gaps.py`` (obtained as said there).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from support.general_level_synthetic import synthetic_reference, synthetic_values
from support.general_level_writer import write_reference_workbook, write_results_workbook

from genjudge.scoring.general_level import MODALITIES, Reference

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


GAPS = FIXTURES / "gaps"
EMPTY_SHEET = "Audio-Generation"
SOTA_TEXT = {
    "Image Captioning": None,  # an empty SoTA cell, plain metric
    "Crowd Counting": "∞",  # MAE: the official normalisation turns a missing SoTA into 0
    "Agriculture Video Question Answering": "N/A",
    "3D Part Segmentation": "inf",
    "Named Entity Recognition": None,  # NLP: text there crashes ranker.py's summary, so only empty
}
MODEL_TEXT = {
    "Human Action Recognition": "∞",
    "Image Deraining": "inf",  # PSNR: missing becomes a present 0 officially
    "Video Anomaly Detection": "N/A",
    "3D Normal Estimation": "∞",  # RMSE
    "Image Captioning": 99.0,  # beats every specialist, but its SoTA cell is empty
    "Commonsense Reasoning": "N/A",  # NLP: pandas reads N/A as NaN, so ranker.py's summary survives
}
GAP_MODELS = {"Gaps-2B": ("generalist", 4), "GapsBeater-8B": ("specialist-beater", 5)}


def gaps_reference() -> Reference:
    """The synthetic reference without the tasks of ``EMPTY_SHEET`` (kept as an empty sheet)."""
    tasks = synthetic_reference().tasks
    return Reference(tasks[tasks["sheet"] != EMPTY_SHEET], source="gaps", empty_sheets=(EMPTY_SHEET,))


def with_cells(reference: Reference, values: np.ndarray, cells: dict) -> np.ndarray:
    """``values`` as an object array with the cells of the tasks named in ``cells`` replaced."""
    out = values.astype(object)
    for task, cell in cells.items():
        out[int(np.flatnonzero(reference.tasks["task"] == task)[0])] = cell
    return out


def write_gaps() -> None:
    GAPS.mkdir(exist_ok=True)
    reference = gaps_reference()
    write_reference_workbook(
        reference, GAPS / "sota.xlsx", sota=with_cells(reference, reference.sota, SOTA_TEXT)
    )
    for model, (profile, seed) in GAP_MODELS.items():
        values = synthetic_values(reference, np.random.default_rng(seed), profile=profile)
        write_results_workbook(
            reference, model, with_cells(reference, values, MODEL_TEXT), GAPS / f"{model}.xlsx"
        )


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
    write_gaps()


if __name__ == "__main__":
    main()
