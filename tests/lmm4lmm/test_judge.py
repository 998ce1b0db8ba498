"""The LMM4LMM judge end to end on a tiny random InternVL: official prompts, left-padded batches
that equal single calls, the QA readout, bad images, and the offline message."""

from __future__ import annotations

import itertools

import pytest
import torch

from genjudge.judges.lmm4lmm.head import READ_POSITION
from genjudge.judges.lmm4lmm.inputs import grid_for, image_tiles
from genjudge.judges.lmm4lmm.judge import JudgeModelNotFound, LMM4LMMJudge, official_answer
from genjudge.judges.protocol import Media, PartialScores, ScoringItem, ScoringJudge
from genjudge.safe_io import media
from genjudge.safe_io.media import MediaLimits


@pytest.fixture(scope="module")
def judges(components):
    model, head, inputs = components
    return {
        task: LMM4LMMJudge.from_components(model, head, inputs, task=task, revision="random-tiny")
        for task in ("perception", "correspondence", "qa")
    }


@pytest.fixture(scope="module")
def items(png):
    return [
        ScoringItem("a red fox", Media.image(png((200, 10, 10))), "Is there a fox?"),
        ScoringItem(
            "a lighthouse at dawn with seagulls over the waves and a boat",
            Media.image(png((10, 200, 10), (300, 100))),
            "Is the sky orange at dawn in this picture?",
        ),
        ScoringItem("a cat", Media.image(png((20, 20, 220), (40, 90))), "Is it a cat?"),
    ]


@pytest.mark.parametrize("task", ["perception", "correspondence", "qa"])
def test_a_left_padded_batch_scores_as_one_image_at_a_time(judges, items, task):
    judge = judges[task]
    assert isinstance(judge, ScoringJudge)
    lengths = {len(judge.encode(item).input_ids) for item in items}
    if task != "perception":
        assert len(lengths) == len(items)  # rows really differ in length, so padding is exercised
    batch = judge.score_batch(items)
    single = [judge.score_batch([item])[0] for item in items]
    for batched, alone in zip(batch, single, strict=True):
        assert set(batched) == set(judge.score_names)
        for name in judge.score_names:
            assert batched[name] == pytest.approx(alone[name], rel=1e-4, abs=1e-5)


def test_the_head_reads_the_hidden_state_of_is_before_the_level_word(judges, items):
    judge = judges["perception"]
    ids = judge.encode(items[0]).input_ids
    tokenizer = judge.inputs.tokenizer
    assert tokenizer.decode(ids[READ_POSITION:]) == " is excellent.<|im_end|>"


def test_official_prompts_with_the_image_first_and_the_answer_template(judges, items):
    judge = judges["correspondence"]
    text = judge.inputs.tokenizer.decode(judge.encode(items[0]).input_ids)
    assert text.startswith("<s><|im_start|>system\n你是由上海人工智能实验室")
    image = "<img>" + "<IMG_CONTEXT>" * 5 * judge.inputs.tokens_per_tile + "</img>"
    assert f"<|im_end|><|im_start|>user\n{image}\n" in text
    assert text.endswith(
        "How would you rate the correspondence of this image and its prompt? prompt: a red fox<|im_end|>"
        "<|im_start|>assistant\nThe correspondence of the image and its prompt is excellent.<|im_end|>"
    )
    perception = judges["perception"].inputs.tokenizer.decode(judges["perception"].encode(items[0]).input_ids)
    assert "How would you rate the quality of this image?<|im_end|>" in perception
    assert "a red fox" not in perception


def test_scores_differ_between_images_and_prompts(judges, items):
    perception = [s["perception"] for s in judges["perception"].score_batch(items)]
    assert len({round(v, 4) for v in perception}) == len(items)
    assert all(v >= 0 for v in perception)  # ReLU after the last layer, as the official head
    other_prompt = ScoringItem("a blue whale", items[0].media)
    assert (
        judges["correspondence"].score_batch([other_prompt])[0]
        != judges["correspondence"].score_batch([items[0]])[0]
    )
    assert judges["perception"].score_batch([other_prompt])[0]["perception"] == pytest.approx(perception[0])


def test_qa_reads_teacher_forced_logits(judges, items):
    judge = judges["qa"]
    assert judge.answer_length == 1  # "Yes" is one token: the forced answer cannot sway the argmax
    for scores in judge.score_batch(items):
        assert 0.0 <= scores["p_yes"] <= 1.0
        assert scores["yes"] in (0.0, 1.0)
        if not scores["answer_parsed"]:
            assert scores["yes"] == float(scores["p_yes"] >= 0.5)
    question = judge.inputs.tokenizer.decode(judge.encode(items[1]).input_ids)
    assert question.endswith(
        "</img>\nIs the sky orange at dawn in this picture?<|im_end|><|im_start|>assistant\nYes<|im_end|>"
    )


def test_the_official_yes_no_substring_rule():
    assert official_answer("Yes") == "Yes"
    assert official_answer(" yes, not at all") == "Yes"
    assert official_answer("No") == "No"
    assert official_answer("I do not know") == "No"
    assert official_answer("maybe") is None


