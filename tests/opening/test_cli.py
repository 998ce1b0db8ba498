"""The command line: `genjudge data build opening` and `genjudge demo`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from genjudge.cli import app
from genjudge.hub.errors import HubError

runner = CliRunner()


def flat(output: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(output.split())


@pytest.mark.parametrize("args", [["data", "--help"], ["data", "build", "--help"], ["demo", "--help"]])
def test_help_works(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_data_build_opening_writes_the_repo(release: Path, tmp_path: Path) -> None:
    out = tmp_path / "repo"
    result = runner.invoke(app, ["data", "build", "opening", "--source", str(release), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "dev=4, test=16" in flat(result.output)
    assert (out / "README.md").is_file()
    again = runner.invoke(app, ["data", "build", "opening", "--source", str(release), "--out", str(out)])
    assert again.exit_code == 2
    assert "--overwrite" in flat(again.output)
    overwritten = runner.invoke(
        app, ["data", "build", "opening", "--source", str(release), "--out", str(out), "--overwrite"]
    )
    assert overwritten.exit_code == 0, overwritten.output


def test_format_error_is_a_message_not_a_traceback(release: Path, tmp_path: Path) -> None:
    (release / "OpenING-benchmark" / "test_data.jsonl").write_text("{broken\n", encoding="utf-8")
    result = runner.invoke(
        app, ["data", "build", "opening", "--source", str(release), "--out", str(tmp_path / "repo")]
    )
    assert result.exit_code == 2
    assert "OpenING format error" in flat(result.output)
    assert "test_data.jsonl:1" in flat(result.output)
    assert "Traceback" not in result.output
    assert not (tmp_path / "repo").exists()


def test_push_to_hub_option_uploads_after_building(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pushed = []
    monkeypatch.setattr(
        "genjudge.hub.publish.push_to_hub",
        lambda folder, repo_id, token=None: pushed.append((folder, repo_id)) or "url",
    )
    out = tmp_path / "repo"
    args = ["data", "build", "opening", "--source", str(release), "--out", str(out), "--push-to-hub", "me/x"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert pushed == [(out, "me/x")]


def test_demo_builds_the_sample_and_shows_load_dataset(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "dev: 4, test: 16" in flat(result.output)
    assert "96x96" in result.output
    assert (tmp_path / "demo" / "opening-dataset" / "eval.yaml").is_file()


def test_failed_upload_is_explained_and_keeps_the_folder(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def offline(folder, repo_id, token=None):
        raise HubError("could not upload (OfflineModeIsEnabled: offline mode is enabled)")

    monkeypatch.setattr("genjudge.hub.publish.push_to_hub", offline)
    out = tmp_path / "repo"
    args = ["data", "build", "opening", "--source", str(release), "--out", str(out), "--push-to-hub", "me/x"]
    result = runner.invoke(app, args)
    assert result.exit_code == 3
    assert "Upload to me/x failed" in flat(result.output)
    assert "Traceback" not in result.output
    assert (out / "README.md").is_file()
