"""General-Level workbooks with cells that are not what they claim to be, refused by sheet and cell.

openpyxl converts each cell as it reads it: a cell marked as a number that holds a word, a date
that is none, a true/false that is neither, or a reference to shared text the workbook lacks each
raised inside openpyxl with neither sheet nor cell named, and reached the user as a traceback. Each
case here spoils one cell of a good results workbook in its XML, as a hand-made or hostile file
would, and is refused the same way through the reader, the CLI and the leaderboard store.
"""

from __future__ import annotations

import datetime
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from genjudge.benchmarks.general_level import GeneralLevelFormatError, read_reference, read_results
from genjudge.benchmarks.general_level.board import GeneralLevelBoard
from genjudge.cli import app
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.safe_io.uploads import SubmissionError

FIXTURES = Path(__file__).parents[1] / "general_level" / "fixtures"
RESULTS = "Reader-3B.xlsx"  # sheet NLP: B is "Task Name", E the model's scores, rows 2-6 hold tasks
MARK = 4321.125  # a score written where a case then puts its own cell

# The XML of cell E3 of sheet NLP (or B3, the task name), and what the refusal says about it.
BAD_CELLS = {
    "a word in a number cell": ('<c r="E3"><v>n/a</v></c>', "cell E3: is marked as a number but holds 'n/a'"),
    "a decimal comma": ('<c r="E3" t="n"><v>91,5</v></c>', "cell E3: is marked as a number but holds '91,5'"),
    "a true/false that is neither": ('<c r="E3" t="b"><v>yes</v></c>', "cell E3: is marked as true/false"),
    "a date that is no date": ('<c r="E3" t="d"><v>31/02/2024</v></c>', "cell E3: is marked as a date"),
    "missing shared text": ('<c r="E3" t="s"><v>99999</v></c>', "cell E3: refers to shared text '99999'"),
    "a shared text index that is a word": ('<c r="E3" t="s"><v>x</v></c>', "cell E3: refers to shared text"),
    "an Excel error": ('<c r="E3" t="e"><v>#DIV/0!</v></c>', "cell E3: holds the Excel error #DIV/0!"),
    "a not-available error": ('<c r="E3" t="e"><v>#N/A</v></c>', "cell E3: holds the Excel error #N/A"),
    "a formula": ('<c r="E3"><f>1/0</f><v>1</v></c>', "cell E3: holds a formula"),
    "a style number that is a word": ('<c r="E3" s="x"><v>1</v></c>', "cell E3: its style number 'x'"),
    "a broken cell reference": ('<c r="3E"><v>1</v></c>', "in row 3: the cell reference '3E' is not one"),
    "true in a score cell": (
        '<c r="E3" t="b"><v>1</v></c>',
        "cell E3 (column 'Reader-3B'): True is not a score",
    ),
    "text in a score cell": (
        '<c r="E3" t="inlineStr"><is><t>high</t></is></c>',
        "cell E3 (column 'Reader-3B'): 'high' is not a number",
    ),
    "a number past the double range": (
        '<c r="E3"><v>1e999</v></c>',
        "cell E3 (column 'Reader-3B'): inf is not a finite score",
    ),
    "a number as the task name": (
        '<c r="E3"><v>1</v></c><c r="B3"><v>7</v></c>',
        "cell B3 (column 'Task Name'): the task name must be text, not 7",
    ),
}


