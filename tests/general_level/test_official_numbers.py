"""Official mode reproduces the official ranker.py, number for number, on the committed fixtures.

The expected strings below are what ranker.py of path2generalist/General-Level (commit 420b8eb)
printed for these exact files (``perf/general_level_compare.py`` runs it and compares again).
Each tuple per modality: (Supporting k/N, Wins, Level-2, Level-3, Level-4); NLP: (Supporting,
Wins); final: Levels 2–5.
"""

from __future__ import annotations

import pytest

from genjudge.benchmarks.general_level import read_results
from genjudge.scoring.general_level import MODALITIES, score_general_level

PRINTED_BY_RANKER = {
    "Edges-1B": {
        "Image": ("9/11", 9, "46.43", "46.43", "40.82"),
        "Video": ("7/8", 7, "47.11", "47.11", "28.00"),
        "Audio": ("9/10", 8, "-13.16", "43.80", "36.98"),
        "3D": ("7/7", 7, "34.37", "34.37", "28.06"),
        "NLP": ("5/5", 4),
        "final": ("28.69", "42.93", "33.46", "20.19"),
    },
    "Generalist-7B": {
        "Image": ("10/11", 6, "58.55", "42.73", "41.64"),
        "Video": ("8/8", 7, "61.97", "61.72", "55.03"),
        "Audio": ("10/10", 6, "-4.22", "-16.86", "346.08"),
        "3D": ("7/7", 2, "30.68", "3.12", "0.17"),
        "NLP": ("3/5", 2),
        "final": ("36.75", "22.68", "110.73", "22.87"),
    },
    "NoAudio-13B": {
        "Image": ("11/11", 10, "67.58", "59.26", "58.31"),
        "Video": ("8/8", 7, "61.49", "52.03", "51.53"),
        "Audio": ("0/10", 2, "0.00", "0.00", "0.00"),
        "3D": ("7/7", 5, "39.52", "36.97", "33.13"),
        "NLP": ("5/5", 2),
        "final": ("42.15", "37.07", "35.74", "14.32"),
    },
    "Reader-3B": {
        "Image": ("4/11", 3, "22.96", "14.65", "0.00"),
        "Video": ("4/8", 3, "18.84", "10.02", "0.00"),
        "Audio": ("2/10", 3, "24.90", "13.72", "0.00"),
        "3D": ("3/7", 0, "16.68", "0.00", "0.00"),
        "NLP": ("5/5", 2),
        "final": ("20.85", "9.60", "0.00", "0.00"),
    },
}


@pytest.mark.parametrize("model", sorted(PRINTED_BY_RANKER))
def test_official_mode_prints_what_the_official_ranker_prints(model, fixtures, reference):
    results = read_results(fixtures / f"{model}.xlsx", reference, model=model)
    score = score_general_level(results, reference, official=True, bootstrap=0)

    printed = {
        modality: (
            f"{part.supported}/{part.tasks}",
            part.wins,
            f"{part.level_2:.2f}",
            f"{part.level_3:.2f}",
            f"{part.level_4:.2f}",
        )
        for modality, part in score.modalities.items()
    }
    printed["NLP"] = (f"{score.nlp.supported}/{score.nlp.tasks}", score.nlp.wins)
    printed["final"] = tuple(f"{score.levels[f'level_{i}'].score:.2f}" for i in range(2, 6))
    assert printed == PRINTED_BY_RANKER[model]
    assert list(score.modalities) == list(MODALITIES)


def test_the_corrected_default_differs_exactly_where_the_official_flaws_bite(fixtures, reference):
    results = read_results(fixtures / "Generalist-7B.xlsx", reference)
    official = score_general_level(results, reference, official=True, bootstrap=0)
    corrected = score_general_level(results, reference, bootstrap=0)

    # WER in percent gives the official Audio scores below zero and a harmonic mean of 346.
    assert official.modalities["Audio"].level_2 < 0 < corrected.modalities["Audio"].level_2
    assert official.modalities["Audio"].level_4 > 100
    # Every corrected score is a percentage.
    for part in corrected.modalities.values():
        for value in (part.comprehension, part.generation, part.level_2, part.level_3, part.level_4):
            assert 0 <= value <= 100
    # Modalities untouched by the flaws agree.
    assert corrected.modalities["Video"].level_3 == pytest.approx(official.modalities["Video"].level_3)
