"""A built EvalMi-50K folder is a normal Hub dataset: every config loads with ``load_dataset``,
images come back as stored, and the card says how the release's irregularities were handled."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from datasets import load_dataset
from PIL import Image

from genjudge.benchmarks.evalmi import IMAGE_FEATURES, PROMPT_FEATURES, build_repo, sample_dir
from genjudge.benchmarks.evalmi.card import template_files

ROOT = Path(__file__).resolve().parents[2]


def test_every_config_round_trips(built_repo: Path) -> None:
    images = load_dataset(str(built_repo), split="test")
    assert images.num_rows == 24 and images.features == IMAGE_FEATURES
    prompts = load_dataset(str(built_repo), "prompts", split="test")
    assert prompts.num_rows == 1371 and prompts.features == PROMPT_FEATURES
    folds = {
        name: load_dataset(str(built_repo), name) for name in ("mos1_fold_1", "mos2_fold_1", "qa_fold_1")
    }
    assert {name: {s: d.num_rows for s, d in ds.items()} for name, ds in folds.items()} == {
        "mos1_fold_1": {"train": 15, "test": 9},
        "mos2_fold_1": {"train": 15, "test": 9},
        "qa_fold_1": {"train": 30, "test": 18},
    }


def test_image_rows_carry_prompt_task_ratings_and_aligned_answers(built_repo: Path) -> None:
    images = load_dataset(str(built_repo), split="test")
    row = images.filter(lambda r: r["image_name"] == "sd_v2-1/1069.png")[0]
    assert isinstance(row["image"], Image.Image) and row["image"].size == (8, 8)
    assert (row["generator"], row["prompt_index"], row["tag"]) == (
        "sd_v2-1",
        1069,
        "OCR + color_attr + single_object",
    )
    assert len(row["questions"]) == len(row["answers"]) == 4
    assert row["include"].startswith('[{"class": "cake"')
    assert isinstance(row["mos_perception"], float) and isinstance(row["mos_correspondence"], float)


def test_image_bytes_are_embedded_unchanged(built_repo: Path, fixture_release: Path) -> None:
    table = pq.read_table(next((built_repo / "data").glob("default-test-*.parquet")), columns=["image"])
    for cell in table.column("image").to_pylist():
        assert cell["bytes"] == (fixture_release / cell["path"]).read_bytes()


def test_card_header_and_text(built_repo: Path) -> None:
    text = (built_repo / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(text.split("---")[1])
    assert [c["config_name"] for c in header["configs"]] == [
        "default",
        "prompts",
        "mos1_fold_1",
        "mos2_fold_1",
        "qa_fold_1",
    ]
    assert "In 2 prompt(s) (1069, 1070)" in text
    assert "Prompt 1371 reads" in text and "The sheet's text is used" in text
    assert yaml.safe_load((built_repo / "eval.yaml").read_text())["tasks"][0]["id"] == "perception"


def test_missing_images_are_counted_and_stored_as_null(release_copy: Path, tmp_path: Path) -> None:
    for name in ("DALLE3/001.png", "DALLE3/1000.png", "sd_v2-1/999.png"):
        (release_copy / name).unlink()
    report = build_repo(release_copy, tmp_path / "out", progress=False)
    assert len(report.missing_images) == 3
    assert (
        report.missing_images.summary()
        == "3 image(s) missing: DALLE3/001.png, DALLE3/1000.png, sd_v2-1/999.png"
    )
    images = load_dataset(str(tmp_path / "out"), split="test")
    assert sum(row["image"] is None for row in images) == 3
    assert "3 rated image(s) were not found" in (tmp_path / "out" / "README.md").read_text()


def test_missing_images_can_be_refused_and_nothing_is_written(release_copy: Path, tmp_path: Path) -> None:
    (release_copy / "DALLE3" / "001.png").unlink()
    with pytest.raises(FileNotFoundError, match=re.escape("1 image(s) missing: DALLE3/001.png")):
        build_repo(release_copy, tmp_path / "out", progress=False, require_images=True)
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == [release_copy]  # no temporary folder left behind


def test_template_card_in_dataset_scripts_is_current() -> None:
    for name, text in template_files().items():
        assert (ROOT / "dataset_scripts" / "evalmi_50k" / name).read_text(encoding="utf-8") == text


def test_the_builder_class_prepares_every_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "dataset_scripts" / "evalmi_50k"))
    module = importlib.import_module("evalmi_50k")
    sizes = {}
    for config in ("default", "prompts", "qa_fold_1"):
        builder = module.EvalMi50K(config_name=config, data_dir=str(sample_dir()), cache_dir=str(tmp_path))
        builder.download_and_prepare()
        sizes[config] = {split: d.num_rows for split, d in builder.as_dataset().items()}
    assert sizes == {"default": {"test": 60}, "prompts": {"test": 12}, "qa_fold_1": {"train": 40, "test": 20}}
