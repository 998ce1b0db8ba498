"""From a model to a leaderboard row: ``genjudge generate`` and ``genjudge run`` on EvalMi-50K with a
tiny random diffusers pipeline and tiny random LMM4LMM judges (CPU, offline)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from genjudge.benchmarks.evalmi import sample_dir
from genjudge.benchmarks.evalmi.generated import read_generations
from genjudge.benchmarks.evalmi.release import read_release


@pytest.fixture(scope="module")
def tiny_judge(tmp_path_factory):
    from support.random_internvl import save_random_checkpoint

    return save_random_checkpoint(tmp_path_factory.mktemp("judge") / "tiny-lmm4lmm")


def genjudge(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "genjudge", *args], cwd=cwd, capture_output=True, text=True, timeout=1200
    )


def test_generate_writes_the_release_layout_and_resumes(tiny_pipeline_dir, tmp_path):
    first = genjudge(
        "generate",
        "evalmi-50k",
        "--model",
        str(tiny_pipeline_dir),
        "--name",
        "Tiny-SD",
        "--out",
        "gens",
        "--limit",
        "3",
        "-o",
        "steps=2",
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert "3 made, 0 already there, 0 failed of 3" in first.stdout
    assert sorted(p.name for p in (tmp_path / "gens" / "Tiny-SD").glob("*.png")) == [
        "001.png",
        "002.png",
        "003.png",
    ]
    again = genjudge(
        "generate",
        "evalmi-50k",
        "--model",
        str(tiny_pipeline_dir),
        "--name",
        "Tiny-SD",
        "--out",
        "gens",
        "-o",
        "steps=2",
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr
    total = len(read_release(sample_dir()).prompts)
    assert f"{total - 3} made, 3 already there, 0 failed of {total}" in again.stdout
    images = read_generations(tmp_path / "gens" / "Tiny-SD", read_release(sample_dir()).prompts)
    assert len(images) == total


def test_a_misspelt_option_or_kind_is_refused_before_anything_loads(tmp_path):
    misspelt = genjudge(
        "generate", "evalmi-50k", "--model", "x/y", "--out", "g", "-o", "stepz=2", cwd=tmp_path
    )
    assert misspelt.returncode == 2
    assert "unknown option(s) stepz" in misspelt.stderr and "steps" in misspelt.stderr
    wrong_kind = genjudge(
        "generate", "evalmi-50k", "--model", "x/y", "--out", "g", "--kind", "chat", cwd=tmp_path
    )
    assert wrong_kind.returncode == 2 and "diffusers, images-endpoint" in wrong_kind.stderr
    no_generation = genjudge("generate", "nope", "--model", "x/y", "--out", "g", cwd=tmp_path)
    assert no_generation.returncode == 2 and "evalmi-50k" in no_generation.stderr
    assert "Traceback" not in misspelt.stderr + wrong_kind.stderr + no_generation.stderr


@pytest.mark.slow
def test_run_puts_a_generated_model_on_the_evalmi_models_board(tiny_pipeline_dir, tiny_judge, tmp_path):
    ran = genjudge(
        "run",
        "evalmi-50k",
        "--model",
        str(tiny_pipeline_dir),
        "--name",
        "Tiny-SD",
        "-o",
        "steps=2",
        "--board-option",
        f"perception_model={tiny_judge}",
        "--board-option",
        f"correspondence_model={tiny_judge}",
        "--board-option",
        "device=cpu",
        "--store",
        "lb",
        "--push-eval-results",
        "--eval-dataset",
        "someone/EvalMi-50K",
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Tiny-SD on evalmi-models" in ran.stdout and "LMM4LMM" in ran.stdout
    result = json.loads(next((tmp_path / "lb" / "results").glob("*.json")).read_text())
    generation = json.loads(result["config"]["generation"])
    assert generation["generator"]["pipeline"] == "StableDiffusionPipeline"
    assert generation["seed_rule"] and "genjudge_version" in generation
    scores = result["results"]["evalmi-models"]
    entries = yaml.safe_load(next((tmp_path / "lb" / "eval_results").rglob("evalmi-50k.yaml")).read_text())
    assert [entry["dataset"]["task_id"] for entry in entries] == ["perception", "correspondence"]
    assert entries[0]["value"] == pytest.approx(scores["perception"], abs=1e-4)
    assert entries[0]["dataset"]["id"] == "someone/EvalMi-50K"


@pytest.mark.slow
def test_ray_actors_draw_the_same_images_as_one_process(tiny_pipeline_dir, tmp_path):
    pytest.importorskip("ray")
    from PIL import Image, ImageChops

    common = [
        "generate",
        "evalmi-50k",
        "--model",
        str(tiny_pipeline_dir),
        "--name",
        "Tiny-SD",
        "--limit",
        "4",
    ]
    local = genjudge(*common, "--out", "local", "-o", "steps=2", "--batch-size", "4", cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    spread = genjudge(
        *common, "--out", "ray", "-o", "steps=2", "--batch-size", "4", "--ray-actors", "2", cwd=tmp_path
    )
    assert spread.returncode == 0, spread.stderr
    assert "4 made, 0 already there, 0 failed of 4" in spread.stdout
    for name in ("001.png", "002.png", "003.png", "004.png"):
        one = Image.open(tmp_path / "local" / "Tiny-SD" / name).convert("RGB")
        two = Image.open(tmp_path / "ray" / "Tiny-SD" / name).convert("RGB")
        assert ImageChops.difference(one, two).getbbox() is None, name
    manifest = json.loads((tmp_path / "ray" / "Tiny-SD" / ".genjudge-manifest.json").read_text())
    assert manifest["generator"]["ray_actors"] == 2