def spoiled(tmp_path: Path, cell_xml: str, edit: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    """The results fixture with cell E3 of sheet NLP written as ``cell_xml`` in the sheet's XML."""
    book = openpyxl.load_workbook(FIXTURES / RESULTS)
    book["NLP"]["E3"].value = MARK
    if edit is not None:
        edit(book)
    good = tmp_path / "good.xlsx"
    book.save(good)
    path = tmp_path / RESULTS
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if f"<v>{MARK}</v>".encode() in data:
                data, count = re.subn(rb'<c r="E3"[^>]*><v>[^<]*</v></c>', cell_xml.encode(), data)
                assert count == 1
            target.writestr(item, data)
    return path


def with_sheet_xml(tmp_path: Path, change: Callable[[bytes], bytes]) -> Path:
    """The results fixture with the XML of sheet NLP changed by ``change``."""
    path = spoiled(tmp_path, f'<c r="E3"><v>{MARK}</v></c>')
    data = {item.filename: zipfile.ZipFile(path).read(item) for item in zipfile.ZipFile(path).infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in data.items():
            target.writestr(name, change(content) if f"<v>{MARK}</v>".encode() in content else content)
    return path


@pytest.fixture(scope="module")
def reference():
    return read_reference(FIXTURES / "sota.xlsx")


def score_cli(results: Path):
    return CliRunner().invoke(
        app, ["general-level", "score", "--sota", str(FIXTURES / "sota.xlsx"), "--results", str(results)]
    )


def assert_one_clean_line(result, expected: str) -> None:
    """Exit 2 with one line on the terminal naming the file, sheet and place; never a traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert RESULTS in lines[0] and "sheet 'NLP'" in lines[0] and expected in lines[0]


@pytest.mark.parametrize("case", BAD_CELLS)
def test_a_spoiled_cell_is_refused_naming_the_sheet_and_the_cell(
    tmp_path: Path, reference, case: str
) -> None:
    cell_xml, expected = BAD_CELLS[case]
    path = spoiled(tmp_path, cell_xml)
    with pytest.raises(GeneralLevelFormatError) as caught:
        read_results(path, reference)
    assert f"{path}, sheet 'NLP', " in str(caught.value) and expected in str(caught.value)


@pytest.mark.parametrize("case", BAD_CELLS)
def test_the_cli_refuses_a_spoiled_cell_in_one_line_with_exit_2(tmp_path: Path, case: str) -> None:
    cell_xml, expected = BAD_CELLS[case]
    assert_one_clean_line(score_cli(spoiled(tmp_path, cell_xml)), expected)


@pytest.mark.parametrize("case", BAD_CELLS)
def test_the_store_refuses_a_spoiled_cell_by_file_sheet_and_cell(
    tmp_path: Path, reference, case: str
) -> None:
    cell_xml, expected = BAD_CELLS[case]
    board = GeneralLevelBoard(reference, bootstrap=0)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    with pytest.raises(SubmissionError) as caught:
        store.submit(spoiled(tmp_path, cell_xml), board, model_name="Reader-3B")
    message = str(caught.value)
    assert caught.value.file == RESULTS and "sheet 'NLP'" in message and expected in message
    assert str(tmp_path) not in message
    assert store.requests() == []


def test_a_date_in_a_score_cell_is_refused_as_a_date(tmp_path: Path, reference) -> None:
    def date_in_e4(book: openpyxl.Workbook) -> None:
        book["NLP"]["E4"].value = datetime.datetime(2024, 3, 1)

    path = spoiled(tmp_path, f'<c r="E3"><v>{MARK}</v></c>', date_in_e4)
    with pytest.raises(
        GeneralLevelFormatError, match=r"sheet 'NLP', cell E4 \(column 'Reader-3B'\): holds a date"
    ):
        read_results(path, reference)
    assert_one_clean_line(score_cli(path), "cell E4 (column 'Reader-3B'): holds a date or time (2024-03-01")


def test_a_spoiled_cell_in_the_sota_sheet_is_refused_the_same_way(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(FIXTURES / "sota.xlsx")
    book["NLP"]["E3"].value = "#REF!"  # openpyxl stores an error code as an error cell
    sota = tmp_path / "sota.xlsx"
    book.save(sota)
    result = CliRunner().invoke(
        app, ["general-level", "score", "--sota", str(sota), "--results", str(FIXTURES / RESULTS)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "sota.xlsx, sheet 'NLP', cell E3: holds the Excel error #REF!" in result.output


def test_broken_sheet_xml_is_refused_naming_the_sheet(tmp_path: Path, reference) -> None:
    for change, expected in (
        (lambda xml: xml.replace(b"</sheetData>", b"</sheetDat>"), "not readable after row"),
        (lambda xml: xml.replace(b'<row r="4"', b'<row r="four"', 1), "not readable after row 3"),
    ):
        path = with_sheet_xml(tmp_path, change)
        with pytest.raises(GeneralLevelFormatError, match=f"sheet 'NLP': {expected}"):
            read_results(path, reference)
        assert_one_clean_line(score_cli(path), expected)


def test_a_sheet_claiming_a_huge_size_costs_what_it_holds(tmp_path: Path, reference) -> None:
    good = read_results(spoiled(tmp_path, f'<c r="E3"><v>{MARK}</v></c>'), reference)
    forged = with_sheet_xml(
        tmp_path, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    )
    started = time.monotonic()
    assert read_results(forged, reference).sheets["NLP"].tasks == good.sheets["NLP"].tasks
    assert time.monotonic() - started < 60  # padded to its claim, it would be 17 billion cells

    stray = with_sheet_xml(
        tmp_path,
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        ),
    )
    with pytest.raises(GeneralLevelFormatError, match=r"sheet 'NLP': the cells spread from A1 to XFD1048576"):
        read_results(stray, reference)
