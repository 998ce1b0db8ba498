"""A built OpenING folder is a normal Hub dataset: ``load_dataset(folder)`` gives splits, ordered
steps and decoded images, with the image bytes exactly as in the release."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from datasets import load_dataset
from PIL import Image

from genjudge.benchmarks.opening import FEATURES, read_benchmark, sample_dir


def test_load_dataset_returns_both_splits_with_their_counts(built_repo: Path) -> None:
    ds = load_dataset(str(built_repo))
    assert sorted(ds) == ["dev", "test"]
    assert ds["dev"].num_rows == 4
    assert ds["test"].num_rows == 16
    assert ds["test"].features == FEATURES


def test_steps_keep_their_order_and_text_image_pairing(built_repo: Path) -> None:
    ds = load_dataset(str(built_repo), split="test")
    instances = {inst.total_uid: inst for inst in read_benchmark(sample_dir(), "test")}
    for row in ds:
        inst = instances[row["total_uid"]]
        for side, steps in (("input", inst.input_steps), ("output", inst.output_steps)):
            assert [step["text"] for step in row[side]] == [step.text for step in steps]
            assert [step["image"] is None for step in row[side]] == [step.image is None for step in steps]


def test_images_decode_to_pil_with_their_sizes(built_repo: Path) -> None:
    row = load_dataset(str(built_repo), split="test").filter(lambda r: r["total_uid"] == "0301004")[0]
    inputs = [step["image"] for step in row["input"]]
    assert len(inputs) == 3  # a multi-image input
    assert all(isinstance(image, Image.Image) and image.size == (96, 96) for image in inputs)
    assert row["output"][0]["text"].startswith("The next morning a blue bird")


def test_text_only_steps_have_null_images(built_repo: Path) -> None:
    row = load_dataset(str(built_repo), split="test").filter(lambda r: r["total_uid"] == "0101001")[0]
    assert row["input"][0]["image"] is None
    assert row["input"][0]["text"].startswith("<BEGIN>")


def test_image_bytes_are_embedded_unchanged(built_repo: Path) -> None:
    bench = sample_dir() / "OpenING-benchmark"
    table = pq.read_table(next((built_repo / "data").glob("test-*.parquet")))
    compared = 0
    for row in table.to_pylist():
        for step in row["input"] + row["output"]:
            if step["image"] is not None:
                assert step["image"]["bytes"] == (bench / step["image"]["path"]).read_bytes()
                compared += 1
    assert compared > 30


def test_repo_layout_is_hub_ready(built_repo: Path) -> None:
    names = sorted(str(p.relative_to(built_repo)) for p in built_repo.rglob("*") if p.is_file())
    assert names == [
        "README.md",
        "data/dev-00000-of-00001.parquet",
        "data/test-00000-of-00001.parquet",
        "eval.yaml",
    ]
