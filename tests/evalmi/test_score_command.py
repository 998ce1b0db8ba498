"""`genjudge evalmi score`: a text-to-image model's generations for the EvalMi prompts, scored by a
(tiny, randomly initialised) LMM4LMM judge, cached, with bad folders refused before any scoring."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from genjudge.benchmarks.evalmi import sample_dir
from genjudge.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from support.random_internvl import save_random_checkpoint

    return save_random_checkpoint(tmp_path_factory.mktemp("judge") / "tiny-lmm4lmm")


@pytest.fixture
def generations(tmp_path):
    """A 'new model' whose images are one sample generator's, named as the release names them."""
    folder = tmp_path / "MyModel"
    shutil.copytree(sample_dir() / "Aurora-XL", folder)
    return folder


def score(*args):
    return runner.invoke(app, ["evalmi", "score", *map(str, args)])


def test_generations_are_scored_and_a_rerun_comes_from_the_cache(tmp_path, generations, checkpoint):
    out, cache = tmp_path / "scores.csv", tmp_path / "scores.sqlite"
    args = ["--images", generations, "--out", out, "--option", f"model={checkpoint}", "--cache", cache]
    first = score(*args, "--judge", "lmm4lmm-correspondence")
    assert first.exit_code == 0, first.output
    table = pd.read_csv(out)
    assert table["image_name"].tolist() == sorted(p.name for p in generations.iterdir())
    assert table["correspondence"].notna().all()
    again = score(*args, "--judge", "lmm4lmm-correspondence")
    assert f"({len(table)} rows from the cache)" in again.output
    pd.testing.assert_frame_equal(pd.read_csv(out), table)


def test_qa_asks_every_question_of_the_prompt(tmp_path, generations, checkpoint):
    out = tmp_path / "qa.csv"
    result = score(
        "--images", generations, "--out", out, "--option", f"model={checkpoint}", "--judge", "lmm4lmm-qa"
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"image_name", "question", "yes", "p_yes"} <= set(table.columns)
    assert table.groupby("image_name")["question"].max().min() >= 1


def test_a_folder_that_does_not_match_the_prompts_is_refused(tmp_path, generations, checkpoint):
    (generations / "1.png").write_bytes((generations / "001.png").read_bytes())
    result = score("--images", generations, "--out", tmp_path / "x.csv", "--option", f"model={checkpoint}")
    assert result.exit_code == 2 and "1.png" in result.output and "<NNN>.png" in result.output
    (generations / "1.png").unlink()
    (generations / "002.png").unlink()
    result = score("--images", generations, "--out", tmp_path / "x.csv", "--option", f"model={checkpoint}")
    assert result.exit_code == 2 and "002.png" in result.output and "--allow-partial" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_a_missing_checkpoint_says_what_to_download(tmp_path, generations):
    result = score(
        "--images", generations, "--out", tmp_path / "x.csv", "--option", f"model={tmp_path / 'nope'}"
    )
    assert result.exit_code == 2
    assert "hf download IntMeGroup/LMM4LMM-Perception" in " ".join(result.output.split())
