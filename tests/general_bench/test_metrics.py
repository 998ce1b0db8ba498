"""Each sheet metric on small cases worked out by hand, and the one table that maps names to them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from genjudge.benchmarks.general_level.bench import (
    METRICS,
    MetricUnavailableError,
    coverage,
    find_metric,
    markdown_table,
    read_reference_sheet,
)
from genjudge.benchmarks.general_level.bench import media_metrics as mm
from genjudge.benchmarks.general_level.bench import metric_functions as mf

SOTA = Path(__file__).parent / "fixtures" / "sota_result.xlsx"


def test_labels_accept_any_listed_answer():
    assert mf.accuracy(["a", "b", "x"], [["a"], ["c", "b"], ["y"]]) == pytest.approx(200 / 3)
    assert mf.balanced_accuracy(["a", "a", "b"], [["a"], ["b"], ["b"]]) == pytest.approx(75.0)


def test_micro_f1_over_label_sets():
    # tp = 1 (a), fp = 1 (b), fn = 1 (c): precision = recall = 1/2
    assert mf.micro_f1([["a", "b"]], [["a", "c"]]) == pytest.approx(50.0)


def test_squad_token_f1_and_exact_match_normalise_case_punctuation_and_articles():
    # "cat sat" against "cat sat down": precision 1, recall 2/3 -> F1 0.8
    assert mf.token_f1(["The cat sat"], [["a cat sat down"]]) == pytest.approx(80.0)
    assert mf.exact_match(["The Cat!", "dog"], [["cat"], ["wolf"]]) == pytest.approx(50.0)


def test_bleu_and_rouge():
    assert mf.bleu_1(["the cat sat on the mat"], [["the cat sat on the mat"]]) == pytest.approx(100.0)
    assert mf.bleu_4(["the cat sat on the mat"], [["the cat sat on the mat"]]) == pytest.approx(100.0)
    assert mf.rouge_1(["the cat"], [["the dog"]]) == pytest.approx(50.0)
    assert mf.rouge_l(["a b c"], [["x y", "a b c"]]) == pytest.approx(100.0)


def test_code_bleu_credits_the_same_syntax_and_data_flow():
    score = mf.code_bleu(["def add(x, y):\n    return x + y"], [["def add(a, b):\n    return a + b"]])
    # n-gram matches are low (renamed variables), syntax and data-flow matches are perfect
    assert 50.0 < score < 55.0
    assert mf.code_bleu(["return a + b"], [["return a + b"]]) == pytest.approx(100.0, abs=1e-6)


def test_wer_is_in_percent_like_the_sheet():
    assert mf.word_error_rate(["a b x d"], [["a b c d"]]) == pytest.approx(25.0)


def test_anls_thresholds_the_normalised_distance():
    assert mf.anls(["hallo", "zzzzz"], [["Hello"], ["hello"]]) == pytest.approx(40.0)  # (0.8 + 0) / 2


def test_errors_and_correlation():
    pred = [np.array([1.0, 5.0]), np.array([4.0])]
    ref = [np.array([2.0, 0.0]), np.array([4.0])]
    assert mf.mae(pred, ref) == pytest.approx(2.0)
    assert mf.mse(pred, ref) == pytest.approx(26 / 3)
    assert mf.rmse(pred, ref) == pytest.approx(math.sqrt(26 / 3))
    assert mf.abs_rel(pred, ref) == pytest.approx(0.25)  # the zero-depth pixel is left out
    assert mf.pearson([np.array([1.0, 2.0, 3.0])], [np.array([2.0, 4.0, 6.0])]) == pytest.approx(100.0)


def test_scores_against_binary_labels():
    assert mf.roc_auc([0.1, 0.9, 0.4, 0.8], [0, 1, 0, 1]) == pytest.approx(100.0)
    assert mf.average_precision([0.9, 0.8, 0.1], [1, 0, 1]) == pytest.approx(100 * (1 + 2 / 3) / 2)


def test_tracking_auc_is_the_area_under_the_success_plot():
    truth = np.array([[0, 0, 10, 10], [0, 0, 10, 10]])
    assert mm.tracking_auc([truth], [truth]) == pytest.approx(100 * 20 / 21)  # IoU 1 is not > 1
    half = np.array([[0, 0, 10, 10], [5, 0, 10, 10]])  # second frame: IoU 50 / 150
    assert mm.tracking_auc([half], [truth]) == pytest.approx(100 * (20 + 7) / 2 / 21)


def test_psnr_pools_the_squared_error_over_images():
    a = np.zeros((2, 2, 3), dtype=np.uint8)
    b = a.copy()
    b[0, 0, 0] = 10  # one of the 24 values is off by 10 -> MSE 100/24 over both pairs
    expected = 10 * math.log10(255**2 / (100 / 24))
    assert mm.psnr([b, a], [a, a]) == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="infinite"):
        mm.psnr([a], [a])


def test_mean_iou_and_dice_of_class_maps():
    ref = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 0, 0]])
    pred = np.array([[0, 0, 1, 1], [0, 0, 1, 0], [0, 0, 0, 0]])
    assert mm.mean_iou([pred], [ref]) == pytest.approx(100 * (8 / 9 + 3 / 4) / 2, rel=1e-5)
    assert mm.dice([ref], [ref]) == pytest.approx(100.0)


def test_box_ap_of_a_perfect_detector():
    boxes = {"boxes": [[0, 0, 10, 10], [20, 20, 30, 30]], "labels": [0, 1], "scores": [0.9, 0.8]}
    truth = {"boxes": boxes["boxes"], "labels": [0, 1]}
    assert mm.detection_map([boxes], [truth], iou=0.5) == pytest.approx(100.0)
    shifted = {**boxes, "boxes": [[0, 0, 10, 10], [25, 25, 35, 35]]}  # second box: IoU 25/175
    assert mm.detection_map([shifted], [truth], iou=0.5) == pytest.approx(50.0)
    assert mm.detection_map([shifted], [truth], iou=0.1) == pytest.approx(100.0)


def test_clip_score_without_weights_says_what_to_download(tmp_path):
    image = np.zeros((8, 8, 3), dtype=np.uint8)
    with pytest.raises(
        MetricUnavailableError, match=r"hf download openai/clip-vit-large-patch14.*--clip-model"
    ):
        mm.clip_score([image], ["a blue vase"], model=str(tmp_path / "no-clip-here"))


def test_fid_without_its_package_or_weights_says_what_to_get():
    image = np.zeros((8, 8, 3), dtype=np.uint8)
    with pytest.raises(MetricUnavailableError, match=r"weights-inception-2015-12-05-6726825d.pth"):
        mm.fid([image], [image])


def test_one_table_maps_every_spelling_of_the_sheet():
    assert find_metric("Acc") is find_metric("ACC") is find_metric(" acc ")
    assert find_metric("Rouge-L f") is find_metric("ROUGE-L")
    assert find_metric("CLIP score") is find_metric("CLIPScore")
    assert find_metric("BLEU-1") is find_metric("BLUE_1")
    assert find_metric("FVD") is None
    assert len({spec.key for spec in METRICS}) == len(METRICS)
    table = markdown_table()
    assert "| `Acc`, `ACC` | scikit-learn | `sklearn.metrics.accuracy_score` |" in table
    assert table.count("\n") == len(METRICS) + 1


def test_coverage_counts_tasks_by_metric_name():
    report = coverage(read_reference_sheet(SOTA))
    assert (report.covered, report.total) == (15, 16)
    assert dict(report.missing) == {"DINOScore": 1}
    assert report.lines()[0] == "15 of 16 tasks have an implemented metric"
