"""`genjudge judge pairs` on the embedded OpenING sample, writing official verdict JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from genjudge.benchmarks.opening import sample_dir
from genjudge.benchmarks.opening.pair_jobs import BattleError, read_pairs_file
from genjudge.cli import app

MODELS = ["Aurora-Interleave", "Drift-Gen", "Mosaic-Base", "Quill-TextOnly"]
PAIRS = [
    {
        "data_id": "0101001",
        "model_A": {"id": "0", "name": "Aurora-Interleave"},
        "model_B": {"id": "1", "name": "Drift-Gen"},
    },
    {
        "data_id": "0301004",
        "model_A": {"id": "2", "name": "Mosaic-Base"},
        "model_B": {"id": "3", "name": "Quill-TextOnly"},
    },
    {
        "data_id": "0602007",
        "model_A": {"id": "1", "name": "Drift-Gen"},
        "model_B": {"id": "2", "name": "Mosaic-Base"},
    },
]


def _args(tmp_path, *extra: str) -> list[str]:
    sample = sample_dir()
    args = ["judge", "pairs", "--benchmark", str(sample)]
    for model in MODELS:
        args += ["--outputs", str(sample / "gen_outputs" / f"{model}_output")]
    return [*args, "--out", str(tmp_path / "verdicts.json"), *extra]


def test_judges_given_pairs_into_the_official_verdict_format_and_reuses_the_cache(tmp_path):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps(PAIRS))
    cache = tmp_path / "verdicts.sqlite"
    runner = CliRunner()
    args = _args(tmp_path, "--pairs", str(pairs), "--cache", str(cache), "--option", "embedder=lexical")
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    verdicts = json.loads((tmp_path / "verdicts.json").read_text())
    assert [{k: v for k, v in record.items() if k != "winner"} for record in verdicts] == PAIRS
    assert all(record["winner"] in ("A", "B", "Tie(A)", "Tie(B)") for record in verdicts)
    assert "3 verdicts computed, 0 reused" in first.output

    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "0 verdicts computed, 3 reused" in again.output
    assert json.loads((tmp_path / "verdicts.json").read_text()) == verdicts


def test_bad_inputs_are_reported_without_a_traceback(tmp_path):
    runner = CliRunner()
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps([{**PAIRS[0], "model_B": {"id": "9", "name": "Nobody"}}]))
    result = runner.invoke(app, _args(tmp_path, "--pairs", str(pairs)))
    assert result.exit_code == 2, result.output
    assert "1 with a model whose outputs were not given (Nobody 1)" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, _args(tmp_path, "--judge", "oracle"), env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "'oracle' is not one of 'reference', 'intjudge', 'api'" in result.output
    result = runner.invoke(app, _args(tmp_path, "--option", "embeder=lexical"))
    assert result.exit_code == 2 and "does not take option(s) embeder; it accepts:" in result.output


def test_pairs_file_errors_name_the_record_and_field(tmp_path):
    path = tmp_path / "pairs.json"
    path.write_text(
        json.dumps([PAIRS[0], {"data_id": "1", "model_A": {"id": "0"}, "model_B": PAIRS[0]["model_B"]}])
    )
    with pytest.raises(BattleError, match=r"record 1 field model_A\.name is missing"):
        read_pairs_file(path)
    path.write_text("{not json")
    with pytest.raises(BattleError, match="not valid JSON"):
        read_pairs_file(path)


def test_without_a_pairs_file_pairs_are_sampled_for_instances_every_model_answered(tmp_path):
    pytest.importorskip(
        "genjudge.scoring.pairs", reason="pair sampling arrives with the arena scoring module"
    )
    runner = CliRunner()
    args = _args(
        tmp_path, "--seed", "3", "--option", "embedder=lexical", "--cache", str(tmp_path / "v.sqlite")
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    verdicts = json.loads((tmp_path / "verdicts.json").read_text())
    assert len(verdicts) >= 2
    assert {v["model_A"]["name"] for v in verdicts} | {v["model_B"]["name"] for v in verdicts} <= set(MODELS)
    assert all(v["model_A"]["name"] != v["model_B"]["name"] for v in verdicts)
    ids = {name: str(number) for number, name in enumerate(MODELS)}
    assert all(v["model_A"]["id"] == ids[v["model_A"]["name"]] for v in verdicts)
    again = runner.invoke(app, args)
    assert (
        json.loads((tmp_path / "verdicts.json").read_text()) == verdicts
    )  # seeded: same pairs, same verdicts
    assert "0 verdicts computed" in again.output
