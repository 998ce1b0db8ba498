"""`genjudge general-level score`: tables, JSON, margins and plots; bad input exits 2 with a message."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from genjudge.cli import app


def run(*args):
    return CliRunner().invoke(app, ["general-level", "score", *args])


def test_score_prints_tables_and_writes_json_margins_and_plots(fixtures, tmp_path):
    result = run(
        "--sota", str(fixtures / "sota.xlsx"),
        "--results", str(fixtures / "NoAudio-13B.xlsx"),
        "--bootstrap", "200",
        "--json", str(tmp_path / "score.json"),
        "--margins", str(tmp_path / "margins.csv"),
        "--plots", str(tmp_path / "plots"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "NoAudio-13B: Level-5 (genjudge's corrected rules)" in result.output
    assert "Per modality" in result.output and "Audio" in result.output
    document = json.loads((tmp_path / "score.json").read_text())
    assert document["model"] == "NoAudio-13B" and document["bootstrap_rounds"] == 200
    assert document["modalities"]["Audio"]["supported"] == 0
    assert (tmp_path / "margins.csv").read_text().splitlines()[0].startswith("sheet,task,metric,sota,value")
    for name in ("modalities.png", "levels.png"):
        assert (tmp_path / "plots" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_official_flag_prints_the_official_numbers(fixtures):
    result = run(
        "--sota", str(fixtures / "sota.xlsx"), "--results", str(fixtures / "Edges-1B.xlsx"), "--official"
    )
    assert result.exit_code == 0, result.output
    assert "official ranker.py rules" in result.output
    for printed in ("28.69", "42.93", "33.46", "20.19", "-13.16"):
        assert printed in result.output


def test_bad_input_exits_2_with_the_reason(fixtures, tmp_path):
    broken = tmp_path / "model.json"
    broken.write_text('{"model": "m", "results": [{"sheet": "NLP", "task": "Poetry", "score": 3}]}')
    result = run("--sota", str(fixtures / "sota.xlsx"), "--results", str(broken))
    assert result.exit_code == 2
    assert "task 'Poetry' is not in sheet 'NLP'" in result.output
    assert "Traceback" not in result.output


def test_swapped_sota_and_results_are_named_as_swapped(fixtures):
    result = run("--sota", str(fixtures / "NoAudio-13B.xlsx"), "--results", str(fixtures / "sota.xlsx"))
    assert result.exit_code == 2
    assert "--sota and --results look swapped" in result.output
    assert (
        f"--sota {fixtures / 'sota.xlsx'} --results {fixtures / 'NoAudio-13B.xlsx'}"
        in result.output.replace("\n", "")
    )


def test_a_results_sheet_that_is_not_a_sota_sheet_is_not_called_swapped(fixtures, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("model,sheet,task,metric,score\nX,NLP,Nothing,Acc,1\n")
    result = run("--sota", str(fixtures / "NoAudio-13B.xlsx"), "--results", str(other))
    assert result.exit_code == 2
    assert "swapped" not in result.output and "SoTA Performance" in result.output
