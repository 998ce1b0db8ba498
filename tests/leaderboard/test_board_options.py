"""Board options are remembered by the store folder, so ``serve``, ``submit``, ``work`` and ``show``
agree on the boards; an OpenING refusal names the release it checked and the options that change it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from genjudge.benchmarks.opening.sample import sample_output_dirs as sample_submissions
from genjudge.cli import app
from genjudge.leaderboard.config import BOARD_OPTIONS_FILE
from genjudge.leaderboard.service import LeaderboardConfig, LeaderboardService

runner = CliRunner()


def submit(store, *options: str):
    folder = sample_submissions()[0]
    args = ["leaderboard", "submit", str(folder), "--model", "M", "--store", str(store), "-b", "opening"]
    return runner.invoke(app, [*args, *(arg for option in options for arg in ("-o", option))])


def test_an_opening_refusal_names_the_release_it_checked_and_the_options_that_change_it(tmp_path):
    result = submit(tmp_path / "lb", "opening.split=dev")  # the sample outputs answer the test split

    assert result.exit_code == 1
    assert "is not one of the 4 instances of the release and split this board checks against" in result.output
    assert "checked against the opening-dev board: source=(the bundled sample), split=dev" in result.output
    assert "pass -o opening.source=... -o opening.split=..." in result.output


def test_a_store_opened_again_without_options_opens_the_boards_it_was_opened_with(tmp_path):
    store = tmp_path / "lb"
    assert submit(store, "opening.split=dev", "opening.seed=3").exit_code == 1
    assert json.loads((store / BOARD_OPTIONS_FILE).read_text())["opening"] == {
        "board_id": "opening-dev",
        "options": {"split": "dev", "seed": "3"},
    }

    again = submit(store)
    assert "opening: using the board options" in again.output
    assert "-o opening.split=dev -o opening.seed=3" in again.output
    assert "checked against the opening-dev board" in again.output

    service = LeaderboardService.from_config(LeaderboardConfig(store_dir=store, benchmarks=("opening",)))
    assert list(service.boards) == ["opening-dev"], "the Space and `serve` open the same board"
    assert service.boards["opening-dev"].seed == 3


def test_an_option_that_replaces_a_remembered_one_is_announced_and_remembered(tmp_path):
    store = tmp_path / "lb"
    submit(store, "opening.split=dev")

    switched = submit(store, "opening.split=test")
    assert switched.exit_code == 0, switched.output
    assert "-o opening.split=test replaces the remembered opening.split=dev" in switched.output
    assert json.loads((store / BOARD_OPTIONS_FILE).read_text())["opening"]["board_id"] == "opening-test"


def test_a_damaged_options_file_is_named_not_ignored(tmp_path):
    store = tmp_path / "lb"
    store.mkdir()
    (store / BOARD_OPTIONS_FILE).write_text('{"opening": {"options": "split=dev"}}')

    result = submit(store)
    assert result.exit_code == 2
    assert f"{store / BOARD_OPTIONS_FILE}: expected" in result.output and "fix or delete" in result.output
