"""The `general_level` evaluate module, loaded offline from its folder, in both configs."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")

import evaluate
import pytest

from genjudge.benchmarks.general_level import read_results

MODULE = str(Path(__file__).resolve().parents[2] / "metrics" / "general_level")
FIXTURES = Path(__file__).parent / "fixtures"


def columns(results):
    """A result sheet as the module's three input columns."""
    sheet, task, score = [], [], []
    for name, scores in results.sheets.items():
        for task_name, value in zip(scores.tasks, scores.values, strict=True):
            sheet.append(name)
            task.append(task_name)
            score.append(None if value != value else float(value))
    return {"sheet": sheet, "task": task, "score": score}


def test_the_documented_example_runs_as_written():
    from genjudge.benchmarks.general_level.sample import sample_reference_path

    general_level = evaluate.load(MODULE)
    results = general_level.compute(
        sheet=["Image-Comprehension", "Image-Generation", "NLP"],
        task=["Human Action Recognition", "Image Deraining", "Commonsense Reasoning"],
        score=[85.0, 36.0, 90.0],
        reference=str(sample_reference_path()),
        bootstrap_rounds=0,
    )
    assert (results["level"], round(results["level_5"]["score"], 2)) == (5, 0.73)
    assert round(results["modalities"]["Image"]["level_4"], 2) == 16.21
    assert results["supported"] == 3 and results["tasks"] == 41


def test_the_official_config_reproduces_the_official_ranker(reference):
    inputs = columns(read_results(FIXTURES / "Generalist-7B.xlsx", reference))
    official = evaluate.load(MODULE, "official").compute(
        **inputs, reference=str(FIXTURES / "sota.xlsx"), model="Generalist-7B", bootstrap_rounds=0
    )
    # What ranker.py printed for this sheet (see test_official_numbers.py).
    assert [f"{official[f'level_{i}']['score']:.2f}" for i in range(2, 6)] == [
        "36.75",
        "22.68",
        "110.73",
        "22.87",
    ]
    assert official["modalities"]["Audio"]["wins"] == 6

    corrected = evaluate.load(MODULE).compute(
        **inputs, reference=str(FIXTURES / "sota.xlsx"), bootstrap_rounds=200
    )
    assert (
        0
        <= corrected["level_4"]["lower"]
        <= corrected["level_4"]["score"]
        <= corrected["level_4"]["upper"]
        <= 100
    )


def test_bad_input_is_a_format_error():
    from genjudge.benchmarks.general_level import GeneralLevelFormatError

    with pytest.raises(GeneralLevelFormatError, match="task 'Poetry' is not in sheet 'NLP'"):
        evaluate.load(MODULE).compute(
            sheet=["NLP"], task=["Poetry"], score=[1.0], reference=str(FIXTURES / "sota.xlsx")
        )
