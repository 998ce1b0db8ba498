"""The `lmm4lmm` evaluate module on a tiny random checkpoint, its Space app, and the model card."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import evaluate
import pytest
from huggingface_hub import ModelCard
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
MODULE = str(ROOT / "metrics" / "lmm4lmm")
CARD = ROOT / "model_cards" / "lmm4lmm" / "README.md"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from support.random_internvl import save_random_checkpoint

    return str(save_random_checkpoint(tmp_path_factory.mktemp("lmm4lmm") / "tiny"))


def test_perception_and_correspondence_through_evaluate(checkpoint, tmp_path):
    images = [Image.new("RGB", (64, 64), (210, 30, 30)), Image.new("RGB", (80, 40), (20, 30, 220))]
    prompts = ["a red square", "a blue banner"]
    perception = evaluate.load(MODULE, "perception", model=checkpoint, device="cpu")
    first = perception.compute(images=images, prompts=prompts, score_cache=str(tmp_path / "s.sqlite"))
    assert first["judge"] == "lmm4lmm-perception" and first["cached"] == [False, False]
    assert len(first["perception"]) == 2
    assert first["mean_perception"] == pytest.approx(sum(first["perception"]) / 2)
    again = perception.compute(images=images, prompts=prompts, score_cache=str(tmp_path / "s.sqlite"))
    assert again["cached"] == [True, True] and again["perception"] == first["perception"]
    correspondence = evaluate.load(MODULE, "correspondence", model=checkpoint, device="cpu")
    scores = correspondence.compute(images=images[:1] * 2, prompts=["a red square", "a green circle"])
    assert scores["correspondence"][0] != scores["correspondence"][1]  # the prompt is read


def test_qa_needs_questions_and_answers_them(checkpoint):
    qa = evaluate.load(MODULE, "qa", model=checkpoint, device="cpu")
    image = Image.new("RGB", (64, 64), (210, 30, 30))
    results = qa.compute(images=[image], prompts=["a red square"], questions=["Is the square red?"])
    assert results["yes"][0] in (0.0, 1.0) and 0.0 <= results["p_yes"][0] <= 1.0
    assert set(results) >= {"mean_yes", "mean_p_yes", "answer_parsed"}


def test_an_unknown_configuration_is_named():
    with pytest.raises(ValueError, match="unknown lmm4lmm configuration 'aesthetics'"):
        evaluate.load(MODULE, "aesthetics")


def test_the_space_app_scores_an_upload(checkpoint):
    spec = importlib.util.spec_from_file_location("lmm4lmm_app", Path(MODULE) / "app.py")
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    scores = app.score(Image.new("RGB", (50, 50), (1, 2, 3)), "a dark square", "", "perception", checkpoint)
    assert set(scores) == {"perception"}
    with pytest.raises(app.gr.Error, match="yes/no question"):
        app.score(Image.new("RGB", (50, 50)), "p", "", "qa", checkpoint)


def test_the_model_card_metadata_is_what_the_hub_reads():
    data = ModelCard.load(CARD).data
    assert data.license == "unknown"
    assert data.base_model == "OpenGVLab/InternVL2_5-8B"
    assert data.pipeline_tag == "image-text-to-text"
    assert data.library_name == "transformers"
    assert data.datasets == ["IntMeGroup/EvalMi-50K"]
    assert data.eval_results is None  # no number genjudge could not check against the paper


def test_the_model_card_cites_the_paper_and_shows_genjudge_usage():
    text = ModelCard.load(CARD).text
    assert "arXiv:2504.08358" in text and "@inproceedings{wang2025lmm4lmm" in text
    for task in ("Perception", "Correspondence", "QA"):
        assert f"hf download IntMeGroup/LMM4LMM-{task} --local-dir ./judges/LMM4LMM-{task}" in text
    assert 'load_scoring_judge("lmm4lmm-perception", model="./judges/LMM4LMM-Perception")' in text
    assert "How would you rate the quality of this image? | The quality of the image is excellent." in text
