"""The official checkpoint layout converts to transformers' InternVL with the same outputs.

A tiny random checkpoint is written exactly as the release stores it (PEFT-wrapped LoRA in the
safetensors, the LoRA pairs again in ``lora_weights.pth``, fused ``wqkv``/``qkv``, ``mlpscore``),
run through an independent re-implementation of the official forward (tests/support/
official_lmm4lmm.py, LoRA unmerged), and compared with the converted model on the same inputs.
"""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file
from support.official_lmm4lmm import OfficialReference

from genjudge.judges.lmm4lmm.conversion import (
    CheckpointLayoutError,
    convert_state_dict,
    load_converted,
    load_official,
    merge_lora,
    save_converted,
    split_wqkv,
)
from genjudge.judges.lmm4lmm.inputs import InternVLInputs
from genjudge.judges.lmm4lmm.judge import LMM4LMMJudge
from genjudge.judges.protocol import Media, ScoringItem


@pytest.fixture(scope="module")
def reference(official_folder):
    state = load_file(official_folder / "model.safetensors")
    state.update(
        torch.load(official_folder / "lora_weights.pth", weights_only=True)
    )  # loaded last, as officially
    return OfficialReference(state, json.loads((official_folder / "config.json").read_text()))


@pytest.fixture(scope="module")
def converted(official_folder, tokenizer):
    return load_official(official_folder, InternVLInputs(tokenizer).image_token_id)


@pytest.fixture(scope="module")
def encoded(tokenizer, png):
    inputs = InternVLInputs(tokenizer, tokens_per_tile=64)  # 448-px tiles, 28-px patches, pixel shuffle
    return inputs, inputs.encode(
        png((180, 40, 90), (96, 64)),
        "How would you rate the quality of this image?",
        "The quality of the image is excellent.",
    )


def test_converted_model_gives_the_official_logits_hidden_states_and_score(reference, converted, encoded):
    model, head = converted
    inputs, row = encoded
    pixels = torch.from_numpy(row.pixel_values)
    ids = torch.tensor(row.input_ids)
    with torch.no_grad():
        official_hidden = reference.language(ids, reference.image_embeddings(pixels), inputs.image_token_id)
        out = model(input_ids=ids[None], pixel_values=pixels, attention_mask=torch.ones_like(ids)[None])
        hidden = model.model(input_ids=ids[None], pixel_values=pixels).last_hidden_state
        score = head(hidden[:, -4])
    assert official_hidden.shape == hidden.shape
    torch.testing.assert_close(hidden, official_hidden, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(out.logits, reference.logits(official_hidden), rtol=1e-4, atol=1e-3)
    official_score = reference.score(official_hidden)
    assert float(official_score) > 0  # the check means something: the ReLU head is not clamped at 0
    torch.testing.assert_close(score, official_score, rtol=1e-4, atol=1e-4)


def test_the_judge_on_an_official_folder_scores_as_the_official_forward(
    official_folder, reference, encoded, png
):
    judge = LMM4LMMJudge(task="perception", model=str(official_folder), device="cpu")
    image = png((180, 40, 90), (96, 64))
    (scores,) = judge.score_batch([ScoringItem(prompt="anything", media=Media.image(image))])
    inputs, row = encoded
    with torch.no_grad():
        hidden = reference.language(
            torch.tensor(row.input_ids),
            reference.image_embeddings(torch.from_numpy(row.pixel_values)),
            inputs.image_token_id,
        )
    assert scores["perception"] == pytest.approx(float(reference.score(hidden)), rel=1e-4)
    assert judge.revision.startswith("local-sha256:")


def test_a_converted_folder_round_trips(tmp_path, converted, tokenizer, encoded):
    model, head = converted
    folder = save_converted(tmp_path / "converted", model, head, tokenizer, source="test")
    again, again_head = load_converted(folder)
    inputs, row = encoded
    batch = inputs.collate([row], "cpu", torch.float32)
    with torch.no_grad():
        first = head(model.model(**batch).last_hidden_state[:, -4])
        second = again_head(again.model(**batch).last_hidden_state[:, -4])
    torch.testing.assert_close(first, second)


def test_split_wqkv_follows_internlm2_grouping():
    heads, kv, dim, hidden = 4, 2, 3, 5
    groups = heads // kv
    # label every row with (kv group, slot in group): slots 0..groups-1 are queries, then k, then v
    rows = [(g, slot) for g in range(kv) for slot in range(groups + 2) for _ in range(dim)]
    wqkv = torch.tensor([[g * 10 + slot] * hidden for g, slot in rows], dtype=torch.float32)
    query, key, value = split_wqkv(wqkv, heads, kv)
    assert query[:, 0].reshape(heads, dim)[:, 0].tolist() == [0, 1, 10, 11]  # query head h*groups+j
    assert key[:, 0].reshape(kv, dim)[:, 0].tolist() == [2, 12]
    assert value[:, 0].reshape(kv, dim)[:, 0].tolist() == [3, 13]


def test_both_peft_layouts_merge_to_the_same_weight():
    base, a, b = torch.randn(6, 4), torch.randn(2, 4), torch.randn(6, 2)
    new = {
        "language_model.base_model.model.x.wo.base_layer.weight": base,
        "language_model.base_model.model.x.wo.lora_A.default.weight": a,
        "language_model.base_model.model.x.wo.lora_B.default.weight": b,
    }
    old = {
        "language_model.base_model.model.x.wo.weight": base,
        "language_model.base_model.model.x.wo.lora_A.default.weight": a,
        "language_model.base_model.model.x.wo.lora_B.default.weight": b,
    }
    expected = base + 2.0 * b @ a
    torch.testing.assert_close(merge_lora(new, 2.0)["language_model.x.wo.weight"], expected)
    torch.testing.assert_close(merge_lora(old, 2.0)["language_model.x.wo.weight"], expected)


def test_half_a_lora_pair_is_an_error():
    with pytest.raises(CheckpointLayoutError, match="lack lora_B"):
        merge_lora(
            {
                "vision_model.a.weight": torch.ones(2, 2),
                "vision_model.a.lora_A.default.weight": torch.ones(1, 2),
            },
            2.0,
        )


def test_an_unknown_checkpoint_key_is_named(official_folder, tokenizer):
    from support.random_internvl import official_config

    state = merge_lora(load_file(official_folder / "model.safetensors"), 2.0)
    state["language_model.model.layers.0.attention.rotary_emb.inv_freq"] = torch.ones(2)
    with pytest.raises(CheckpointLayoutError, match=r"rotary_emb\.inv_freq"):
        convert_state_dict(state, official_config("tiny", tokenizer))
