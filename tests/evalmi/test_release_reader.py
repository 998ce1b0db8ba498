"""The reader takes the official layout as it really is: 3- and 4-digit names, two questions in one
sheet cell, a prompt spelled differently in the two files, answers aligned with the questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from genjudge.benchmarks.evalmi import parse_image_name, read_release
from genjudge.benchmarks.evalmi.names import image_name
from genjudge.benchmarks.evalmi.release import split_questions


def test_names_keep_three_digits_below_1000_and_four_from_1000() -> None:
    assert image_name("DALLE3", 7) == "DALLE3/007.png"
    assert image_name("DALLE3", 1000) == "DALLE3/1000.png"
    assert parse_image_name("sd_v2-1/2100.png") == ("sd_v2-1", 2100)
    for alias in ("DALLE3/7.png", "DALLE3/0007.png", "DALLE3/01000.png", "DALLE3/000.png", "a/b/001.png"):
        with pytest.raises(ValueError):
            parse_image_name(alias)


def test_two_questions_in_one_cell_are_split() -> None:
    cell = "Does the image contain cake?Answer yes or no.Does the image contain a candle?Answer yes or no."
    assert split_questions(cell) == [
        "Does the image contain cake?Answer yes or no.",
        "Does the image contain a candle?Answer yes or no.",
    ]
    assert split_questions("Is it red? Answer yes or no.") == ["Is it red? Answer yes or no."]


def test_the_fixture_release_is_read_with_its_irregularities(fixture_release: Path) -> None:
    release = read_release(fixture_release)
    assert len(release.prompts) == 1371
    assert release.shared_cells == [1069, 1070]
    shared = release.prompts[1068]
    assert len(shared.questions) == 4  # overall + the two that shared a cell + one more
    assert shared.questions[1] == "Does the image contain cake?Answer yes or no."
    [mismatch] = release.prompt_mismatches
    assert mismatch.index == 1371
    assert (
        release.prompts[1370].prompt == "there are sun in the sky. The weather is cloudy."
    )  # the sheet wins
    assert release.prompts[1370].tag == "Linguistic Structures"  # the task still comes from the jsonl
    assert release.prompts[2].details == {
        "time": "early morning",
        "light": "soft",
        "direction": "from the east",
    }


def test_ratings_follow_the_sheet_and_align_answers_with_questions(fixture_release: Path) -> None:
    release = read_release(fixture_release)
    names = [rating.image_name for rating in release.ratings]
    assert len(names) == 24
    dalle = [n for n in names if n.startswith("DALLE3/")]
    assert dalle == sorted(dalle)  # string order, as in the release: 001, 002, 003, 1000, ..., 999
    assert dalle.index("DALLE3/1000.png") < dalle.index("DALLE3/999.png")
    for rating in release.ratings:
        assert len(rating.answers) == len(release.prompts[rating.prompt_index - 1].questions)
    assert release.generators() == ["DALLE3", "LlamaGen_256", "sd_v2-1"]


def test_official_folds_are_read_and_image_paths_normalised(fixture_release: Path) -> None:
    release = read_release(fixture_release)
    assert sorted(release.folds) == ["mos1_fold_1", "mos2_fold_1", "qa_fold_1"]
    train = release.folds["mos1_fold_1"]["train"]
    assert train[0].image_name.count("/") == 1 and train[0].mos == 50.0
    qa = release.folds["qa_fold_1"]["test"]
    assert qa[0].mos is None and qa[0].answer == "Yes" and not qa[0].question.startswith("<image>")


def test_the_real_release_when_a_checkout_is_given() -> None:
    """Reads IntMeGroup/LMM4LMM itself when GENJUDGE_LMM4LMM_REPO points at a checkout."""
    import os

    checkout = os.environ.get("GENJUDGE_LMM4LMM_REPO")
    if not checkout:
        pytest.skip("set GENJUDGE_LMM4LMM_REPO to a checkout of IntMeGroup/LMM4LMM to read the real sheets")
    release = read_release(checkout)
    assert (len(release.prompts), len(release.ratings)) == (2100, 50400)
    assert release.shared_cells == list(range(1069, 1086))
    assert [m.index for m in release.prompt_mismatches] == [1371]
    assert len(release.generators()) == 24
