"""Every reader's format error prints the same way: file and line, the places inside the file in
the format's own words, then the field or column, then the reason."""

from pathlib import Path

from genjudge.safe_io.located_error import FormatError


def test_a_spreadsheet_problem_names_sheet_row_and_column() -> None:
    error = FormatError("MOS 'x' is not a finite number", file="MOS.xlsx", sheet="AIGI", row=7, column="MOS1")
    assert str(error) == "MOS.xlsx, sheet 'AIGI', row 7, column 'MOS1': MOS 'x' is not a finite number"
    assert (error.field, error.row, error.reason) == ("MOS1", 7, "MOS 'x' is not a finite number")


def test_a_json_problem_names_line_instance_and_field() -> None:
    error = FormatError(
        "required field is missing",
        file=Path("test_data.jsonl"),
        line=3,
        total_uid="0101001",
        field="conversations",
    )
    assert (
        str(error) == "test_data.jsonl:3, total_uid 0101001, field 'conversations': required field is missing"
    )
    assert error.total_uid == "0101001"


def test_a_record_of_a_verdict_file_names_its_index_and_data_id() -> None:
    error = FormatError("no output", file="v.json", record=4, data_id="0101001", field="model_A")
    assert str(error) == "v.json, record 4, data_id 0101001, field 'model_A': no output"


def test_without_a_place_the_reason_stands_alone() -> None:
    assert str(FormatError("the folder holds no task")) == "the folder holds no task"
