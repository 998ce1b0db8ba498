"""``genjudge arena report`` on the fixture files: tables, CSV/JSON, PNGs and clean errors."""

from __future__ import annotations

import json

import pandas as pd
from PIL import Image
from typer.testing import CliRunner

from genjudge.cli import app

runner = CliRunner()


def test_report_writes_tables_files_and_plots(arena_dir, tmp_path):
    out, plots = tmp_path / "out", tmp_path / "plots"
    result = runner.invoke(
        app,
        [
            "arena",
            "report",
            str(arena_dir / "intjudge_rag-judge_modelAB_results.json"),
            "--human",
            str(arena_dir / "judge_modelAB_results.json"),
            "--unseen",
            "Z",
            "--out",
            str(out),
            "--plots",
            str(plots),
            "--bootstrap",
            "50",
            "--seed",
            "1",
        ],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    assert "Judge–human agreement" in result.output
    assert "60.00%" in result.output  # FDT agreement over the five shared pairs
    rates = pd.read_csv(out / "win_rates.csv", index_col="model")
    # The judge file: X wins 0101001, 0101003 (Tie(B)) and 0101007, loses 0101004 and 0101005.
    assert rates.loc["X", "fdt"] == 0.6
    report = json.loads((out / "report.json").read_text())
    assert report["agreement"]["counts"]["matched"] == 5
    assert report["settings"] == {"bootstrap": 50, "seed": 1, "interval": "bootstrap", "sort": "fdt"}
    assert {row["model"] for row in report["ratings"]} == {"X", "Y", "Z"}
    for name in ("win_rate_heatmap.png", "ratings.png"):
        with Image.open(plots / name) as image:
            image.verify()
            assert image.format == "PNG"
            assert image.size[0] > 300


def test_report_without_human_has_no_agreement(arena_dir):
    result = runner.invoke(
        app, ["arena", "report", str(arena_dir / "judge_modelAB_results.json"), "--bootstrap", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "agreement" not in result.output


def test_bad_inputs_give_messages_not_tracebacks(arena_dir, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "data_id": "1",
                    "model_A": {"id": "0", "name": "X"},
                    "model_B": {"id": "1", "name": "Y"},
                    "winner": "draw",
                }
            ]
        )
    )
    result = runner.invoke(app, ["arena", "report", str(bad)])
    assert result.exit_code == 2
    assert "record 0 (data_id=1) field 'winner' is 'draw'" in result.output
    assert "Traceback" not in result.output

    result = runner.invoke(app, ["arena", "report", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "file not found" in result.output

    result = runner.invoke(
        app,
        [
            "arena",
            "report",
            str(arena_dir / "judge_modelAB_results.json"),
            "--anchor",
            "nobody",
            "--bootstrap",
            "0",
        ],
    )
    assert result.exit_code == 2 and "anchor model 'nobody'" in result.output

    result = runner.invoke(
        app, ["arena", "report", str(arena_dir / "judge_modelAB_results.json"), "--unseen", "Z"]
    )
    assert result.exit_code == 2 and "give --human too" in result.output


def test_help_works_for_every_arena_command():
    for args in (["arena", "--help"], ["arena", "report", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_report_says_its_sort_and_why_ranks_repeat(arena_dir):
    verdicts = str(arena_dir / "judge_modelAB_results.json")
    by_fdt = runner.invoke(app, ["arena", "report", verdicts, "--bootstrap", "20"], env={"COLUMNS": "200"})
    assert by_fdt.exit_code == 0, by_fdt.output
    assert "sorted by FDT win rate (the official OpenING order)" in by_fdt.output
    assert "95% interval (bootstrap)" in by_fdt.output
    assert "share a rank" in by_fdt.output
    by_bt = runner.invoke(
        app, ["arena", "report", verdicts, "--sort", "bt", "--interval", "sandwich"], env={"COLUMNS": "200"}
    )
    assert by_bt.exit_code == 0, by_bt.output
    assert "sorted by BT rating" in by_bt.output and "95% interval (sandwich)" in by_bt.output
    bad = runner.invoke(app, ["arena", "report", verdicts, "--sort", "elo"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
