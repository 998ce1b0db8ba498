"""Any diffusers text-to-image pipeline as a generator: fixed per-prompt seeds, safe loading, clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from genjudge.generation.diffusers_t2i import DiffusersTextToImage
from genjudge.generation.protocol import Failed, GenerationError, ImageRequest, TextToImageGenerator


@pytest.fixture(scope="module")
def tiny(tiny_pipeline_dir: Path) -> DiffusersTextToImage:
    return DiffusersTextToImage(tiny_pipeline_dir, num_inference_steps=2)


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=int)


def test_a_local_folder_loads_and_records_what_decides_the_pictures(tiny, tiny_pipeline_dir):
    assert isinstance(tiny, TextToImageGenerator)
    settings = tiny.settings()
    assert settings["model"] == tiny_pipeline_dir.name
    assert settings["folder_digest"].startswith("sha256:")
    assert settings["pipeline"] == "StableDiffusionPipeline"
    assert settings["dtype"] == "float32" and settings["device"] == "cpu"
    assert settings["sampling"] == {
        "num_inference_steps": 2,
        "guidance_scale": 7.5,  # the pipeline's default, recorded as the number it is
        "height": 32,
        "width": 32,
        "negative_prompt": None,
    }


def test_each_prompt_has_its_own_seed_whatever_batch_it_is_drawn_in(tiny):
    batch = tiny.generate(
        [ImageRequest("a red cube", 11), ImageRequest("a blue ball", 12), ImageRequest("a red cube", 13)]
    )
    assert [image.size for image in batch] == [(32, 32)] * 3
    alone = tiny.generate([ImageRequest("a blue ball", 12)])[0]
    assert np.abs(pixels(batch[1]) - pixels(alone)).max() <= 2  # float rounding of batched matmuls
    assert np.abs(pixels(batch[0]) - pixels(batch[2])).mean() > 5  # same prompt, another seed


def test_running_out_of_gpu_memory_says_what_to_lower(tiny, monkeypatch):
    def out_of_memory(**_: object) -> None:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(tiny, "pipeline", out_of_memory)
    with pytest.raises(GenerationError, match=r"lower --batch-size \(now 2\), then the resolution"):
        tiny.generate([ImageRequest("a", 1), ImageRequest("b", 2)])


def test_an_image_the_safety_checker_blanked_is_a_failed_item(tiny, monkeypatch):
    black = tiny.generate([ImageRequest("a", 1)])[0]
    monkeypatch.setattr(
        tiny,
        "pipeline",
        lambda **_: SimpleNamespace(images=[black, black], nsfw_content_detected=[False, True]),
    )
    made = tiny.generate([ImageRequest("a", 1), ImageRequest("b", 2)])
    assert made[0] is black and made[1] == Failed("the pipeline's safety checker blanked this image")


def test_a_setting_the_pipeline_lacks_is_named_with_the_ones_it_takes(tiny_pipeline_dir):
    with pytest.raises(
        GenerationError, match=r"does not take strength as a setting; it takes: .*guidance_rescale"
    ):
        DiffusersTextToImage(tiny_pipeline_dir, call_options={"strength": 0.5})


def test_a_hub_model_missing_offline_says_what_to_download(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(GenerationError) as err:
        DiffusersTextToImage("someone/not-cached-model")
    assert "hf download someone/not-cached-model --local-dir <folder>" in str(err.value)
    assert "pass it as the model" in str(err.value)


def test_something_that_is_neither_a_folder_nor_a_hub_id_is_refused(tmp_path):
    with pytest.raises(GenerationError, match="neither a local folder nor a Hub model id"):
        DiffusersTextToImage(str(tmp_path / "missing" / "deeper" / "folder"))
    with pytest.raises(GenerationError, match=r"has no model_index\.json"):
        DiffusersTextToImage(tmp_path)


def copy_with(tiny_pipeline_dir: Path, tmp_path: Path, change) -> Path:
    folder = Path(shutil.copytree(tiny_pipeline_dir, tmp_path / "copy"))
    change(folder)
    return folder


def edit_index(folder: Path, **entries: object) -> None:
    index = json.loads((folder / "model_index.json").read_text())
    (folder / "model_index.json").write_text(json.dumps({**index, **entries}))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: edit_index(f, _class_name=["my_pipeline", "MyPipeline"]), "custom pipeline class"),
        (lambda f: edit_index(f, scheduler=["my_library", "MyScheduler"]), "comes from 'my_library'"),
        (
            lambda f: (f / "unet" / "my_unet.py").write_text("import os\n"),
            r"ships Python code \(unet/my_unet.py\)",
        ),
        (
            lambda f: (f / "vae" / "diffusion_pytorch_model.safetensors").rename(
                f / "vae" / "diffusion_pytorch_model.bin"
            ),
            "vae/ has weights only as pickle files",
        ),
    ],
    ids=["custom-pipeline", "foreign-component", "python-file", "pickle-weights"],
)
def test_remote_code_and_pickle_weights_are_refused_before_loading(
    tiny_pipeline_dir, tmp_path, change, message
):
    folder = copy_with(tiny_pipeline_dir, tmp_path, change)
    with pytest.raises(GenerationError, match=message):
        DiffusersTextToImage(folder)
