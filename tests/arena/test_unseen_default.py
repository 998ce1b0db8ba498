"""``arena report --human`` splits agreement by the official unseen-model list unless told otherwise."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from genjudge.benchmarks.opening.judges_board import OFFICIAL_UNSEEN, parse_unseen
from genjudge.cli import app

runner = CliRunner()


def report(arena_dir, out, *options: str):
    return runner.invoke(
        app,
        [
            "arena",
            "report",
            str(arena_dir / "intjudge_rag-judge_modelAB_results.json"),
            "--human",
            str(arena_dir / "judge_modelAB_results.json"),
            "--bootstrap",
            "0",
            "--out",
            str(out),
            *options,
        ],
        env={"COLUMNS": "160"},
    )


def test_the_official_list_from_calculate_agreement_is_the_default(arena_dir, tmp_path):
    assert OFFICIAL_UNSEEN == ("anole", "GPT-4+DALL-E3", "SEED-LLaMA", "NExT-GPT")  # its own spelling
    result = report(arena_dir, tmp_path)
    assert result.exit_code == 0, result.output
    agreement = json.loads((tmp_path / "report.json").read_text())["agreement"]
    assert agreement["unseen_models"] == list(OFFICIAL_UNSEEN)
    assert "official calculate_agreement.py list" in result.output
    assert "'GPT-4+DALL-E3' is 'GPT-4o+DALL-E3' in the release" in result.output


def test_none_turns_the_split_off_and_names_replace_the_list(arena_dir, tmp_path):
    result = report(arena_dir, tmp_path / "none", "--unseen", "none")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "none" / "report.json").read_text())["agreement"]["unseen_models"] == []
    result = report(arena_dir, tmp_path / "z", "--unseen", "Z")
    assert json.loads((tmp_path / "z" / "report.json").read_text())["agreement"]["unseen_models"] == ["Z"]


def test_unseen_without_human_is_refused_but_the_default_is_not(arena_dir):
    judge = str(arena_dir / "intjudge_rag-judge_modelAB_results.json")
    assert runner.invoke(app, ["arena", "report", judge, "--bootstrap", "0"]).exit_code == 0
    refused = runner.invoke(app, ["arena", "report", judge, "--unseen", "Z", "--bootstrap", "0"])
    assert refused.exit_code == 2
    assert "--unseen only applies to agreement" in refused.output


def test_parse_unseen_reads_auto_none_and_lists():
    assert parse_unseen("AUTO", auto=("Drift-Gen",)) == ("Drift-Gen",)
    assert parse_unseen("none") == ()
    assert parse_unseen("a, b,,") == ("a", "b")
