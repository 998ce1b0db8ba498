"""`genjudge leaderboard ...` on the embedded sample benchmark."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from genjudge.benchmarks.opening.sample import sample_output_dirs as sample_submissions
from genjudge.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["serve", "submit", "work", "status", "show", "options"])
def test_every_subcommand_has_help(command):
    result = runner.invoke(app, ["leaderboard", command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_submit_then_status_then_show(tmp_path):
    store = str(tmp_path / "lb")
    folder = sample_submissions()[0]
    result = runner.invoke(
        app, ["leaderboard", "submit", str(folder), "--model", "Sample-1", "--store", store]
    )
    assert result.exit_code == 0, result.output
    assert "Queued Sample-1" in result.output
    again = runner.invoke(app, ["leaderboard", "submit", str(folder), "--model", "Other", "--store", store])
    assert "already submitted as Sample-1" in again.output

    status = runner.invoke(app, ["leaderboard", "status", "--store", store])
    assert status.exit_code == 0 and "PENDING" in status.output and "Sample-1" in status.output
    show = runner.invoke(app, ["leaderboard", "show", "--store", store])
    assert "No board has been published yet" in show.output


def test_reading_commands_do_not_create_a_store(tmp_path):
    missing = tmp_path / "typo"
    for command in ("status", "show"):
        result = runner.invoke(app, ["leaderboard", command, "--store", str(missing)])
        assert result.exit_code == 1
        assert "is not a leaderboard folder" in result.output
    assert not missing.exists()


def test_board_options_are_checked_and_listed(tmp_path):
    listed = runner.invoke(app, ["leaderboard", "options"])
    assert "opening.split" in listed.output and "GENJUDGE_OPENING_SPLIT" in listed.output
    folder = sample_submissions()[0]
    result = runner.invoke(
        app,
        ["leaderboard", "submit", str(folder), "--model", "M", "--store", str(tmp_path), "-o", "spilt=dev"],
    )
    assert result.exit_code == 2
    assert "opening has no option 'spilt'" in result.output and "split" in result.output


def test_a_bad_submission_exits_with_the_reason(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"nope")
    result = runner.invoke(
        app, ["leaderboard", "submit", str(bad), "--model", "X", "--store", str(tmp_path / "lb")]
    )
    assert result.exit_code == 1
    assert "Refused: file 'bad.zip': not a readable zip archive" in result.output


def test_work_judges_the_queue_with_the_reference_judge(tmp_path):
    store = str(tmp_path / "lb")
    for folder in sample_submissions()[:2]:
        model = folder.name.removesuffix("_output")
        assert (
            runner.invoke(
                app, ["leaderboard", "submit", str(folder), "--model", model, "--store", store]
            ).exit_code
            == 0
        )
    result = runner.invoke(app, ["leaderboard", "work", "--store", store])
    assert result.exit_code == 0, result.output
    assert result.output.count("on opening-test: FINISHED") == 2
    show = runner.invoke(app, ["leaderboard", "show", "--store", store])
    assert "opening-test leaderboard" in show.output
    assert "Opened with the default options." in " ".join(show.output.split())
