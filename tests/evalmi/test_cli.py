"""``genjudge evalmi report`` prints tables and writes JSON and plots; bad input exits with a message.
``build_dataset`` is the command the data group mounts as ``genjudge data build evalmi-50k``."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import typer
from typer.testing import CliRunner

from genjudge.benchmarks.evalmi import sample_dir
from genjudge.benchmarks.evalmi.cli import build_dataset
from genjudge.cli import app

runner = CliRunner()


def test_report_on_the_sample(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "evalmi", "report", "--scores", str(sample_dir() / "metric_scores.csv"), "--bootstrap", "100",
            "--by", "tag", "--json", str(tmp_path / "r.json"), "--plots", str(tmp_path / "plots"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Agreement with human MOS, 60 images" in result.output
    assert "Benchmark: the bundled EvalMi-50K sample, not the full release, 60 rated images" in result.output
    assert "Generators, perception" in result.output and "Aurora-XL" in result.output
    assert "SRCC / PLCC within each tag" in result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["board_row"]["images"] == 60
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "correspondence_ranking.png",
        "correspondence_scatter.png",
        "perception_ranking.png",
        "perception_scatter.png",
    ]


def test_report_official_mode_and_a_built_bench(built_repo: Path, tmp_path: Path) -> None:
    table = pq.read_table(next((built_repo / "data").glob("default-test-*")), columns=["image_name"])
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "image_name,perception\n"
        + "".join(f"{n},{i % 7}\n" for i, n in enumerate(table.column(0).to_pylist()))
    )
    result = runner.invoke(
        app,
        [
            "evalmi",
            "report",
            "--scores",
            str(scores),
            "--bench",
            str(built_repo),
            "--official",
            "--bootstrap",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "official (MOS as bfloat16)" in result.output
    assert f"Benchmark: the EvalMi-50K release at {built_repo}" in result.output


def test_report_refuses_a_bad_submission_with_exit_code_2(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("image_name,score\nAurora-XL/001.png,nan\n")
    result = runner.invoke(
        app, ["evalmi", "report", "--scores", str(scores), "--json", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "r.json").exists()  # nothing is written for a rejected submission
    assert "scores.csv:2, column 'score': score 'nan' is not finite" in result.output


def test_scores_for_another_release_are_refused_naming_the_bundled_sample_and_bench(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("image_name,score\nSD3/0001.png,3.5\n")

    result = runner.invoke(app, ["evalmi", "report", "--scores", str(scores)])

    assert result.exit_code == 2
    assert "'SD3/0001.png' is not an image of the benchmark" in result.output
    assert (
        "checked against the bundled EvalMi-50K sample, not the full release, 60 rated images"
        in result.output
    )
    assert "--bench PATH reads another release" in result.output


def test_scores_for_part_of_the_images_are_refused_pointing_at_allow_partial(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("image_name,score\nAurora-XL/001.png,3.5\nAurora-XL/002.png,2.5\n")

    refused = runner.invoke(app, ["evalmi", "report", "--scores", str(scores), "--bootstrap", "0"])
    assert refused.exit_code == 2
    assert "58 benchmark image(s) have no score" in refused.output
    assert "pass --allow-partial to score only the images the CSV has" in refused.output

    bad = runner.invoke(app, ["evalmi", "report", "--scores", str(scores.with_name("none.csv"))])
    assert bad.exit_code == 2 and "--allow-partial" not in bad.output


def test_build_dataset_command(fixture_release: Path, tmp_path: Path) -> None:
    data = typer.Typer()
    data.command("evalmi-50k")(build_dataset)
    data.command("other")(lambda: None)  # two commands, so typer keeps the sub-command name
    out = tmp_path / "repo"
    result = runner.invoke(data, ["evalmi-50k", "--source", str(fixture_release), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "default: test=24" in result.output and "Prompt 1371 differs" in result.output
    again = runner.invoke(data, ["evalmi-50k", "--source", str(fixture_release), "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
