"""The Hub side: dataset card, eval.yaml, Parquet sharding and the upload call (network mocked)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
import yaml
from datasets import load_dataset
from huggingface_hub import DatasetCard, HfApi

from genjudge.benchmarks.opening import sample_dir, subtasks
from genjudge.benchmarks.opening.card import template_files
from genjudge.benchmarks.opening.repo import build_repo
from genjudge.hub.publish import ParquetShardWriter, atomic_directory, push_to_hub

DATASET_SCRIPTS = Path(__file__).resolve().parents[2] / "dataset_scripts" / "opening"


def test_card_yaml_has_configs_features_license_and_citation(built_repo: Path) -> None:
    card = DatasetCard.load(built_repo / "README.md")
    data = card.data.to_dict()
    assert data["configs"] == [
        {
            "config_name": "default",
            "data_files": [
                {"split": "dev", "path": "data/dev-*"},
                {"split": "test", "path": "data/test-*"},
            ],
        }
    ]
    features = {f["name"]: f for f in data["dataset_info"]["features"]}
    assert features["input"]["list"] == [
        {"name": "text", "dtype": "string"},
        {"name": "image", "dtype": "image"},
    ]
    assert {s["name"]: s["num_examples"] for s in data["dataset_info"]["splits"]} == {"dev": 4, "test": 16}
    assert data["license"] == "unknown"
    assert "benchmark" in data["tags"]
    assert "zhou2025opening" in card.text and "2411.18499" in card.text


def test_card_documents_all_56_subtasks_in_23_meta_topics(built_repo: Path) -> None:
    text = (built_repo / "README.md").read_text(encoding="utf-8")
    for subtask in subtasks():
        assert f"| {subtask.subtask_id}. {subtask.subtask_name} |" in text
    assert len({s.meta_task_id for s in subtasks()}) == 23
    assert len(subtasks()) == 56


def test_eval_yaml_registers_the_test_split(built_repo: Path) -> None:
    doc = yaml.safe_load((built_repo / "eval.yaml").read_text(encoding="utf-8"))
    assert doc["name"] == "OpenING"
    assert doc["evaluation_framework"] == "genjudge"
    assert [task["id"] for task in doc["tasks"]] == ["win_rate", "judge_agreement"]
    assert {task["split"] for task in doc["tasks"]} == {"test"}
    assert "fractions in [0, 1]" in doc["description"] and "percent" not in doc["description"]


def test_dataset_scripts_card_is_the_rendered_template() -> None:
    for name, text in template_files().items():
        assert (DATASET_SCRIPTS / name).read_text(encoding="utf-8") == text, f"regenerate {name}"


def test_push_to_hub_creates_the_repo_and_uploads_the_folder(
    built_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, tuple, dict]] = []

    class Commit:
        commit_url = "https://huggingface.co/datasets/me/opening/commit/abc"

    def create_repo(self: HfApi, *args, **kwargs):
        calls.append(("create_repo", args, kwargs))

    def upload_folder(self: HfApi, *args, **kwargs):
        calls.append(("upload_folder", args, kwargs))
        assert self.token == "hf_test"
        return Commit()

    monkeypatch.setattr(HfApi, "create_repo", create_repo)
    monkeypatch.setattr(HfApi, "upload_folder", upload_folder)
    url = push_to_hub(built_repo, "me/opening", token="hf_test")
    assert url == Commit.commit_url
    assert calls[0] == (
        "create_repo",
        ("me/opening",),
        {"repo_type": "dataset", "exist_ok": True, "private": False},
    )
    name, _, kwargs = calls[1]
    assert name == "upload_folder"
    assert kwargs["folder_path"] == str(built_repo)
    assert kwargs["repo_id"] == "me/opening"
    assert kwargs["repo_type"] == "dataset"


def test_large_splits_roll_over_into_numbered_shards(tmp_path: Path) -> None:
    report = build_repo(sample_dir(), tmp_path / "repo", progress=False, max_shard_bytes=1)
    shards = report.shards["test"]
    assert len(shards) > 1
    assert shards[-1].endswith(f"-of-{len(shards):05d}.parquet")
    assert load_dataset(str(tmp_path / "repo"), split="test").num_rows == 16


def test_shard_writer_groups_rows(tmp_path: Path) -> None:
    schema = pa.schema([("x", pa.int64())])
    writer = ParquetShardWriter(tmp_path, "test", schema, rows_per_group=10)
    for x in range(25):
        writer.write({"x": x}, payload_bytes=8)
    [shard] = writer.close()
    assert shard.name == "test-00000-of-00001.parquet"
    import pyarrow.parquet as pq

    assert pq.ParquetFile(shard).metadata.num_row_groups == 3
    assert writer.num_rows == 25


def test_atomic_directory_replaces_only_on_success(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_directory(out) as tmp:
        (tmp / "a.txt").write_text("first")
    with pytest.raises(RuntimeError), atomic_directory(out, overwrite=True) as tmp:
        (tmp / "a.txt").write_text("second")
        raise RuntimeError("boom")
    assert (out / "a.txt").read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
