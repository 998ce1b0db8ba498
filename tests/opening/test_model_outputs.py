"""Model outputs in the official gen_outputs layout, in every file and path style seen in the wild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from genjudge.benchmarks.opening import outputs as outputs_module
from genjudge.benchmarks.opening import read_model_outputs, sample_dir
from genjudge.benchmarks.opening.release import MissingImagesError
from genjudge.safe_io.located_error import FormatError

GEN = sample_dir() / "gen_outputs"


def raw_images(folder: Path) -> list[str]:
    paths = []
    for path in sorted(folder.glob("*.json*")):
        record = json.loads(path.read_text(encoding="utf-8"))
        paths += [step["image"] for step in record["conversations"][1]["output"]]
    return paths


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    target = tmp_path / "gen_outputs" / "Drift-Gen_output"
    shutil.copytree(GEN / "Drift-Gen_output", target)
    return target


def test_every_sample_model_answers_every_test_instance() -> None:
    for folder in sorted(GEN.iterdir()):
        outputs = read_model_outputs(folder)
        assert len(outputs) == 16
        assert outputs[0].model == folder.name.removesuffix("_output")
        assert [o.total_uid for o in outputs] == sorted(o.total_uid for o in outputs)


def test_sample_mixes_file_extensions_and_image_path_styles() -> None:
    suffixes = {p.suffix for p in GEN.rglob("*.json*")}
    assert suffixes == {".json", ".jsonl"}
    styles = [path for folder in GEN.iterdir() for path in raw_images(folder)]
    assert any(p and "/" not in p for p in styles)  # bare file name
    assert any(p and p.startswith("./") and "_output/" in p for p in styles)  # ./<Model>_output/<file>
    assert None in styles and "" in styles  # no image, written both ways


def test_both_path_styles_resolve_to_the_files_beside_the_json() -> None:
    folder = GEN / "Drift-Gen_output"  # uses both styles within one answer
    outputs = {o.total_uid: o for o in read_model_outputs(folder)}
    answer = outputs["0101001"]
    assert [step.image for step in answer.steps] == [
        (folder / f"0101001-o-{k}.jpg").read_bytes() for k in range(3)
    ]


def test_text_only_model_keeps_its_steps_without_images() -> None:
    outputs = read_model_outputs(GEN / "Quill-TextOnly_output")
    assert all(step.image is None for o in outputs for step in o.steps)
    assert all(step.text for o in outputs for step in o.steps)


def test_content_hash_differs_between_models() -> None:
    close = read_model_outputs(GEN / "Aurora-Interleave_output")[0]
    off = read_model_outputs(GEN / "Drift-Gen_output")[0]
    assert close.total_uid == off.total_uid
    assert close.content_hash != off.content_hash


def test_model_name_can_be_given(model_dir: Path) -> None:
    assert read_model_outputs(model_dir, "my-model")[0].model == "my-model"


def test_relative_path_into_a_subfolder_is_accepted(model_dir: Path) -> None:
    (model_dir / "imgs").mkdir()
    shutil.move(model_dir / "0101001-o-0.jpg", model_dir / "imgs" / "0101001-o-0.jpg")
    path = model_dir / "0101001.jsonl"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["conversations"][1]["output"][0]["image"] = "imgs/0101001-o-0.jpg"
    path.write_text(json.dumps(record, indent=4), encoding="utf-8")
    assert read_model_outputs(model_dir)[0].steps[0].image is not None


def rewrite_first_image(model_dir: Path, image: str) -> None:
    path = model_dir / "0101001.jsonl"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["conversations"][1]["output"][0]["image"] = image
    path.write_text(json.dumps(record, indent=4), encoding="utf-8")


@pytest.mark.parametrize(
    ("image", "words"),
    [
        ("../Mosaic-Base_output/0101001-o-0.jpg", ".."),
        ("/tmp/0101001-o-0.jpg", "absolute"),
        ("0101001-o-9.jpg", "missing"),
    ],
)
def test_bad_image_paths_are_refused(model_dir: Path, image: str, words: str) -> None:
    rewrite_first_image(model_dir, image)
    with pytest.raises(FormatError, match=words) as caught:
        read_model_outputs(model_dir)
    assert caught.value.total_uid == "0101001"
    assert caught.value.field == "conversations[1].output[0].image"
    assert caught.value.file.endswith("0101001.jsonl")


def test_missing_images_can_be_allowed(model_dir: Path) -> None:
    (model_dir / "0101001-o-0.jpg").unlink()
    with pytest.raises(MissingImagesError):
        read_model_outputs(model_dir)
    outputs = read_model_outputs(model_dir, allow_missing_images=True)
    assert outputs[0].steps[0].image is None


def test_malformed_json_names_file_and_line(model_dir: Path) -> None:
    path = model_dir / "0101001.jsonl"
    path.write_text(path.read_text(encoding="utf-8")[:200], encoding="utf-8")
    with pytest.raises(FormatError, match="malformed JSON") as caught:
        read_model_outputs(model_dir)
    assert caught.value.total_uid == "0101001"
    assert caught.value.line is not None


def test_same_uid_as_json_and_jsonl_is_a_duplicate(model_dir: Path) -> None:
    shutil.copy(model_dir / "0101001.jsonl", model_dir / "0101001.json")
    with pytest.raises(FormatError, match="duplicate total_uid"):
        read_model_outputs(model_dir)


def test_missing_output_list_is_named(model_dir: Path) -> None:
    path = model_dir / "0101001.jsonl"
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["conversations"][1]
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(FormatError, match="missing") as caught:
        read_model_outputs(model_dir)
    assert caught.value.field == "conversations[1].output"


def test_empty_or_absent_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not found"):
        read_model_outputs(tmp_path / "Nobody_output")
    (tmp_path / "Empty_output").mkdir()
    with pytest.raises(FormatError, match=r"no <total_uid>\.json"):
        read_model_outputs(tmp_path / "Empty_output")


def test_ids_inside_the_file_must_match_its_name(model_dir: Path) -> None:
    (model_dir / "0101001.jsonl").rename(model_dir / "0101009.jsonl")
    with pytest.raises(FormatError, match="give total_uid 0101001") as caught:
        read_model_outputs(model_dir)
    assert caught.value.total_uid == "0101009"


def test_oversized_answer_file_is_refused_before_parsing(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outputs_module, "MAX_OUTPUT_FILE_BYTES", 100)
    with pytest.raises(FormatError, match="limit") as caught:
        read_model_outputs(model_dir)
    assert caught.value.total_uid == "0101001"
