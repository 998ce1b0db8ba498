"""General-Level through the generic leaderboard: a results sheet in, levels and scoped boards out,
bad sheets refused with nothing written — the same store, worker and board view as OpenING."""

from __future__ import annotations

import pytest
from leaderboard_helpers import opening_board, worker_for

from genjudge.benchmarks import load_spec
from genjudge.benchmarks.general_level.board import GeneralLevelBoard
from genjudge.benchmarks.general_level.reference import read_reference
from genjudge.benchmarks.general_level.sample import sample_reference_path, sample_results_paths
from genjudge.leaderboard.board import BoardView, competition_rank
from genjudge.leaderboard.store import FINISHED, LeaderboardStore
from genjudge.leaderboard.worker import Worker
from genjudge.safe_io.uploads import SubmissionError
from genjudge.scoring.general_level import score_general_level


@pytest.fixture
def board():
    return GeneralLevelBoard(read_reference(sample_reference_path()), bootstrap=100)


def test_sheets_in_every_format_are_scored_and_ranked_by_level(tmp_path, board):
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    for path in sample_results_paths():
        assert store.submit(path, board, model_name=path.stem).created
    Worker(store, {board.board_id: board}).run_until_empty()
    assert {r["status"] for r in store.requests()} == {FINISHED}
    table = BoardView(store, board.board_id, board.spec).table()
    assert table["Model"].tolist() == ["Aurora-Omni", "Harbor-Base", "Quill-Reader"]
    assert table["Level"].tolist() == [5, 5, 3]

    # The board's numbers are the scorer's own, for the same sheet and reference.
    from genjudge.benchmarks.general_level.results import read_results

    direct = score_general_level(read_results(sample_results_paths()[0], board.reference), board.reference)
    row = store.read_board(board.board_id).set_index("model").loc["Aurora-Omni"]
    assert row["level_2"] == pytest.approx(direct.levels["level_2"].score)
    assert row["level_score"] == pytest.approx(direct.levels["level_5"].score)
    result = store.result(store.requests()[0]["submission_id"])
    assert result["results"]["general-level"]["level"] == 5
    assert result["config"]["official"] is False


def test_scoped_boards_have_their_own_columns_and_order(tmp_path, board):
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    for path in sample_results_paths():
        store.submit(path, board, model_name=path.stem)
    Worker(store, {board.board_id: board}).run_until_empty()
    view = BoardView(store, board.board_id, board.spec)
    assert list(view.scopes) == [
        "Full spectrum",
        "Comprehension only",
        "Generation only",
        "Image",
        "Video",
        "Audio",
        "3D",
    ]
    image = view.table(scope="Image")
    assert "Image Level-4" in image.columns and "Level" not in image.columns
    assert image["Image Level-4"].tolist() == sorted(image["Image Level-4"], reverse=True)
    generation = view.table(scope="Generation only")
    assert generation.iloc[-1]["Model"] == "Quill-Reader"  # a comprehension-only model


def test_a_bad_sheet_is_refused_naming_the_row_and_nothing_is_written(tmp_path, board):
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    bad = tmp_path / "bad.csv"
    bad.write_text("sheet,task,score\nImage-Comprehension,No Such Task,50\n")
    with pytest.raises(SubmissionError, match="No Such Task") as error:
        store.submit(bad, board, model_name="Bad")
    assert str(tmp_path) not in str(error.value)  # the server's folders are not shown
    not_a_sheet = tmp_path / "notes.txt"
    not_a_sheet.write_text("hello")
    with pytest.raises(SubmissionError, match=r"General-Level takes one \.xlsx, \.csv or \.json file"):
        store.submit(not_a_sheet, board, model_name="Bad")
    assert store.requests() == []
    assert not (tmp_path / "lb" / "outputs").exists() or not any((tmp_path / "lb" / "outputs").iterdir())


def test_one_store_holds_both_benchmarks_boards(tmp_path, board, instances):
    from datasets import load_dataset

    opening = opening_board(instances)
    store = LeaderboardStore(tmp_path / "lb", boards=[opening, board])
    from leaderboard_helpers import make_zip

    store.submit(make_zip(tmp_path, "Alpha"), opening, model_name="Alpha")
    store.submit(sample_results_paths()[1], board, model_name="Alpha")  # names are per board
    Worker(store, {board.board_id: board, opening.board_id: opening}).run_until_empty()
    assert sorted(store.board_ids()) == ["general-level", "opening"]
    results = load_dataset(str(tmp_path / "lb"), "results", split="train", cache_dir=str(tmp_path / "hf"))
    by_board = {c["board"]: r for c, r in zip(results["config"], results["results"], strict=True)}
    assert by_board["general-level"]["general-level"]["level"] == 5
    assert by_board["general-level"]["opening"] is None
    assert by_board["opening"]["opening"]["battles"] == 0


def test_the_about_text_names_the_reference_and_the_rules(board):
    text = board.describe()
    assert "41 tasks" in text and "corrected rules" in text and "100 bootstrap rounds" in text


def test_board_options_are_declared_and_checked():
    spec = load_spec("general-level")
    with pytest.raises(ValueError, match="unknown option"):
        spec.open({"sota_sheet": "x.xlsx"})
    assert spec.open({"bootstrap": "10"}).bootstrap == 10


def test_equal_numbers_share_a_rank():
    import pandas as pd

    from genjudge.benchmarks.plugin import SortKey

    frame = pd.DataFrame({"a": [0.5, 0.9, 0.5, float("nan")], "b": [1.0, 0.0, 1.0, 2.0]})
    assert competition_rank(frame, (SortKey("a"), SortKey("b"))).tolist() == [2, 1, 2, 4]
    assert competition_rank(frame, (SortKey("a", descending=False),)).tolist() == [1, 3, 1, 4]


def test_worker_for_two_boards_only_claims_its_own(tmp_path, board, instances):
    opening = opening_board(instances)
    store = LeaderboardStore(tmp_path / "lb", boards=[opening, board])
    store.submit(sample_results_paths()[0], board, model_name="M")
    assert worker_for(store, instances).run_until_empty() == []  # serves only the OpenING board
    assert store.requests()[0]["status"] == "PENDING"


@pytest.mark.parametrize(
    ("benchmark", "option", "value", "says"),
    [
        ("opening", "seed", "abc", "must be an integer"),
        ("opening", "allow_missing_images", "yes", "must be 0 or 1"),
        ("general-level", "bootstrap", "1e3", "must be an integer"),
        ("evalmi-metrics", "official", "true", "must be 0 or 1"),
    ],
)
def test_a_bad_option_value_is_refused_naming_the_option(benchmark, option, value, says):
    with pytest.raises(ValueError, match=rf"{benchmark}: option '{option}' {says}, got '{value}'"):
        load_spec(benchmark).open({option: value})
