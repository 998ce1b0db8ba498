"""Reading SoTA and result sheets: the three formats, and every kind of bad input refused clearly."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest

from genjudge.benchmarks.general_level import GeneralLevelFormatError, read_reference, read_results, workbook
from genjudge.benchmarks.general_level.sample import sample_reference_path, sample_results_paths
from genjudge.scoring.general_level import SHEETS, score_general_level, score_many


def edited(fixtures, tmp_path, name, edit):
    """A copy of fixture ``name`` changed by ``edit(workbook)``."""
    book = openpyxl.load_workbook(fixtures / name)
    edit(book)
    path = tmp_path / name
    book.save(path)
    return path


def test_the_official_layout_reads_with_the_model_column_found_or_named(fixtures, reference):
    found = read_results(fixtures / "Generalist-7B.xlsx", reference)
    named = read_results(fixtures / "Generalist-7B.xlsx", reference, model="generalist-7b")
    assert found.model == "Generalist-7B" and set(found.sheets) == set(SHEETS)
    assert (
        score_general_level(found, reference, bootstrap=0).levels
        == score_general_level(named, reference, bootstrap=0).levels
    )


def test_csv_json_and_xlsx_of_the_same_scores_score_the_same(fixtures, reference, tmp_path):
    sheet = read_results(fixtures / "NoAudio-13B.xlsx", reference)
    records = [
        {"sheet": name, "task": task, "score": None if value != value else float(value)}
        for name, scores in sheet.sheets.items()
        for task, value in zip(scores.tasks, scores.values, strict=True)
    ]
    (tmp_path / "m.json").write_text(json.dumps({"model": "NoAudio-13B", "results": records}))
    nested = {}
    for record in records:
        nested.setdefault(record["sheet"], {})[record["task"]] = record["score"]
    (tmp_path / "nested.json").write_text(json.dumps({"model": "NoAudio-13B", "scores": nested}))
    lines = ["sheet,task,score"] + [
        f'{r["sheet"]},"{r["task"]}",{"" if r["score"] is None else r["score"]}' for r in records
    ]
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = score_general_level(sheet, reference, bootstrap=0).levels
    for name in ("m.json", "nested.json", "m.csv"):
        results = read_results(tmp_path / name, reference)
        assert score_general_level(results, reference, bootstrap=0).levels == expected, name


def test_the_embedded_sample_scores_in_all_three_formats():
    reference = read_reference(sample_reference_path())
    table = score_many([read_results(path, reference) for path in sample_results_paths()], reference)
    assert list(table["model"]) == ["Aurora-Omni", "Harbor-Base", "Quill-Reader"]
    assert list(table["level"]) == [5, 5, 3]
    assert table["level_4"].is_monotonic_decreasing


def test_the_level_scores_sheet_is_skipped_and_said_so(fixtures, reference, tmp_path):
    path = edited(fixtures, tmp_path, "Reader-3B.xlsx", lambda book: book.create_sheet("level-scores"))
    score = score_general_level(read_results(path, reference), reference, bootstrap=0)
    assert "sheet 'level-scores' (the official ranker skips it too)" in score.notes


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda book: book.remove(book["Audio-Generation"]),
            r"missing \['Audio-Generation'\], unexpected \[\]",
        ),
        (lambda book: book.create_sheet("Image-Editing"), r"missing \[\], unexpected \['Image-Editing'\]"),
        (
            lambda book: book["NLP"].cell(row=3, column=5, value="n/a"),
            r"sheet 'NLP', cell E3 \(column 'Reader-3B'\): 'n/a' is not a number",
        ),
        (
            lambda book: book["NLP"].cell(row=4, column=5, value="inf"),
            r"sheet 'NLP', cell E4 \(column 'Reader-3B'\): 'inf' is not a finite score",
        ),
        (
            lambda book: book["3D-Generation"].cell(row=2, column=5, value="=1/0"),
            r"sheet '3D-Generation', cell E2: holds a formula",
        ),
        (
            lambda book: book["Video-Comprehension"].insert_rows(3),
            r"sheet 'Video-Comprehension', row 3: an empty row between data rows",
        ),
        (
            lambda book: book["Image-Generation"].cell(row=1, column=6, value="Other-Model"),
            r"cannot tell which column holds the model's scores \(found \['Other-Model', 'Reader-3B'\]\)",
        ),
    ],
    ids=["missing sheet", "extra sheet", "text", "inf", "formula", "empty row", "two models"],
)
def test_bad_workbooks_are_refused_naming_sheet_row_and_column(fixtures, reference, tmp_path, edit, message):
    path = edited(fixtures, tmp_path, "Reader-3B.xlsx", edit)
    with pytest.raises(GeneralLevelFormatError, match=message):
        read_results(path, reference)


def test_a_named_model_column_must_exist(fixtures, reference):
    with pytest.raises(GeneralLevelFormatError, match=r"sheet 'NLP': no column named 'Gemini'"):
        read_results(fixtures / "Reader-3B.xlsx", reference, model="Gemini")


def test_unknown_tasks_in_a_workbook_name_the_row(fixtures, reference, tmp_path):
    path = edited(
        fixtures, tmp_path, "Reader-3B.xlsx", lambda b: b["NLP"].cell(row=6, column=2, value="Poetry")
    )
    results = read_results(path, reference)
    with pytest.raises(
        GeneralLevelFormatError, match=r"sheet 'NLP', row 6, column 'Reader-3B \(E\)': task 'Poetry'"
    ):
        score_general_level(results, reference)


def test_files_that_are_not_workbooks_are_refused(reference, tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("model,score\n")
    with pytest.raises(GeneralLevelFormatError, match="not an Excel workbook"):
        read_results(text, reference)
    other_zip = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("photo.txt", "not a spreadsheet")
    with pytest.raises(GeneralLevelFormatError, match="not a readable Excel workbook"):
        read_results(other_zip, reference)
    (tmp_path / "model.txt").write_text("NLP Time Series 2.0")
    with pytest.raises(GeneralLevelFormatError, match=r"must be \.xlsx, \.csv or \.json"):
        read_results(tmp_path / "model.txt", reference)


def test_a_zip_bomb_is_refused_before_it_is_inflated(reference, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_UNCOMPRESSED_BYTES", 1_000_000)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)
    assert bomb.stat().st_size < 10_000
    with pytest.raises(
        GeneralLevelFormatError, match=r"would inflate to 2,000,000 bytes .* possible zip bomb"
    ):
        read_results(bomb, reference)


def test_bad_csv_and_json_name_the_line_or_record(reference, tmp_path):
    csv_path = tmp_path / "m.csv"
    csv_path.write_text("sheet,task,score\nNLP,Time Series,2.0\nNLP,Commonsense Reasoning,high\n")
    with pytest.raises(
        GeneralLevelFormatError, match=r"m\.csv, line 3, field 'score': 'high' is not a number"
    ):
        read_results(csv_path, reference)
    csv_path.write_text("sheet,name,value\nNLP,Time Series,2.0\n")
    with pytest.raises(GeneralLevelFormatError, match=r"missing \['task', 'score'\]"):
        read_results(csv_path, reference)
    json_path = tmp_path / "m.json"
    json_path.write_text('{"model": "m", "results": [{"sheet": "NLP", "task": "Time Series", "score": NaN}]}')
    with pytest.raises(
        GeneralLevelFormatError,
        match=r"m\.json: not valid JSON: NaN is not valid JSON .* "
        r"in field 'results\[0\]\.score' \(line 1, column 77\)",
    ):
        read_results(json_path, reference)
    json_path.write_text("{not json")
    with pytest.raises(GeneralLevelFormatError, match="not valid JSON"):
        read_results(json_path, reference)


def test_the_reference_reads_from_xlsx_csv_and_json_alike(fixtures, reference, tmp_path):
    tasks = reference.tasks[["sheet", "task", "short_name", "metric", "sota"]]
    tasks.to_csv(tmp_path / "sota.csv", index=False)
    (tmp_path / "sota.json").write_text(json.dumps(tasks.to_dict("records"), ensure_ascii=False))
    for name in ("sota.csv", "sota.json"):
        again = read_reference(tmp_path / name)
        assert again.tasks[["sheet", "task", "metric", "sota"]].equals(
            reference.tasks[["sheet", "task", "metric", "sota"]]
        )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda book: book.remove(book["NLP"]), r"missing \['NLP'\]"),
        (
            lambda book: book["NLP"].cell(row=2, column=5, value="SOTA"),
            r"sheet 'NLP', cell E2 \(column 'SoTA Performance'\): 'SOTA' is not a number",
        ),
        (
            lambda book: book["NLP"].cell(row=3, column=2, value="Commonsense Reasoning"),
            r"sheet 'NLP': task 'Commonsense Reasoning' appears twice \(rows 2 and 3\)",
        ),
        (
            lambda book: book["NLP"].cell(row=2, column=5, value=-3),
            r"sheet 'NLP', cell E2 .*-3 is negative, but 'ACC' cannot be",
        ),
        (
            lambda book: setattr(book["NLP"]["D2"], "value", None),
            r"sheet 'NLP', cell D2 \(column 'Metrics'\): the metric is empty",
        ),
        (lambda book: book["NLP"].delete_cols(5), r"sheet 'NLP': no column \['SoTA Performance'\]"),
    ],
    ids=["missing sheet", "text", "duplicate task", "negative", "no metric", "no SoTA column"],
)
def test_bad_reference_sheets_are_refused(fixtures, tmp_path, edit, message):
    with pytest.raises(GeneralLevelFormatError, match=message):
        read_reference(edited(fixtures, tmp_path, "sota.xlsx", edit))
