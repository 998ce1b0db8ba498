"""`genjudge judge pairs` when the outputs or a pairs file do not fit the loaded split.

Real official output folders (`gen_outputs/<Model>_output/` of LanceZPF/OpenING) hold a couple of
instances each and share few or none; official pairs files name eleven models. These tests make
the same situations from the embedded sample.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from genjudge.benchmarks.opening import read_benchmark, read_model_outputs, sample_dir
from genjudge.benchmarks.opening.pair_jobs import Battle, BattleError, common_instances, sort_battles
from genjudge.cli import app

SAMPLE = sample_dir()
WIDE = {"COLUMNS": "250"}


def _outputs_of(tmp_path, model: str, uids: list[str]):
    """A copy of the sample model's output folder that answers only ``uids``."""
    source = SAMPLE / "gen_outputs" / f"{model}_output"
    folder = tmp_path / f"{model}_output"
    folder.mkdir()
    for uid in uids:
        for path in source.glob(f"{uid}*"):
            shutil.copy(path, folder / path.name)
    return folder


def _judge(tmp_path, folders, *extra: str):
    args = ["judge", "pairs", "--benchmark", str(SAMPLE), "--option", "embedder=lexical"]
    for folder in folders:
        args += ["--outputs", str(folder)]
    return CliRunner().invoke(app, [*args, "--out", str(tmp_path / "verdicts.json"), *extra], env=WIDE)


def _pair(uid: str, a: tuple[str, str], b: tuple[str, str]) -> dict:
    return {"data_id": uid, "model_A": {"id": a[0], "name": a[1]}, "model_B": {"id": b[0], "name": b[1]}}


def test_models_that_share_no_instance_are_named_with_what_each_answered(tmp_path):
    aurora = _outputs_of(tmp_path, "Aurora-Interleave", ["0101001", "0101002", "0301004", "0602007"])
    drift = _outputs_of(tmp_path, "Drift-Gen", ["0801010"])
    result = _judge(tmp_path, [aurora, drift])
    assert result.exit_code == 2, result.output
    assert "no instance of the test split has outputs from two of the models" in result.output
    assert "Aurora-Interleave: 4 test instances answered (0101001, 0101002, 0301004, …), of 4 outputs" in (
        result.output
    )
    assert "Drift-Gen: 1 test instance answered (0801010), of 1 output read" in result.output
    assert "no uids given" not in result.output
    assert not (tmp_path / "verdicts.json").exists()


def test_when_only_some_models_overlap_the_error_says_which(tmp_path):
    folders = [
        _outputs_of(tmp_path, "Aurora-Interleave", ["0101001", "0301004"]),
        _outputs_of(tmp_path, "Drift-Gen", ["0101001"]),
        _outputs_of(tmp_path, "Mosaic-Base", ["0301004"]),
    ]
    result = _judge(tmp_path, folders)
    assert result.exit_code == 2, result.output
    assert "no instance of the test split has outputs from all 3 models" in result.output
    assert "Aurora-Interleave and Drift-Gen: 1 instance (0101001)" in result.output
    assert "Aurora-Interleave and Mosaic-Base: 1 instance (0301004)" in result.output
    assert "Drift-Gen and Mosaic-Base" not in result.output


def test_outputs_of_another_split_are_counted_as_not_answering_this_one(tmp_path):
    folders = [SAMPLE / "gen_outputs" / f"{model}_output" for model in ("Aurora-Interleave", "Drift-Gen")]
    result = _judge(tmp_path, folders, "--split", "dev")
    assert result.exit_code == 2, result.output
    assert "Aurora-Interleave: 0 dev instances answered, of 16 outputs read" in result.output


PAIRS = [
    _pair("0101001", ("0", "Aurora-Interleave"), ("1", "Drift-Gen")),
    _pair("0301004", ("1", "Drift-Gen"), ("0", "Aurora-Interleave")),
    _pair("0101101", ("0", "Aurora-Interleave"), ("1", "Drift-Gen")),  # a dev instance
    _pair("0602007", ("0", "Aurora-Interleave"), ("7", "gill")),  # no outputs given for gill
]


def test_a_pairs_file_reaching_outside_the_loaded_data_fails_with_counts_by_default(tmp_path):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps(PAIRS))
    folders = [SAMPLE / "gen_outputs" / f"{model}_output" for model in ("Aurora-Interleave", "Drift-Gen")]
    result = _judge(tmp_path, folders, "--pairs", str(pairs))
    assert result.exit_code == 2, result.output
    assert (
        "2 of 4 battles cannot be judged with what was loaded: 1 on instances not in the test split "
        "(0101101); 1 with a model whose outputs were not given (gill 1)"
    ) in result.output
    assert "Pass --outside skip to judge the other 2" in result.output
    assert not (tmp_path / "verdicts.json").exists()


def test_skip_judges_the_rest_and_prints_how_many_were_left_out(tmp_path):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps(PAIRS))
    folders = [SAMPLE / "gen_outputs" / f"{model}_output" for model in ("Aurora-Interleave", "Drift-Gen")]
    result = _judge(tmp_path, folders, "--pairs", str(pairs), "--outside", "skip")
    assert result.exit_code == 0, result.output
    assert "note: skipping" in result.output and "2 of 4 battles cannot be judged" in result.output
    verdicts = json.loads((tmp_path / "verdicts.json").read_text())
    assert [v["data_id"] for v in verdicts] == ["0101001", "0301004"]


def test_skip_still_fails_when_nothing_is_left(tmp_path):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps(PAIRS[2:]))
    folders = [SAMPLE / "gen_outputs" / f"{model}_output" for model in ("Aurora-Interleave", "Drift-Gen")]
    result = _judge(tmp_path, folders, "--pairs", str(pairs), "--outside", "skip")
    assert result.exit_code == 2 and "None is left to judge." in result.output


def test_battles_are_sorted_by_the_first_reason_that_applies():
    instances = read_benchmark(SAMPLE, "test")
    outputs = {
        "Aurora-Interleave": read_model_outputs(SAMPLE / "gen_outputs" / "Aurora-Interleave_output"),
        "Drift-Gen": [
            o
            for o in read_model_outputs(SAMPLE / "gen_outputs" / "Drift-Gen_output")
            if o.total_uid != "0301004"
        ],
    }
    battles = [
        Battle("0101001", "Aurora-Interleave", "Drift-Gen", "0", "1"),
        Battle("0301004", "Aurora-Interleave", "Drift-Gen", "0", "1"),
        Battle("9999999", "Aurora-Interleave", "gill", "0", "7"),
        Battle("0602007", "gill", "Drift-Gen", "7", "1"),
    ]
    coverage = sort_battles(instances, outputs, battles)
    assert coverage.judgeable == battles[:1]
    assert coverage.output_missing == battles[1:2]
    assert coverage.outside_split == battles[2:3]  # outside the split comes before the missing model
    assert coverage.model_not_given == battles[3:]
    assert coverage.unjudgeable == 3
    assert common_instances(instances, outputs)[:3] == ["0101001", "0101002", "0101003"]
    with pytest.raises(BattleError, match="need outputs of at least two models"):
        common_instances(instances, {"Drift-Gen": outputs["Drift-Gen"]})
