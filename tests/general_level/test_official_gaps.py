"""Official mode scores the cells ranker.py reads as missing, and gives ranker.py's numbers.

``fixtures/gaps`` (built by ``make_fixtures.py``) holds a SoTA workbook with SoTA cells that are
empty or hold ``∞``, ``inf`` or ``N/A``, and an ``Audio-Generation`` sheet with a header but no
tasks, plus two models whose cells hold ``∞``, ``inf`` and ``N/A``. The expected strings are what
ranker.py of path2generalist/General-Level (commit 420b8eb), unchanged, printed for these exact
files: the repository was fetched, its ``ranker.py``, ``utils/special_metrix.py`` and an empty
``outcome/`` exported to a temporary folder with ``export_official`` of
``perf/general_level_compare.py``, and ``python ranker.py -s gaps/sota.xlsx -p gaps/MODEL.xlsx -m MODEL``
run there (nothing of it is kept in this project). Each tuple per modality: (Supporting k/N,
Wins, Level-2, Level-3, Level-4); NLP: (Supporting, Wins); final: Levels 2–5.
"""

from __future__ import annotations

import pytest

from genjudge.benchmarks.general_level import read_reference, read_results
from genjudge.scoring.general_level import GeneralLevelFormatError, score_general_level

PRINTED_BY_RANKER = {
    "Gaps-2B": {
        "Image": ("7/11", 4, "50.83", "23.43", "11.93"),
        "Video": ("6/8", 3, "45.57", "21.29", "15.96"),
        "Audio": ("3/3", 0, "25.64", "0.00", "0.00"),
        "3D": ("5/7", 2, "31.58", "6.83", "0.27"),
        "NLP": ("3/5", 3),
        "final": ("38.41", "12.89", "7.04", "2.06"),
    },
    "GapsBeater-8B": {
        "Image": ("6/11", 5, "44.74", "29.45", "29.15"),
        "Video": ("6/8", 4, "49.10", "38.55", "19.47"),
        "Audio": ("3/3", 3, "33.05", "33.05", "0.00"),  # no generation tasks: Level-4 is 0
        "3D": ("5/7", 1, "25.70", "0.07", "0.00"),
        "NLP": ("3/5", 2),
        "final": ("38.15", "25.28", "12.15", "3.81"),
    },
}


@pytest.fixture(scope="module")
def gaps(fixtures):
    return fixtures / "gaps"


@pytest.fixture(scope="module")
def gaps_reference(gaps):
    return read_reference(gaps / "sota.xlsx", official=True)


def printed_like_ranker(score) -> dict:
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
    return printed


@pytest.mark.parametrize("model", sorted(PRINTED_BY_RANKER))
def test_official_mode_scores_infinite_missing_and_empty_cells_as_ranker_py(model, gaps, gaps_reference):
    results = read_results(gaps / f"{model}.xlsx", gaps_reference, model=model, official=True)
    score = score_general_level(results, gaps_reference, official=True, bootstrap=0)
    assert printed_like_ranker(score) == PRINTED_BY_RANKER[model]


def test_official_mode_bootstraps_a_sheet_without_tasks(gaps, gaps_reference):
    results = read_results(gaps / "Gaps-2B.xlsx", gaps_reference, official=True)
    score = score_general_level(results, gaps_reference, official=True, bootstrap=50)
    level_4 = score.levels["level_4"]
    assert level_4.lower <= level_4.score <= level_4.upper


def test_text_cells_read_officially_are_unsupported_tasks(gaps, gaps_reference):
    results = read_results(gaps / "Gaps-2B.xlsx", gaps_reference, official=True)
    image = results.sheets["Image-Comprehension"]
    assert image.tasks[0] == "Human Action Recognition" and image.values[0] != image.values[0]  # "∞"
    assert gaps_reference.empty_sheets == ("Audio-Generation",)


def test_the_default_refuses_what_only_official_mode_reads(gaps, gaps_reference):
    with pytest.raises(
        GeneralLevelFormatError, match=r"sheet 'NLP', cell E4 .* the SoTA value is empty \(--official"
    ):
        read_reference(gaps / "sota.xlsx")
    with pytest.raises(
        GeneralLevelFormatError, match=r"sheet 'NLP', cell E2 \(column 'Gaps-2B'\): 'N/A' is not"
    ):
        read_results(gaps / "Gaps-2B.xlsx", gaps_reference)
    results = read_results(gaps / "Gaps-2B.xlsx", gaps_reference, official=True)
    with pytest.raises(GeneralLevelFormatError, match=r"\['Audio-Generation'\] have no tasks.*--official"):
        score_general_level(results, gaps_reference, bootstrap=0)
