"""Building the Hub-ready dataset repository from the fixture tree and loading it back."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import datasets
import pytest
from datasets import Image, List

from genjudge.benchmarks.general_level.bench import build_repo
from genjudge.benchmarks.general_level.bench.card import template_files
from genjudge.safe_io.located_error import FormatError

FIXTURES = Path(__file__).parent / "fixtures"
RELEASE = FIXTURES / "General-Bench-Openset"
SOTA = FIXTURES / "sota_result.xlsx"
REPO_ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "general-bench"
    build_repo(RELEASE, out, SOTA, progress=False)
    return out


def load(repo: Path, config: str) -> datasets.Dataset:
    dataset = datasets.load_dataset(str(repo), config, split="test")
    for column in ("input_images", "output_images"):
        dataset = dataset.cast_column(column, List(Image(decode=False)))
    return dataset


def test_one_config_per_modality_and_paradigm(built):
    card = (built / "README.md").read_text(encoding="utf-8")
    for config in (
        "nlp",
        "image_comprehension",
        "image_generation",
        "video_comprehension",
        "audio_generation",
    ):
        assert f"config_name: {config}" in card
    assert sorted(p.name for p in (built / "data").iterdir())[0] == "3d_comprehension-00000-of-00001.parquet"
    assert "id: 3d_generation" in (built / "eval.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("config", "task_folder", "record_id", "side", "files"),
    [
        (
            "image_comprehension",
            "Image/comprehension/Fruit Disease Recognition",
            "fruit_2",
            "input",
            ["images/2.png"],
        ),
        ("image_generation", "image/Generation/Image Deraining", "1", "output", ["clean/1.png"]),
        (
            "video_comprehension",
            "Video/Comprehension/Ball Tracking",
            "clip1",
            "input",
            ["frames/clip1/00001.png", "frames/clip1/00002.png"],
        ),
    ],
)
def test_images_round_trip_byte_for_byte(built, config, task_folder, record_id, side, files):
    rows = [r for r in load(built, config) if r["task_folder"] == task_folder and r["id"] == record_id]
    (row,) = rows
    stored = row[f"{side}_images"]
    assert [image["path"] for image in stored] == files
    for image, name in zip(stored, files, strict=True):
        assert image["bytes"] == (RELEASE / task_folder / name).read_bytes()


@pytest.mark.parametrize(
    ("config", "task_folder", "side", "kind", "name"),
    [
        (
            "audio_comprehension",
            "audio/comprehension/AccentClassification",
            "input",
            "audio",
            "audios/s2.wav",
        ),
        ("audio_generation", "audio/generation/TextToSpeech", "output", "audio", "audios/gt_0.wav"),
        (
            "video_comprehension",
            "Video/Comprehension/Sports Video Question Answering",
            "input",
            "video",
            "video/b.mp4",
        ),
        ("3d_comprehension", "3D/comprehension/3D Accessory Classification", "input", "3d", "pcd/hat.ply"),
        (
            "3d_generation",
            "3d/Generation/Text to 3D Living and Arts Mesh Generation",
            "output",
            "3d",
            "mesh/vase.obj",
        ),
    ],
)
def test_audio_video_and_3d_round_trip_as_raw_bytes(built, config, task_folder, side, kind, name):
    files = [
        f for row in load(built, config) if row["task_folder"] == task_folder for f in row[f"{side}_files"]
    ]
    (stored,) = [f for f in files if f["path"] == name]
    assert stored["kind"] == kind
    assert stored["bytes"] == (RELEASE / task_folder / name).read_bytes()


def test_input_output_metric_and_sota_are_joined(built):
    rows = {(row["task"], row["id"]): row for row in load(built, "nlp")}
    row = rows["Commonsense Reasoning", "1"]
    assert (row["id"], row["metric"], row["sota"], row["sheet"]) == ("1", "ACC", 83.33, "NLP")
    assert json.loads(row["input"])["options"] == ["water", "trees"]
    assert json.loads(row["output"]) == {"answer": "water"}
    audio = load(built, "audio_comprehension")[0]
    assert (audio["task"], audio["task_short_name"], audio["sota"]) == (
        "AccentClassification",
        "Accent Recog",
        75.2,
    )


def test_images_decode_to_pil(built):
    row = datasets.load_dataset(str(built), "image_generation", split="test")[0]
    assert row["output_images"][0].size == (8, 6)


def test_missing_media_is_refused_naming_the_record(release_copy, tmp_path):
    (release_copy / "audio" / "comprehension" / "AccentClassification" / "audios" / "s2.wav").unlink()
    with pytest.raises(FormatError, match=r"record #1 \(id 1\), field 'input.audio_file'"):
        build_repo(release_copy, tmp_path / "out", SOTA, progress=False)
    assert not (tmp_path / "out").exists()
    report = build_repo(release_copy, tmp_path / "out", SOTA, progress=False, allow_missing_media=True)
    assert report.media.missing == ["audio/comprehension/AccentClassification/1 input.audio_file='s2.wav'"]


def test_tasks_missing_from_the_sheet_are_reported(release_copy, tmp_path):
    (release_copy / "nlp" / "Time Series").rename(release_copy / "nlp" / "Weather Forecasting")
    annotation = release_copy / "nlp" / "Weather Forecasting" / "annotation.json"
    annotation.write_text(annotation.read_text().replace('"Time Series"', '"Weather Forecasting"', 1))
    report = build_repo(release_copy, tmp_path / "out", SOTA, progress=False)
    assert report.unmatched_tasks == ["nlp/Weather Forecasting"]


def test_builder_class_reads_the_same_tree(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO_ROOT / "dataset_scripts" / "general_bench"))
    sys.modules.pop("general_bench", None)
    from general_bench import GeneralBench

    builder = GeneralBench(
        config_name="video_comprehension", data_dir=str(RELEASE), sota_path=str(SOTA), cache_dir=str(tmp_path)
    )
    builder.download_and_prepare()
    dataset = builder.as_dataset(split="test")
    assert sorted(dataset["id"]) == ["clip1", "v1", "v2"]
    assert {row["metric"] for row in dataset} == {"AUC", "BLEU-1"}


def test_template_card_in_dataset_scripts_is_current():
    for name, text in template_files().items():
        assert (REPO_ROOT / "dataset_scripts" / "general_bench" / name).read_text(encoding="utf-8") == text


def test_a_close_set_release_without_outputs_builds_with_null_outputs(release_copy, tmp_path):
    file = release_copy / "nlp" / "Commonsense Reasoning" / "annotation.json"
    doc = json.loads(file.read_text(encoding="utf-8"))
    for record in doc["data"]:
        del record["output"]
    file.write_text(json.dumps(doc), encoding="utf-8")
    build_repo(release_copy, tmp_path / "out", SOTA, progress=False)
    rows = [r for r in load(tmp_path / "out", "nlp") if r["task"] == "Commonsense Reasoning"]
    assert [r["output"] for r in rows] == [None, None]
