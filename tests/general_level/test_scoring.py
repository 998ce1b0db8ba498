"""genjudge's corrected General-Level scoring, rule by rule, on the synthetic SoTA sheet."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from support.general_level_synthetic import synthetic_values

from genjudge.scoring.general_level import (
    SHEETS,
    GeneralLevelFormatError,
    Results,
    model_level,
    score_general_level,
    score_many,
)
from genjudge.scoring.general_level.metrics import metric_key


def scored(reference, records, **options):
    options.setdefault("bootstrap", 0)
    return score_general_level(Results.from_records("m", records), reference, **options)


def margin(score, task):
    row = score.margins.loc[score.margins["task"] == task].iloc[0]
    return row


def every_task(reference, value_of):
    """Records for every reference task, the score given by ``value_of(task row)``."""
    return [
        {"sheet": row.sheet, "task": row.task, "score": value_of(row)}
        for row in reference.tasks.itertuples(index=False)
    ]


def test_metric_names_match_after_dropping_glosses_spacing_and_case():
    assert metric_key("CD (Chamfer Distance)") == "CD"
    assert metric_key("RTE ( Relative Translation Error)") == "RTE"
    assert metric_key(" rouge-L   f") == "ROUGE-L F"


def test_chamfer_distance_and_rte_are_normalised_as_errors(reference):
    score = scored(
        reference,
        [
            {"sheet": "3D-Generation", "task": "3D Point Cloud Completion", "score": 0.1},
            {"sheet": "3D-Comprehension", "task": "3D Odometry", "score": 0.6},
        ],
    )
    chamfer = margin(score, "3D Point Cloud Completion")
    assert chamfer["model_score"] == pytest.approx(100 * math.tanh(1 / 0.1 / 2))
    assert chamfer["win"]  # 0.1 < 0.217: a smaller distance beats the specialist
    odometry = margin(score, "3D Odometry")
    assert not odometry["win"]  # 0.6 > 0.55
    assert 0 < odometry["model_score"] < odometry["sota_score"]


def test_wer_is_read_in_percent_and_lower_is_better(reference):
    score = scored(reference, [{"sheet": "Audio-Generation", "task": "TextToSpeech", "score": 4.0}])
    row = margin(score, "TextToSpeech")
    assert row["model_score"] == pytest.approx(96.0)
    assert row["sota_score"] == pytest.approx(94.4)
    assert row["win"] and row["margin"] == pytest.approx(1.6)


def test_a_perfect_zero_error_scores_100_and_wins(reference):
    score = scored(reference, [{"sheet": "Image-Comprehension", "task": "Crowd Counting", "score": 0.0}])
    row = margin(score, "Crowd Counting")
    assert row["model_score"] == 100.0 and row["win"] and row["supported"]


def test_scores_are_clipped_to_0_100(reference):
    score = scored(
        reference,
        [
            {"sheet": "Audio-Generation", "task": "TextToSpeech", "score": 250.0},
            {"sheet": "Image-Comprehension", "task": "Human Action Recognition", "score": 130.0},
        ],
    )
    assert margin(score, "TextToSpeech")["model_score"] == 0.0
    assert margin(score, "Human Action Recognition")["model_score"] == 100.0


def test_a_missing_value_is_unsupported_and_never_a_win(reference):
    score = scored(reference, [{"sheet": "Audio-Generation", "task": "TextToSpeech", "score": None}])
    row = margin(score, "TextToSpeech")
    assert not row["supported"] and not row["win"] and math.isnan(row["margin"])
    assert score.wins == 0 and score.supported == 0
    assert score.level == 1 and all(value.score == 0 for value in score.levels.values())


def test_a_saturated_fid_that_is_worse_is_not_a_win(reference):
    # FID 40.1 (the specialist) against 40.2: both normalise to almost the same score; raw decides.
    score = scored(reference, [{"sheet": "3D-Generation", "task": "Image-to-3D Generation", "score": 40.2}])
    assert not margin(score, "Image-to-3D Generation")["win"]


def test_nlp_rmse_is_normalised_on_both_sides(reference):
    better = scored(reference, [{"sheet": "NLP", "task": "Time Series", "score": 2.0}])
    worse = scored(reference, [{"sheet": "NLP", "task": "Time Series", "score": 3.0}])
    assert margin(better, "Time Series")["win"] and not margin(worse, "Time Series")["win"]
    assert margin(worse, "Time Series")["sota_score"] == pytest.approx(100 * math.tanh(5 / 2.31 / 2))


def test_levels_follow_the_definitions(reference):
    ties = scored(reference, every_task(reference, lambda row: row.sota))
    image = ties.modalities["Image"]
    assert image.level_2 == pytest.approx((image.comprehension + image.generation) / 2)
    assert image.level_3 == pytest.approx(image.level_2)  # every task ties, so every task counts
    c, g = image.comprehension_level_3, image.generation_level_3
    assert image.level_4 == pytest.approx(2 * c * g / (c + g))
    mean_l4 = np.mean([part.level_4 for part in ties.modalities.values()])
    assert ties.levels["level_4"].score == pytest.approx(mean_l4)
    assert ties.levels["level_5"].score == pytest.approx(mean_l4 * ties.nlp.score / 100)
    assert ties.level == 5 and ties.wins == ties.supported == len(reference)


def test_a_comprehension_only_model_stops_at_level_3(reference):
    records = every_task(reference, lambda row: row.sota if row.sheet.endswith("Comprehension") else None)
    score = scored(reference, records)
    assert score.levels["level_3"].score > 0
    assert score.levels["level_4"].score == 0 and score.levels["level_5"].score == 0
    assert score.level == 3
    scopes = score.scope_scores()
    assert scopes["generation_level_2"] == 0
    assert scopes["comprehension_level_3"] == pytest.approx(2 * score.levels["level_3"].score)


def test_an_absent_modality_counts_zero_in_the_mean(reference):
    with_audio = scored(reference, every_task(reference, lambda row: row.sota))
    without = scored(
        reference, every_task(reference, lambda row: None if row.sheet.startswith("Audio") else row.sota)
    )
    audio = with_audio.modalities["Audio"].level_2
    assert without.modalities["Audio"].level_2 == 0
    assert without.levels["level_2"].score == pytest.approx(with_audio.levels["level_2"].score - audio / 4)


def test_the_level_is_the_highest_positive_one():
    assert model_level([10.0, 5.0, 0.0, 0.0]) == 3
    assert model_level([10.0, 5.0, 2.0, 1.0]) == 5
    assert model_level([0.0, 0.0, 0.0, 0.0]) == 1
    assert model_level([-3.0, 0.0, 0.0, 0.0]) == 1


def test_rows_are_matched_by_name_in_any_order_and_spelling(reference):
    records = every_task(reference, lambda row: row.sota)
    shuffled = [dict(record, task=f"  {record['task'].upper()} ") for record in reversed(records)]
    original = scored(reference, records)
    assert scored(reference, shuffled).levels == original.levels
    assert (
        scored(
            reference, [{"sheet": "Audio-Generation", "task": "SpeechTranslation (zh-to-en)", "score": 5.0}]
        ).supported
        == 1
    )


def test_unknown_and_duplicate_tasks_are_errors_naming_the_record(reference):
    with pytest.raises(
        GeneralLevelFormatError,
        match=r"sheet 'Image-Generation', record 1, column 'score': task 'Image Dehazing' is not in",
    ):
        scored(reference, [{"sheet": "Image-Generation", "task": "Image Dehazing", "score": 3.0}])
    twice = [{"sheet": "NLP", "task": "Time Series", "score": 2.0}] * 2
    with pytest.raises(
        GeneralLevelFormatError,
        match=r"record 2, column 'score': task 'Time Series' appears twice \(also record 1\)",
    ):
        scored(reference, twice)


def test_a_metric_that_disagrees_with_the_reference_is_an_error(reference):
    record = {"sheet": "NLP", "task": "Time Series", "score": 2.0, "metric": "MAE"}
    with pytest.raises(GeneralLevelFormatError, match=r"metric 'MAE'.*scores that task with 'RMSE'"):
        scored(reference, [record])
    assert scored(reference, [dict(record, metric="rmse")]).supported == 1


def test_negative_values_only_where_the_metric_can_be_negative(reference):
    with pytest.raises(GeneralLevelFormatError, match="-1 is negative, but 'Acc' cannot be"):
        scored(reference, [{"sheet": "3D-Comprehension", "task": "3D Accessory Classification", "score": -1}])
    assert (
        scored(
            reference, [{"sheet": "Audio-Generation", "task": "PopMusicGeneration", "score": -5}]
        ).supported
        == 1
    )


def test_unknown_sheets_and_non_finite_scores_are_errors(reference):
    with pytest.raises(
        GeneralLevelFormatError, match=r"sheets \['Image-Editing'\] are not in the SoTA sheet"
    ):
        scored(reference, [{"sheet": "Image-Editing", "task": "x", "score": 1}])
    for bad in (math.inf, math.nan, "abc", True):
        with pytest.raises(GeneralLevelFormatError, match="record 1, field 'score'"):
            scored(reference, [{"sheet": "NLP", "task": "Time Series", "score": bad}])


def test_official_mode_pairs_by_position_and_needs_every_sheet(reference):
    with pytest.raises(GeneralLevelFormatError, match="sheet 'Image-Comprehension' is missing"):
        scored(reference, [{"sheet": "NLP", "task": "Time Series", "score": 2.0}], official=True)
    renamed = [
        dict(record, task=f"task {i}") for i, record in enumerate(every_task(reference, lambda row: row.sota))
    ]
    assert scored(reference, renamed, official=True).supported > 0  # names are never looked at
    with pytest.raises(GeneralLevelFormatError, match="pairs rows by position"):
        scored(reference, every_task(reference, lambda row: row.sota)[1:], official=True)


def test_official_mode_refuses_the_nlp_rmse_that_divides_by_zero(reference):
    records = every_task(reference, lambda row: 0.0 if row.task == "Time Series" else None)
    with pytest.raises(GeneralLevelFormatError, match="divide by zero"):
        scored(reference, records, official=True)


def test_official_mode_refuses_what_the_official_ranker_crashes_on(reference):
    records = every_task(reference, lambda row: -0.2 if row.metric == "MS-SSIM" else None)
    assert scored(reference, records).supported == 1  # MS-SSIM lies in [-1, 1]
    with pytest.raises(GeneralLevelFormatError, match="negative MS-SSIM fails the official ranker's assert"):
        scored(reference, records, official=True)


def test_bootstrap_intervals_are_seeded_and_bracket_the_score(reference):
    values = synthetic_values(reference, np.random.default_rng(5))
    records = [
        {"sheet": row.sheet, "task": row.task, "score": None if np.isnan(v) else v}
        for row, v in zip(reference.tasks.itertuples(index=False), values, strict=True)
    ]
    first = scored(reference, records, bootstrap=300, seed=3)
    again = scored(reference, records, bootstrap=300, seed=3)
    other = scored(reference, records, bootstrap=300, seed=4)
    assert first.levels == again.levels and first.levels != other.levels
    for value in first.levels.values():
        assert value.lower <= value.score <= value.upper
        assert value.upper - value.lower > 0


def test_score_many_agrees_with_scoring_one_at_a_time(reference):
    rng = np.random.default_rng(1)
    many = []
    for index in range(4):
        values = synthetic_values(reference, rng, profile="weak" if index % 2 else "generalist")
        records = [
            {"sheet": row.sheet, "task": row.task, "score": None if np.isnan(v) else v}
            for row, v in zip(reference.tasks.itertuples(index=False), values, strict=True)
        ]
        many.append(Results.from_records(f"m{index}", records))
    for official in (False, True):
        table = score_many(many, reference, official=official, bootstrap=200, seed=9)
        for results, row in zip(many, table.itertuples(index=False), strict=True):
            single = score_general_level(results, reference, official=official, bootstrap=200, seed=9)
            summary = single.summary_row()
            for name in (
                "level",
                "level_2",
                "level_5",
                "level_3_lower",
                "level_4_upper",
                "supported",
                "wins",
            ):
                assert getattr(row, name) == pytest.approx(summary[name])


def test_the_result_is_json_ready_and_has_a_flat_summary_row(reference):
    score = scored(reference, every_task(reference, lambda row: row.sota), bootstrap=50)
    document = json.loads(json.dumps(score.to_dict()))
    assert document["level"] == 5 and len(document["margins"]) == len(reference)
    assert set(document["modalities"]) == {"Image", "Video", "Audio", "3D"}
    row = score.summary_row()
    assert {
        "level",
        "level_2",
        "level_2_lower",
        "level_5_upper",
        "audio_generation",
        "3d_level_4",
        "supported",
        "wins",
    } <= set(row)
    assert all(not isinstance(value, (dict, list)) for value in row.values())


def test_absent_sheets_are_listed_in_the_notes(reference):
    score = scored(reference, [{"sheet": "NLP", "task": "Time Series", "score": 2.0}])
    assert len(score.notes) == len(SHEETS) - 1
    assert "sheet 'Image-Comprehension' absent: its 6 tasks count as unsupported" in score.notes