def test_tiles_follow_internvl_dynamic_tiling():
    from PIL import Image

    assert grid_for(1024, 1024) == (2, 2)  # the official 1024x1024 resize: 4 tiles + thumbnail
    assert grid_for(1344, 448) == (3, 1)
    assert grid_for(300, 300) == (1, 1)
    tiles = image_tiles(Image.new("RGB", (123, 45), (255, 0, 0)))
    assert tiles.shape == (5, 3, 448, 448)
    red = (1.0 - 0.485) / 0.229
    assert float(tiles[0, 0].mean()) == pytest.approx(red, abs=1e-3)
    assert tiles.dtype.name == "float32"
    assert image_tiles(Image.new("RGB", (300, 300)), resize_to=None).shape == (1, 3, 448, 448)


def test_an_image_that_does_not_decode_fails_alone(judges, items):
    broken = ScoringItem("a red fox", Media.image(b"not an image at all"))
    with pytest.raises(PartialScores) as caught:
        judges["perception"].score_batch([items[0], broken, items[2]])
    assert list(caught.value.failures) == [1]
    assert "image does not decode" in caught.value.failures[1]
    good = judges["perception"].score_batch([items[0], items[2]])
    assert [s["perception"] for s in caught.value.scores if s is not None] == pytest.approx(
        [s["perception"] for s in good], rel=1e-4
    )


def test_a_decompression_bomb_is_refused_not_decoded(judges, png, monkeypatch):
    monkeypatch.setattr(media, "DEFAULT_LIMITS", MediaLimits(max_pixels=1000))  # 64x48 is over it
    with pytest.raises(PartialScores) as caught:
        judges["perception"].score_batch([ScoringItem("p", Media.image(png((1, 2, 3))))])
    assert "decompression bomb" in caught.value.failures[0]


def test_offline_without_the_checkpoint_says_what_to_download(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(JudgeModelNotFound) as caught:
        LMM4LMMJudge(task="correspondence", device="cpu")
    message = str(caught.value)
    folder = "./judges/LMM4LMM-Correspondence"
    assert f"hf download IntMeGroup/LMM4LMM-Correspondence --local-dir {folder}" in message
    assert "load_scoring_judge('lmm4lmm-correspondence', model='./judges/LMM4LMM-Correspondence')" in message
    assert "--judge lmm4lmm-correspondence --option model=./judges/LMM4LMM-Correspondence" in message
    assert "evaluate.load('metrics/lmm4lmm', 'correspondence'" in message


def test_a_folder_that_is_no_checkpoint_is_named(tmp_path):
    (tmp_path / "README.md").write_text("not a checkpoint")
    with pytest.raises(JudgeModelNotFound, match="holds neither an official LMM4LMM checkpoint") as caught:
        LMM4LMMJudge(task="perception", model=str(tmp_path), device="cpu")
    assert "hf download IntMeGroup/LMM4LMM-Perception" in str(caught.value)


def test_a_scoring_task_needs_a_head(components):
    model, _, inputs = components
    with pytest.raises(ValueError, match="regression head"):
        LMM4LMMJudge.from_components(model, None, inputs, task="perception", revision="r")
    with pytest.raises(ValueError, match="unknown LMM4LMM task 'aesthetics'"):
        LMM4LMMJudge.from_components(model, None, inputs, task="aesthetics", revision="r")


def test_the_8b_architecture_has_internvl2_5_8b_parameter_count(tokenizer):
    from support.random_internvl import config
    from transformers import InternVLForConditionalGeneration

    from genjudge.judges.lmm4lmm.head import ScoreHead

    cfg = config("8b", tokenizer)
    with torch.device("meta"):
        model = InternVLForConditionalGeneration(cfg)
        head = ScoreHead(cfg.text_config.hidden_size)
    vision = sum(p.numel() for p in model.model.vision_tower.parameters())
    language = sum(p.numel() for p in model.model.language_model.parameters()) + model.lm_head.weight.numel()
    projector = sum(p.numel() for p in model.model.multi_modal_projector.parameters())
    # InternViT-300M (24 layers, width 1024): 304.0M; InternLM2.5-7B: 7.738B; projector 4096->4096->4096
    assert vision == 304_012_288
    hidden, layers, vocab = 4096, 32, 92553
    per_layer = (32 + 2 * 8) * 128 * hidden + hidden * hidden + 3 * hidden * 14336 + 2 * hidden
    assert language == 2 * vocab * hidden + layers * per_layer + hidden == 7_737_782_272
    assert projector == 2 * hidden + 2 * (hidden * hidden + hidden)  # LayerNorm(4 x 1024), two linears
    widths = (4096, 1024, 256, 64, 16, 1)
    assert sum(p.numel() for p in head.parameters()) == sum(a * b + b for a, b in itertools.pairwise(widths))
    assert vision + language + projector == 8_075_365_376  # the "8B" of InternVL2.5-8B


def test_a_video_is_refused_alone(judges, items):
    clip = ScoringItem("a red fox", Media(b"\x00\x00\x00\x18ftypmp42", "video/mp4"))
    with pytest.raises(PartialScores) as caught:
        judges["perception"].score_batch([items[0], clip])
    assert caught.value.failures == {1: "LMM4LMM scores images, not video/mp4"}
