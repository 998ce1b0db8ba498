"""IntJudge on transformers, exercised end to end on a tiny random Qwen2-VL checkpoint (2 layers).

The checkpoint is built once per session, saved to a folder and loaded through the same
``from_pretrained`` path the product uses for a local IntJudge download.
"""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
import torch
from PIL import Image
from support.random_qwen_vl import save_random_checkpoint

from genjudge.core.records import Step
from genjudge.judges.continuations import continuation_logprobs
from genjudge.judges.intjudge import IntJudge, JudgeModelNotFound, length_groups
from genjudge.judges.prompts import INTJUDGE_SYSTEM_PROMPT, PAIRWISE_SYSTEM_PROMPT, VERDICT_STRINGS
from genjudge.judges.protocol import VERDICT_LABELS, PairwiseItem, PairwiseJudge, PartialVerdicts, Unparseable


def png(seed: int, width: int = 60, height: int = 90) -> bytes:
    rng = np.random.default_rng(seed)
    buffer = io.BytesIO()
    Image.fromarray((rng.random((height, width, 3)) * 255).astype("uint8")).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory: pytest.TempPathFactory):
    return save_random_checkpoint(tmp_path_factory.mktemp("tiny-intjudge"), "tiny", seed=0)


@pytest.fixture(scope="session")
def judge(checkpoint) -> IntJudge:
    return IntJudge(model=str(checkpoint), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def items() -> list[PairwiseItem]:
    """Pairs of different lengths and image counts, so batching needs padding."""
    return [
        PairwiseItem(
            question=(Step("<BEGIN>Plan a two-day trip to Kyoto.", png(1)),),
            output_a=(Step("Day 1: temples.", png(2)), Step("Day 2: markets.", png(3, 90, 40))),
            output_b=(Step("Visit Kyoto."),),
        ),
        PairwiseItem(
            question=(Step("Bake a cake in three steps."),),
            output_a=(),
            output_b=(Step("Mix the flour.", png(4)), Step("Bake it."), Step("Let it cool.", png(5))),
        ),
        PairwiseItem(
            question=(Step("Draw a fox.", png(6, 30, 30)), Step("Now make it jump.")),
            output_a=(Step("", png(7)),),
            output_b=(Step("The fox jumps over the lazy dog.", png(8)),),
        ),
    ]


def reference_logprobs(judge: IntJudge, item: PairwiseItem) -> torch.Tensor:
    """Summed verdict log-probabilities the slow, obvious way: one full forward pass per verdict."""
    prompt = judge.inputs.batch([judge.prompt(item)])
    scores = []
    for ids in judge.verdict_token_ids:
        cont = torch.tensor([ids])
        full = {
            **prompt,
            "input_ids": torch.cat([prompt["input_ids"], cont], dim=1),
            "attention_mask": torch.ones(1, prompt["input_ids"].shape[1] + len(ids), dtype=torch.long),
            "mm_token_type_ids": torch.cat(
                [prompt["mm_token_type_ids"], torch.zeros_like(cont)], dim=1
            ).int(),
        }
        with torch.no_grad():
            logits = judge.model(**full).logits[0].float()
        logprobs = torch.log_softmax(logits, dim=-1)
        start = prompt["input_ids"].shape[1] - 1
        scores.append(sum(float(logprobs[start + k, token]) for k, token in enumerate(ids)))
    return torch.tensor(scores)


def force_reply(judge: IntJudge, text: str) -> None:
    """Rewire the model into a bigram machine whose greedy reply to any prompt is ``text``.

    Attention and MLP outputs are zeroed, so the last hidden state is the current token's
    embedding; the LM head then maps each token of the chain (prompt end, reply tokens) to the next.
    """
    tokenizer = judge.inputs.tokenizer
    chain = [
        tokenizer.convert_tokens_to_ids("Ċ"),
        *judge.inputs.token_ids(text),
        tokenizer.convert_tokens_to_ids("<|im_end|>"),
    ]
    assert len(set(chain)) == len(chain), "the chain must not repeat a token"
    language = judge.model.model.language_model
    with torch.no_grad():
        for layer in language.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        for current, following in itertools.pairwise(chain):
            hidden = language.norm(language.embed_tokens.weight[current])
            judge.model.lm_head.weight[following] += 50.0 * hidden / hidden.dot(hidden)


def test_intjudge_implements_the_pairwise_protocol(judge):
    assert isinstance(judge, PairwiseJudge)
    assert judge.judge_id == "intjudge"
    assert judge.revision.startswith("local-sha256:")
    assert judge.prompt_version == "opening-pairwise-intjudge-v1"


def test_score_mode_returns_a_verdict_and_probabilities_for_every_item(judge, items):
    verdicts = judge.judge_batch(items)
    assert len(verdicts) == len(items)
    for verdict in verdicts:
        assert verdict.winner in VERDICT_LABELS
        assert set(verdict.probabilities) == set(VERDICT_LABELS)
        assert sum(verdict.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert verdict.winner == max(verdict.probabilities, key=verdict.probabilities.get)


def test_a_batch_scores_like_each_item_on_its_own(judge, items):
    batched = judge.verdict_logprobs(items)
    single = torch.cat([judge.verdict_logprobs([item]) for item in items])
    torch.testing.assert_close(batched, single, atol=1e-4, rtol=1e-4)


def test_prompts_are_grouped_by_length_within_a_token_budget(judge, items):
    assert length_groups([50, 10, 40, 30], max_tokens=100) == [[1, 3], [2, 0]]
    assert length_groups([500, 10], max_tokens=100) == [[1], [0]], "too long alone still runs"
    small_groups = IntJudge.from_components(judge.model, judge.inputs, revision="x", max_batch_tokens=1)
    torch.testing.assert_close(small_groups.verdict_logprobs(items), judge.verdict_logprobs(items))


def test_cached_prefix_scoring_matches_full_forward_passes(judge, items):
    """The KV-cache shortcut and explicit M-RoPE positions give the plain computation's numbers."""
    batched = judge.verdict_logprobs(items)
    for row, item in enumerate(items):
        torch.testing.assert_close(batched[row], reference_logprobs(judge, item), atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("label", ["B", "Tie(A)"])
def test_score_mode_agrees_with_generate_mode_when_generate_gives_a_verdict(checkpoint, items, label):
    scorer = IntJudge(model=str(checkpoint), device="cpu", local_files_only=True)
    generator = IntJudge(model=str(checkpoint), device="cpu", mode="generate", local_files_only=True)
    force_reply(scorer, VERDICT_STRINGS[label])
    force_reply(generator, VERDICT_STRINGS[label])
    assert generator.generate_reply(items[0]) == VERDICT_STRINGS[label]
    generated = generator.judge_batch(items)
    scored = scorer.judge_batch(items)
    assert [v.winner for v in generated] == [label] * len(items)
    assert [v.winner for v in scored] == [label] * len(items)
    assert all(v.raw == VERDICT_STRINGS[label] for v in generated)


def test_generate_mode_reports_replies_that_name_no_verdict(checkpoint, items):
    generator = IntJudge(model=str(checkpoint), device="cpu", mode="generate", local_files_only=True)
    force_reply(generator, "Tie")
    with pytest.raises(PartialVerdicts) as caught:
        generator.judge_batch(items[:2])
    assert caught.value.verdicts == [None, None]
    assert caught.value.failures == {0: Unparseable("Tie"), 1: Unparseable("Tie")}
    assert "reply names no verdict: 'Tie'" in str(caught.value)


def test_generate_mode_can_lean_like_the_official_script(checkpoint, items):
    generator = IntJudge(
        model=str(checkpoint), device="cpu", mode="generate", on_unparseable="official", local_files_only=True
    )
    force_reply(generator, "Tie")
    first = generator.judge_batch(items)
    again = generator.judge_batch(list(reversed(items)))
    assert all(v.winner in ("Tie(A)", "Tie(B)") for v in first)
    assert [v.winner for v in first] == [
        v.winner for v in reversed(again)
    ]  # seeded per item, not per position
    assert all(v.probabilities["Tie(A)"] == 0.5 for v in first)
    assert generator.judge_id == "intjudge-generate-128-official-lean"


def test_images_reach_the_model_in_prompt_order_with_their_token_counts(judge, items):
    prompts = [judge.prompt(item) for item in items]
    batch = judge.inputs.batch(prompts)
    assert batch["image_grid_thw"].shape[0] == sum(len(p.images) for p in prompts) == 8
    # the 90x40 image of answer A in item 0 (image 2) is the only one wider than tall
    grids = batch["image_grid_thw"].tolist()
    assert grids[2][1] < grids[2][2] and all(g[1] >= g[2] for i, g in enumerate(grids) if i != 2)
    per_prompt = (batch["mm_token_type_ids"] == 1).sum(dim=1).tolist()
    merged = [t * h * w // 4 for t, h, w in grids]
    assert per_prompt == [sum(merged[0:3]), sum(merged[3:5]), sum(merged[5:8])]
    image_token = judge.inputs.image_token_id
    assert torch.equal(batch["mm_token_type_ids"] == 1, batch["input_ids"] == image_token)
    assert (batch["attention_mask"][:, -1] == 1).all(), "prompts are left-padded"


def test_intjudge_sends_the_official_system_message_by_default(judge, checkpoint, items):
    assert judge.prompt(items[0]).system == INTJUDGE_SYSTEM_PROMPT
    own = IntJudge(model=str(checkpoint), device="cpu", system_prompt="genjudge", local_files_only=True)
    assert own.prompt(items[0]).system == PAIRWISE_SYSTEM_PROMPT
    assert own.prompt_version == "opening-pairwise-v1" != judge.prompt_version


def test_a_system_prompt_file_changes_the_prompt_version(checkpoint, tmp_path, items):
    official = tmp_path / "judge_system.txt"
    official.write_text("Judge the two answers. **Data to Review:**", encoding="utf-8")
    judge = IntJudge(model=str(checkpoint), device="cpu", system_prompt_path=official, local_files_only=True)
    assert judge.prompt_version.startswith("opening-pairwise-v1/file-sha256:")
    assert judge.prompt(items[0]).system == "Judge the two answers. **Data to Review:**"
    official.write_text("Another wording.", encoding="utf-8")
    edited = IntJudge(model=str(checkpoint), device="cpu", system_prompt_path=official, local_files_only=True)
    assert edited.prompt_version != judge.prompt_version


def test_different_local_weights_get_different_revisions(checkpoint, judge, tmp_path):
    other = save_random_checkpoint(tmp_path / "other", "tiny", seed=1)
    again = IntJudge(model=str(checkpoint), device="cpu", local_files_only=True)
    assert again.revision == judge.revision
    assert IntJudge(model=str(other), device="cpu", local_files_only=True).revision != judge.revision


def test_offline_without_the_checkpoint_says_what_to_download_and_how_to_pass_it(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(JudgeModelNotFound) as caught:
        IntJudge(local_files_only=True)
    message = str(caught.value)
    assert "hf download IntJudge/IntJudge --local-dir" in message
    assert "huggingface-cli download IntJudge/IntJudge" in message
    assert "IntJudge(model=" in message and "load_judge('intjudge', model=" in message
    assert "evaluate.load('intjudge'" in message


def test_a_missing_local_folder_is_reported_as_missing_not_as_a_bad_repo_id(tmp_path):
    folder = tmp_path / "no-such-folder"
    with pytest.raises(JudgeModelNotFound) as caught:
        IntJudge(model=str(folder), local_files_only=True)
    message = str(caught.value)
    assert f"The IntJudge checkpoint folder '{folder}' does not exist" in message
    assert f"hf download IntJudge/IntJudge --local-dir {folder}" in message
    assert "repo id" not in message.lower() and "repo_id" not in message


def test_a_file_given_as_the_model_folder_is_refused(tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"")
    with pytest.raises(JudgeModelNotFound, match="is a file; pass the IntJudge checkpoint folder"):
        IntJudge(model=str(weights), local_files_only=True)


def test_a_hub_id_that_is_not_cached_keeps_the_download_instructions(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(JudgeModelNotFound) as caught:
        IntJudge(model="someone/judge-checkpoint", local_files_only=True)
    message = str(caught.value)
    assert "(There is no local folder 'someone/judge-checkpoint' either.)" in message
    assert "hf download IntJudge/IntJudge --local-dir ./judges/IntJudge" in message


def test_bad_options_are_rejected(checkpoint):
    with pytest.raises(ValueError, match="mode must be"):
        IntJudge(model=str(checkpoint), mode="sample", local_files_only=True)  # type: ignore[arg-type]


def test_a_chat_template_kept_in_the_processors_file_is_found(checkpoint, tmp_path, items):
    """Real Qwen2-VL folders may keep the template in chat_template.json rather than the tokenizer config."""
    import json
    import shutil

    folder = shutil.copytree(checkpoint, tmp_path / "ckpt")
    config = json.loads((folder / "tokenizer_config.json").read_text())
    template = config.pop("chat_template", None) or (folder / "chat_template.jinja").read_text()
    (folder / "chat_template.jinja").unlink(missing_ok=True)
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    (folder / "chat_template.json").write_text(json.dumps({"chat_template": template}))
    judge = IntJudge(model=str(folder), device="cpu", local_files_only=True)
    assert judge.inputs.render(judge.prompt(items[0])).startswith("<|im_start|>system\n")


def test_max_pixels_caps_the_image_tokens(checkpoint, judge, items):
    capped = IntJudge(model=str(checkpoint), device="cpu", max_pixels=28 * 28 * 2, local_files_only=True)
    prompt = judge.prompt(items[0])
    patches = judge.inputs.batch([prompt])["image_grid_thw"].prod(dim=-1)
    capped_patches = capped.inputs.batch([prompt])["image_grid_thw"].prod(dim=-1)
    assert patches.tolist() == [24, 24, 24]
    assert capped_patches.tolist() == [4, 4, 8]


def test_the_benchmark_7b_architecture_has_qwen2_vl_7b_shapes():
    """The GPU benchmark's random model is built on the meta device here: shapes only, no memory."""
    from support.random_qwen_vl import random_components

    model, _ = random_components("7b", device="meta", dtype=torch.bfloat16)
    assert sum(p.numel() for p in model.parameters()) == 8_291_375_616  # the 8.29 B of Qwen2-VL-7B
    assert model.config.text_config.hidden_size == 3584
    assert model.config.vision_config.depth == 32


def test_images_prepared_in_threads_give_the_inputs_and_verdicts_of_one_thread(judge, items):
    """Score mode prepares a batch's images in several threads; the model must see the same tensors."""
    prompts = [judge.prompt(item) for item in items]
    one_thread = [judge.inputs.encode(prompt) for prompt in prompts]
    threads = judge.inputs.encode_many(prompts, workers=3)
    for alone, threaded in zip(one_thread, threads, strict=True):
        assert alone.input_ids == threaded.input_ids
        assert torch.equal(alone.pixel_values, threaded.pixel_values)
        assert torch.equal(alone.image_grid_thw, threaded.image_grid_thw)

    expected = torch.empty(len(items), len(VERDICT_LABELS))
    for group in length_groups([len(e.input_ids) for e in one_thread], judge.max_batch_tokens):
        batch = judge.inputs.collate([one_thread[i] for i in group])
        expected[group] = continuation_logprobs(
            judge.model, batch, judge.verdict_token_ids, judge.inputs.pad_token_id
        )
    assert torch.equal(judge.verdict_logprobs(items), expected)
    assert [v.winner for v in judge.judge_batch(items)] == [
        VERDICT_LABELS[int(i)] for i in expected.argmax(-1)
    ]
