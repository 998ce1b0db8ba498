"""Scoring fixture predictions task by task and writing the official result-sheet layout."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from genjudge.benchmarks.general_level.bench import (
    EvaluationOptions,
    ReferenceIndex,
    evaluate_tree,
    read_reference_sheet,
    write_result_sheet,
)
from genjudge.benchmarks.general_level.bench.reference_sheet import SHEETS
from genjudge.safe_io.located_error import FormatError

FIXTURES = Path(__file__).parent / "fixtures"
RELEASE = FIXTURES / "General-Bench-Openset"
PREDICTIONS = FIXTURES / "predictions"
SOTA = FIXTURES / "sota_result.xlsx"


def scores_by_task(predictions: Path = PREDICTIONS, release: Path = RELEASE) -> dict:
    reference = ReferenceIndex(read_reference_sheet(SOTA))
    return {score.task: score for score in evaluate_tree(release, predictions, reference)}


def test_each_task_gets_its_metric_or_the_reason_it_has_none():
    scores = scores_by_task()
    values = {task: score.value for task, score in scores.items() if score.status == "scored"}
    assert values == {
        "Fruit Disease Recognition": pytest.approx(200 / 3),  # "Apple Scab" matches "apple scab"
        "Accent Classification": pytest.approx(50.0),
        "3D Accessory Classification": pytest.approx(100.0),
        "Commonsense Reasoning": pytest.approx(50.0),
        "Multi-Hop Question Answering": pytest.approx(100.0),
        "Time Series": pytest.approx(0.5),  # |4.5 - 4| and |"7.5" - 8|
        "Road Crack Detection": pytest.approx(100 * (8 / 9 + 3 / 4) / 2, rel=1e-5),
        # one pixel off by 10 in 3 channels in the first image, the second exact: MSE 300 / 288 values
        "Image Deraining": pytest.approx(10 * math.log10(255**2 / (3 * 10**2 / (2 * 8 * 6 * 3)))),
        "Sports Video Question Answering": scores["Sports Video Question Answering"].value,
        # success over the 21 thresholds: IoUs 1 and 1/7 -> 1 at t <= 0.1 (3), 1/2 up to 0.95 (17), 0 at 1
        "Ball Tracking": pytest.approx(100 * (3 + 17 / 2) / 21),
    }
    assert 40 < values["Sports Video Question Answering"] < 100
    assert scores["TextToSpeech"].status == "no predictions"


def test_result_sheet_has_the_official_layout_and_empty_unsupported_cells(tmp_path):
    reference = read_reference_sheet(SOTA)
    scores = evaluate_tree(RELEASE, PREDICTIONS, ReferenceIndex(reference))
    out = write_result_sheet(scores, reference, "tiny-model", tmp_path / "tiny-model_result.xlsx")
    workbook = load_workbook(out)
    assert workbook.sheetnames == list(SHEETS)
    nlp = list(workbook["NLP"].iter_rows(values_only=True))
    assert nlp[0] == ("No", "Task Name", "Task Short Name", "Metrics", "tiny-model")
    assert [row[1] for row in nlp[1:]] == [t.name for t in reference if t.sheet == "NLP"]  # the sheet's order
    assert nlp[1][4] == pytest.approx(50.0)
    assert nlp[4] == (99, "Text to SQL", "Text2SQL", "ACC", None)  # not in the release: empty
    audio = {row[1]: row[4] for row in workbook["Audio-Generation"].iter_rows(min_row=2, values_only=True)}
    assert audio == {"TextToSpeech": None}  # no predictions: unsupported


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value), encoding="utf-8")


@pytest.mark.parametrize(
    ("predictions", "message"),
    [
        (
            [{"id": 1, "prediction": "water"}, {"id": 2, "prediction": "heat"}, {"id": 7, "prediction": "x"}],
            r"Commonsense Reasoning/prediction.json, field 'id': ids not in the task: 7",
        ),
        (
            [{"id": 1, "prediction": "water"}, {"id": "1", "prediction": "heat"}],
            r"field 'id': duplicate prediction ids: 1",
        ),
        ([{"id": 1, "prediction": "water"}], r"1 of 2 records have no prediction: 2 \(pass --allow-missing"),
        ([{"id": 1, "answer": "water"}], r"record #0 \(id 1\), field 'prediction': missing"),
        ({"task": "Commonsense Reasoning"}, r"field 'data': expected a list"),
    ],
)
def test_bad_prediction_files_are_named(predictions_copy, predictions, message):
    write_json(predictions_copy / "nlp" / "Commonsense Reasoning" / "prediction.json", predictions)
    with pytest.raises(FormatError, match=message):
        scores_by_task(predictions_copy)


def test_non_numeric_prediction_for_a_numeric_metric_names_the_record(predictions_copy):
    write_json(
        predictions_copy / "nlp" / "Time Series" / "prediction.json",
        [{"id": "ts1", "prediction": 4.5}, {"id": "ts2", "prediction": "about eight"}],
    )
    with pytest.raises(
        FormatError,
        match=r"Time Series/prediction.json, record id ts2, field 'prediction': expected a number",
    ):
        scores_by_task(predictions_copy)


def test_generated_image_must_exist_and_stay_in_the_prediction_folder(predictions_copy):
    file = predictions_copy / "image" / "Generation" / "Image Deraining" / "prediction.json"
    write_json(
        file, [{"id": 1, "prediction": "out/1.png"}, {"id": 2, "prediction": "../../../../secret.png"}]
    )
    with pytest.raises(FormatError, match=r"record id 2, field 'prediction': path .* leaves the prediction"):
        scores_by_task(predictions_copy)


def test_missing_ids_can_be_allowed_and_then_only_predicted_records_count(predictions_copy):
    write_json(
        predictions_copy / "nlp" / "Commonsense Reasoning" / "prediction.json",
        [{"id": 2, "prediction": "heat"}],
    )
    reference = ReferenceIndex(read_reference_sheet(SOTA))
    scores = evaluate_tree(RELEASE, predictions_copy, reference, EvaluationOptions(allow_missing=True))
    (score,) = [s for s in scores if s.task == "Commonsense Reasoning"]
    assert (score.value, score.records) == (100.0, 1)


def test_predictions_next_to_the_annotations_are_the_default(release_copy):
    write_json(
        release_copy / "nlp" / "Time Series" / "prediction.json",
        [{"id": "ts1", "prediction": 4}, {"id": "ts2", "prediction": 8}],
    )
    reference = ReferenceIndex(read_reference_sheet(SOTA))
    scores = {s.task: s for s in evaluate_tree(release_copy, None, reference)}
    assert scores["Time Series"].value == 0.0
    assert scores["Commonsense Reasoning"].status == "no predictions"


def test_oversized_prediction_files_are_refused_unread(predictions_copy, monkeypatch):
    from genjudge.benchmarks.general_level.bench import predictions

    monkeypatch.setattr(predictions, "MAX_PREDICTION_BYTES", 10)
    with pytest.raises(FormatError, match=r"prediction.json: file is over the 0 MiB limit"):
        scores_by_task(predictions_copy)


def test_a_metric_library_refusing_the_inputs_is_reported_with_the_file(release_copy, tmp_path):
    task = release_copy / "nlp" / "Commonsense Reasoning"
    doc = json.loads((task / "annotation.json").read_text(encoding="utf-8"))
    doc["task"] = "Analogical Reasoning"  # an ACC task in the sheet below, scored here with AUC
    (task / "annotation.json").write_text(json.dumps(doc), encoding="utf-8")
    write_json(task / "prediction.json", [{"id": 1, "prediction": 0.9}, {"id": 2, "prediction": 0.2}])
    sheet = tmp_path / "auc.xlsx"
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in SHEETS:
        rows = workbook.create_sheet(name)
        rows.append(["No", "Task Name", "Task Short Name", "Metrics", "SoTA Performance"])
    workbook["NLP"].append([5, "Analogical Reasoning", "Analog Reason", "AUC", 50.0])
    workbook.save(sheet)
    doc["data"] = [{**r, "output": {"answer": "yes"}} for r in doc["data"]]  # one class only
    (task / "annotation.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(FormatError, match=r"roc_auc_score is undefined for these predictions \(it gave nan"):
        evaluate_tree(release_copy, None, ReferenceIndex(read_reference_sheet(sheet)))


def test_a_text_metric_never_compares_file_names(predictions_copy):
    # TextToSpeech is scored with WER, but its reference is an audio file: scoring needs a transcript
    task = predictions_copy / "audio" / "generation" / "TextToSpeech"
    task.mkdir(parents=True)
    write_json(task / "prediction.json", [{"id": 0, "prediction": "good morning"}])
    with pytest.raises(
        FormatError,
        match=r"record #0 \(id 0\), field 'output': is the media file 'audios/gt_0.wav'",
    ):
        scores_by_task(predictions_copy)
