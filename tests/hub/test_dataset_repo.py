"""The one dataset-repository writer: a described dataset becomes a folder ``load_dataset`` reads back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from datasets import Features, Image, List, Value, load_dataset
from huggingface_hub import DatasetCard
from PIL import Image as PILImage

from genjudge.hub import dataset_repo as hub

FEATURES = Features({"name": Value("string"), "pictures": List(Image()), "score": Value("float64")})
PROMPTS = Features({"prompt": Value("string")})


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def rows(n: int) -> list[dict]:
    return [
        {"name": f"row{k}", "pictures": [{"bytes": png((k, 0, 0)), "path": f"{k}.png"}], "score": k / 2}
        for k in range(n)
    ]


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "card.md"
    path.write_text(
        "---\n{{ card_data }}\n---\n\n# {{ pretty_name }}\n\n"
        "{% for config, splits in sizes.items() %}- {{ config }}: {{ splits }}\n{% endfor %}\n{{ note }}\n",
        encoding="utf-8",
    )
    return path


def toy(template: Path, images: hub.Split, *, note: str = "written after the rows") -> hub.DatasetRepo:
    return hub.DatasetRepo(
        configs=[
            hub.Config("images", FEATURES, {"train": images, "test": hub.Split(rows(2))}, default=True),
            hub.Config(
                "prompts", PROMPTS, {"test": hub.Split([{"prompt": "a red cube"}])}, files="{config}/{split}"
            ),
        ],
        card=hub.Card(
            template, {"pretty_name": "Toy", "license": "mit", "tags": ["genjudge"]}, lambda: {"note": note}
        ),
        eval=hub.EvalFile("Toy", "A toy benchmark.", [hub.EvalTask("score", "images", "test")]),
        files={"extra.json": lambda: '{"seed": 1}'},
    )


def test_a_described_dataset_loads_back_with_its_configs_features_and_images(tmp_path, template):
    sizes = hub.write_dataset_repo(toy(template, hub.Split(rows(5))), tmp_path / "toy", progress=False)

    assert hub.row_counts(sizes) == {
        "images": {"train": 5, "test": 2},
        "prompts": {"test": 1},
    }
    assert sizes["images"]["train"].shards == ("data/images-train-00000-of-00001.parquet",)
    train = load_dataset(str(tmp_path / "toy"), split="train")  # the default config
    assert train.features == FEATURES
    assert train[3]["name"] == "row3" and train[3]["score"] == 1.5
    assert train[3]["pictures"][0].getpixel((0, 0)) == (3, 0, 0)
    assert load_dataset(str(tmp_path / "toy"), "prompts", split="test")["prompt"] == ["a red cube"]

    card = DatasetCard.load(tmp_path / "toy" / "README.md")
    assert card.data.configs[1] == {
        "config_name": "prompts",
        "data_files": [{"split": "test", "path": "prompts/test-*"}],
    }
    assert card.data.size_categories == ["n<1K"] and card.data.license == "mit"
    assert "# Toy" in card.text and "- images: {'train': 5, 'test': 2}" in card.text
    assert card.text.endswith("written after the rows\n")
    doc = yaml.safe_load((tmp_path / "toy" / "eval.yaml").read_text(encoding="utf-8"))
    assert doc["evaluation_framework"] == "genjudge"
    assert doc["tasks"] == [{"id": "score", "config": "images", "split": "test"}]
    assert (tmp_path / "toy" / "extra.json").read_text(encoding="utf-8") == '{"seed": 1}'


def test_a_failing_row_iterator_leaves_the_old_folder_and_no_temporary_one(tmp_path, template):
    hub.write_dataset_repo(toy(template, hub.Split(rows(1))), tmp_path / "toy", progress=False)
    before = (tmp_path / "toy" / "README.md").read_text(encoding="utf-8")

    def broken():
        yield from rows(3)
        raise FileNotFoundError("image 4.png is missing")

    with pytest.raises(FileNotFoundError, match=r"4\.png"):
        hub.write_dataset_repo(
            toy(template, hub.Split(broken())), tmp_path / "toy", overwrite=True, progress=False
        )
    assert (tmp_path / "toy" / "README.md").read_text(encoding="utf-8") == before
    assert {path.name for path in tmp_path.iterdir()} == {"toy", "card.md"}


def test_large_splits_roll_over_into_numbered_shards_that_load_as_one(tmp_path, template):
    sizes = hub.write_dataset_repo(
        toy(template, hub.Split(iter(rows(5)), 5)), tmp_path / "toy", progress=False, max_shard_bytes=1
    )
    shards = sizes["images"]["train"].shards
    assert len(shards) == 5  # every row alone reaches the limit
    assert shards[-1] == "data/images-train-00004-of-00005.parquet"
    assert load_dataset(str(tmp_path / "toy"), split="train")["name"] == [f"row{k}" for k in range(5)]


def test_a_template_card_needs_no_build_and_may_leave_sizes_out(template):
    sizes = {"images": {"test": hub.SplitSize(2_100)}}
    files = toy(template, hub.Split(()), note="official sizes").card_files(sizes)
    card = DatasetCard(files["README.md"])
    splits = {info["config_name"]: info.get("splits") for info in card.data.dataset_info}
    assert splits == {"images": [{"name": "test", "num_bytes": 0, "num_examples": 2100}], "prompts": None}
    assert "- images: {'test': 2100}" in card.text
    assert set(files) == {"README.md", "eval.yaml"}
