"""Bad releases and bad submissions get one clear error naming file, sheet/line, row and column,
and nothing is written for a rejected build."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from genjudge.benchmarks.evalmi import (
    build_repo,
    evaluate_metric,
    load_ratings,
    parse_metric_submission,
    read_release,
)
from genjudge.safe_io import media
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.media import MediaLimits

MOS = "MOS&QA/AIGI2025_MOS_yn.xlsx"
QUESTIONS = "MOS&QA/question.xlsx"


def set_cell(path: Path, cell: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    book.active[cell] = value
    book.save(path)


def error_of(release: Path) -> str:
    with pytest.raises(FormatError) as caught:
        read_release(release)
    return str(caught.value)


def test_a_sheet_that_is_not_a_workbook(release_copy: Path) -> None:
    (release_copy / MOS).write_text("ImageName,MOS1\nDALLE3/001.png,50\n")
    assert re.match(r".*AIGI2025_MOS_yn\.xlsx: not a readable \.xlsx workbook", error_of(release_copy))


def test_a_missing_column_names_the_header_row(release_copy: Path) -> None:
    set_cell(release_copy / MOS, "B1", "Perception")
    assert "sheet 'Sheet1', row 1: missing column(s) ['MOS1']" in error_of(release_copy)


@pytest.mark.parametrize(
    ("cell", "value", "expected"),
    [
        ("A3", "DALLE3/0002.png", "row 3, column 'ImageName': 'DALLE3/0002.png' is not canonical"),
        (
            "A3",
            "DALLE3/001.png",
            "row 3, column 'ImageName': DALLE3/001.png is listed twice (first in row 2)",
        ),
        ("A3", "DALLE3/2000.png", "row 3, column 'ImageName': prompt 2000 does not exist"),
        ("B4", "high", "row 4, column 'MOS1': MOS 'high' is not a finite number"),
        ("D2", 2, "row 2, column 'Y/N': answer 2 is not 0 or 1"),
        ("E2", 1, "row 2, column 'Y/N': 2 answers (Y/N and YN_k) but prompt 1 has 1 questions"),
    ],
)
def test_bad_mos_rows_are_named(release_copy: Path, cell: str, value: object, expected: str) -> None:
    set_cell(release_copy / MOS, cell, value)
    assert expected in error_of(release_copy)


def test_an_empty_prompt_in_the_question_sheet(release_copy: Path) -> None:
    set_cell(release_copy / QUESTIONS, "A5", None)
    assert "question.xlsx, sheet 'Sheet1', row 5, column 'prompt': empty prompt" in error_of(release_copy)


def test_prompt_tasks_problems_name_the_line(release_copy: Path) -> None:
    path = release_copy / "prompts" / "prompt_tasks.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "{not json", *lines[2:]]) + "\n")
    assert "prompt_tasks.jsonl:2: invalid JSON" in error_of(release_copy)
    path.write_text("\n".join(lines[:-1]) + "\n")
    assert "1370 prompts, but MOS&QA/question.xlsx has 1371" in error_of(release_copy)


def test_a_fold_naming_an_unknown_image(release_copy: Path) -> None:
    path = release_copy / "data" / "test_AIGI_qa_fold_1.jsonl"
    path.write_text(path.read_text().replace("DALLE3/1069.png", "DALLE3/0042.png", 1))
    assert "test_AIGI_qa_fold_1.jsonl:1: image '/mnt/data/AIGI2025/G1/DALLE3/0042.png' is not in" in error_of(
        release_copy
    )


# A line of a release's JSONL file, and what its refusal names: the field (None: the line itself),
# the problem and the column.
HOSTILE_LINES = {
    "deep nesting": (b'{"tag": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", "tag[0]", "nested more than 64", 72),
    "a huge integer": (
        b'{"tag": "x", "prompt": ' + b"9" * 5_000 + b"}",
        "prompt",
        "an integer has 5,000",
        24,
    ),
    "NaN": (b'{"tag": "x", "prompt": "p", "mos": NaN}', "mos", "NaN is not valid JSON", 36),
    "a repeated key": (b'{"tag": "x", "tag": "y"}', "tag", "the key 'tag' is repeated", 14),
    "not UTF-8": (b'{"tag": "caf\xe9"}', None, "not UTF-8 text (byte 13 is 0xe9)", None),
}


@pytest.mark.parametrize("case", HOSTILE_LINES)
@pytest.mark.parametrize("file", ["prompts/prompt_tasks.jsonl", "data/test_AIGI_qa_fold_1.jsonl"])
def test_a_jsonl_line_past_the_json_limits_is_refused_by_line_and_field(
    release_copy: Path, file: str, case: str
) -> None:
    line, field, problem, column = HOSTILE_LINES[case]
    path = release_copy / file
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"\n".join([lines[0], line, *lines[2:]]) + b"\n")
    message = error_of(release_copy)
    where = f"{path}:2, column '{field}" if field else f"{path}:2: "
    assert message.startswith(where) and f"invalid JSON: {problem}" in message
    assert column is None or message.endswith(f"(column {column})")


def test_a_fold_mos_that_is_not_a_finite_number_is_refused(release_copy: Path) -> None:
    path = release_copy / "data" / "test_AIGI_mos1_fold_1.jsonl"
    text = path.read_text()
    assert '"mos": ' in text
    path.write_text(re.sub(r'"mos": [^,}]+', '"mos": "inf"', text, count=1))
    assert "test_AIGI_mos1_fold_1.jsonl:1, column 'mos': mos 'inf' is not a finite number" in error_of(
        release_copy
    )


def test_a_corrupt_image_stops_the_build_and_nothing_is_written(release_copy: Path, tmp_path: Path) -> None:
    (release_copy / "DALLE3" / "002.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(FormatError, match=r"DALLE3/002\.png: image is damaged or truncated"):
        build_repo(release_copy, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_a_decompression_bomb_is_refused(release_copy: Path, tmp_path: Path, monkeypatch) -> None:
    buffer = io.BytesIO()
    Image.new("1", (4000, 4000)).save(buffer, format="PNG")  # 16 Mpx in a few KB
    (release_copy / "DALLE3" / "003.png").write_bytes(buffer.getvalue())
    monkeypatch.setattr(media, "DEFAULT_LIMITS", MediaLimits(max_pixels=1_000_000))
    with pytest.raises(FormatError, match="4000x4000 pixels, above the limit of 1,000,000 pixels"):
        build_repo(release_copy, tmp_path / "out", progress=False)


@pytest.fixture(scope="module")
def ratings(fixture_release: Path):
    return load_ratings(fixture_release)


def csv_bytes(
    ratings, *, score=lambda i: 0.1 * i, extra: str = "", header: str = "image_name,score"
) -> bytes:
    lines = [header] + [f"{name},{score(i)}" for i, name in enumerate(ratings["image_name"])]
    return ("\n".join(lines) + "\n" + extra).encode()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: csv_bytes(r, extra="DALLE3/2100.png,0.5\n"),
            "<upload>:26, column 'image_name': 'DALLE3/2100.png'",
        ),
        (
            lambda r: csv_bytes(r, extra="DALLE3/001.png,0.5\n"),
            "<upload>:26, column 'image_name': DALLE3/001.png is",
        ),
        (
            lambda r: csv_bytes(r, score=lambda i: "nan" if i == 4 else i),
            "<upload>:6, column 'score': score 'nan'",
        ),
        (
            lambda r: csv_bytes(r, score=lambda i: "inf" if i == 0 else i),
            "<upload>:2, column 'score': score 'inf'",
        ),
        (
            lambda r: csv_bytes(r, score=lambda i: "good" if i == 1 else i),
            "<upload>:3, column 'score': 'good' is",
        ),
        (lambda r: csv_bytes(r, header="name,score"), "<upload>:1: no image_name column"),
        (lambda r: csv_bytes(r, header="image_name,quality"), "<upload>:1: no score column"),
        (lambda r: b"\xff\xfe\x00bad", "<upload>: not a UTF-8 CSV file"),
        (lambda r: csv_bytes(r.iloc[:20]), "<upload>: 4 benchmark image(s) have no score"),
    ],
)
def test_bad_submissions_are_refused_naming_line_and_column(ratings, mutate, expected) -> None:
    with pytest.raises(FormatError) as caught:
        parse_metric_submission(mutate(ratings), ratings)
    assert str(caught.value).startswith(expected)


def test_constant_predictions_are_refused_not_reported_as_nan(ratings) -> None:
    submission = parse_metric_submission(csv_bytes(ratings, score=lambda i: 0.5), ratings, file="flat.csv")
    with pytest.raises(FormatError, match=r"flat\.csv, column 'score': perception: all 24 predictions equal"):
        evaluate_metric(submission, ratings, bootstrap_rounds=0)


def test_qa_answers_must_match_the_questions(ratings) -> None:
    data = b"image_name,score,qa\nDALLE3/001.png,0.5,yes;no\n"
    with pytest.raises(FormatError, match="<upload>:2, column 'qa': 2 answer"):
        parse_metric_submission(data, ratings, allow_partial=True)
