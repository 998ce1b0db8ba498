"""Fine-tuning a tiny random Qwen2-VL judge: the prompt layout, the loss, learning a real signal,
loading the result back through ``--judge intjudge``, and resuming a killed run."""

from __future__ import annotations

import json

import pytest
from huggingface_hub import ModelCard
from training.conftest import save_base
from transformers import TrainerCallback
from typer.testing import CliRunner

from genjudge.cli import app
from genjudge.judges.intjudge import IntJudge
from genjudge.judges.prompts import INTJUDGE_SYSTEM_PROMPT, PAIRWISE_SYSTEM_PROMPT, VERDICT_STRINGS
from genjudge.judges.protocol import JudgeModelNotFound
from genjudge.judges.registry import load_judge
from genjudge.training import build_training_set, load_split, write_training_repo
from genjudge.training.evaluation import heldout_agreement
from genjudge.training.examples import IGNORE_INDEX, VerdictCollator, row_item
from genjudge.training.run import judge_options
from genjudge.training.tiny_base import main as save_tiny_base
from genjudge.training.trainer import TrainOptions, load_base, train_judge, training_system_prompt

FAST = {
    "batch_size": 8,
    "gradient_accumulation": 1,
    "lora_rank": 8,
    "lora_alpha": 16,
    "lora_dropout": 0.0,
    "logging_steps": 1,
}


def test_the_collator_trains_on_the_verdict_after_the_exact_prompt_the_backend_scores(
    tmp_path, sample_release, sample_verdicts
):
    _, instances, outputs = sample_release
    write_training_repo(
        build_training_set(instances, outputs, [sample_verdicts]), tmp_path / "d", progress=False
    )
    rows = load_split(tmp_path / "d", "train").select(range(3))
    network, inputs = load_base(str(save_base(tmp_path / "base")), TrainOptions())
    judge = IntJudge.from_components(network, inputs, revision="r")
    batch = VerdictCollator(inputs, training_system_prompt(TrainOptions()), include_reference=False)(rows)

    for index, row in enumerate(rows):
        prompt_ids = inputs.encode(judge.prompt(row_item(row))).input_ids
        verdict_ids = judge.verdict_token_ids[list(VERDICT_STRINGS).index(row["winner"])]
        expected = prompt_ids + verdict_ids + [inputs.tokenizer.convert_tokens_to_ids("<|im_end|>")]
        ids = batch["input_ids"][index][batch["attention_mask"][index].bool()].tolist()
        labels = batch["labels"][index].tolist()
        assert ids == expected
        assert labels[-len(verdict_ids) - 1 :] == expected[-len(verdict_ids) - 1 :]
        assert set(labels[: -len(verdict_ids) - 1]) == {IGNORE_INDEX}
    assert "pixel_values" in batch  # the sample's answers carry images


def test_training_prompts_carry_the_official_intjudge_message_unless_told_otherwise():
    assert training_system_prompt(TrainOptions()).text == INTJUDGE_SYSTEM_PROMPT
    assert judge_options(TrainOptions()) == {}
    own = TrainOptions(system_prompt="genjudge")
    assert training_system_prompt(own).text == PAIRWISE_SYSTEM_PROMPT
    assert judge_options(own) == {"system_prompt": "genjudge"}, "the card tells how to judge like training"
    with pytest.raises(ValueError, match="unknown built-in system prompt 'gpt'"):
        TrainOptions(system_prompt="gpt")


def test_a_few_steps_on_interleaved_pairs_bring_the_loss_down(tmp_path, sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    write_training_repo(
        build_training_set(instances, outputs, [sample_verdicts]), tmp_path / "d", progress=False
    )
    options = TrainOptions(
        max_steps=4,
        batch_size=2,
        gradient_accumulation=1,
        learning_rate=5e-3,
        max_pixels=56 * 56,
        logging_steps=1,
    )
    base = save_base(tmp_path / "base")
    result = train_judge(load_split(tmp_path / "d", "train"), str(base), tmp_path / "judge", options)

    assert result.global_step == 4 and len(result.losses) == 4
    assert result.losses[-1] < 0.6 * result.losses[0]
    assert (tmp_path / "judge" / "adapter_model.safetensors").is_file()


@pytest.fixture(scope="module")
def trained(tmp_path_factory, synthetic_repo, synthetic_base, short_system_prompt):
    """One CLI training run on the synthetic task (40 steps of 8 pairs)."""
    out = tmp_path_factory.mktemp("trained") / "judge"
    result = CliRunner().invoke(
        app,
        [
            "judge",
            "train",
            "--data",
            str(synthetic_repo),
            "--base-model",
            str(synthetic_base),
            "--out",
            str(out),
            "--max-steps",
            "40",
            "--batch-size",
            "8",
            "--gradient-accumulation",
            "1",
            "--learning-rate",
            "1e-2",
            "--lora-rank",
            "8",
            "--lora-alpha",
            "16",
            "--save-steps",
            "1000",
            "--logging-steps",
            "1",
            "--system-prompt",
            str(short_system_prompt),
        ],
    )
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "genjudge_training.json").read_text(encoding="utf-8"))


def test_held_out_agreement_rises_well_above_chance_on_seen_and_unseen_models(trained):
    _, record = trained
    before, after = record["agreement_before"]["agreement"], record["agreement_after"]["agreement"]

    assert before["all"]["fdt"] < 0.7  # an untrained judge is near chance (50 %) on these pairs
    for group in ("seen", "unseen"):
        assert after[group]["fdt"] >= 0.8, (group, after)
    assert after["all"]["fdt"] - before["all"]["fdt"] >= 0.25
    assert record["losses"][-1] < record["losses"][0] / 10


def test_the_model_card_reports_the_measured_agreement(trained):
    out, record = trained
    card = ModelCard.load(out / "README.md")
    results = {r.metric_name: r.metric_value for r in card.data.eval_results}
    fdt_unseen = record["agreement_after"]["agreement"]["unseen"]["fdt"]

    assert card.data.library_name == "peft" and card.data.base_model.endswith("tiny-qwen2-vl")
    assert results["Agreement with human verdicts (FDT, unseen)"] == round(100 * fdt_unseen, 2)
    options = "--option model=<this folder> --option system_prompt_path=<this folder>/system_prompt.txt"
    assert f"--judge intjudge {options}" in card.text


def test_the_saved_adapter_judges_through_the_registry_as_it_did_after_training(trained, synthetic_repo):
    out, record = trained
    judge = load_judge(
        "intjudge", model=str(out), system_prompt_path=str(out / "system_prompt.txt"), device="cpu"
    )
    test_rows = load_split(synthetic_repo, "test")
    agreement = heldout_agreement(judge, test_rows, ["Noise-2"], progress=False)

    assert judge.revision.startswith("local-sha256:")
    assert agreement.to_dict()["agreement"] == record["agreement_after"]["agreement"]


class StepsRun(TrainerCallback):
    """Records the optimiser steps this process ran."""

    def __init__(self) -> None:
        self.steps: list[int] = []

    def on_step_end(self, args, state, control, **kwargs):
        self.steps.append(state.global_step)


class Crash(RuntimeError):
    pass


class CrashAfter(TrainerCallback):
    """Stands in for a killed process: the run dies after ``step`` optimiser steps."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step >= self.step:
            raise Crash(f"killed after step {state.global_step}")


def test_a_killed_run_resumes_from_its_last_checkpoint_and_finishes(tmp_path, synthetic_repo, synthetic_base):
    rows = load_split(synthetic_repo, "train")
    options = TrainOptions(max_steps=5, save_steps=2, learning_rate=1e-2, progress=False, **FAST)
    out = tmp_path / "judge"
    with pytest.raises(Crash):
        train_judge(rows, str(synthetic_base), out, options, callbacks=[CrashAfter(3)])
    assert sorted(p.name for p in (out / "checkpoints").glob("checkpoint-*")) == ["checkpoint-2"]

    with pytest.raises(FileExistsError, match="--resume"):
        train_judge(rows, str(synthetic_base), out, options)
    steps = StepsRun()
    result = train_judge(rows, str(synthetic_base), out, options, resume=True, callbacks=[steps])

    assert result.resumed_from.endswith("checkpoint-2")
    assert steps.steps == [3, 4, 5]  # the lost step 3 runs again, steps 1 and 2 do not
    assert result.global_step == 5 and len(result.losses) == 5  # the log comes back with the checkpoint
    assert (out / "adapter_model.safetensors").is_file()


def test_merged_weights_judge_like_the_trained_network(tmp_path, synthetic_repo, synthetic_base):
    options = TrainOptions(max_steps=2, learning_rate=1e-2, merge=True, progress=False, **FAST)
    rows = load_split(synthetic_repo, "train")
    result = train_judge(rows, str(synthetic_base), tmp_path / "judge", options)
    rows = load_split(synthetic_repo, "test").select(range(6))
    in_memory = IntJudge.from_components(result.network, result.inputs, revision="r").verdict_logprobs(
        [row_item(row) for row in rows]
    )
    loaded = load_judge("intjudge", model=str(tmp_path / "judge"), device="cpu")

    assert not (tmp_path / "judge" / "adapter_config.json").exists()
    assert loaded.verdict_logprobs([row_item(row) for row in rows]).allclose(in_memory, atol=1e-4)


def test_an_adapter_whose_base_is_gone_says_which_folder_is_missing(tmp_path):
    (tmp_path / "adapter_config.json").write_text(
        json.dumps({"peft_type": "LORA", "base_model_name_or_path": str(tmp_path / "gone")}), encoding="utf-8"
    )
    with pytest.raises(JudgeModelNotFound, match="gone' does not exist"):
        load_judge("intjudge", model=str(tmp_path), device="cpu")


def test_train_names_a_missing_base_checkpoint_folder(tmp_path, synthetic_repo):
    result = CliRunner().invoke(
        app,
        [
            "judge",
            "train",
            "--data",
            str(synthetic_repo),
            "--base-model",
            str(tmp_path / "no-base"),
            "--out",
            str(tmp_path / "j"),
        ],
    )

    assert result.exit_code == 2
    assert "no-base' does not exist" in result.output
    assert not (tmp_path / "j").exists()
    assert "hf download Qwen/Qwen2-VL-7B-Instruct --local-dir" in result.output
    assert "IntJudge/IntJudge" not in result.output


def test_train_offline_names_the_base_model_to_download_and_how_to_point_at_it(tmp_path, synthetic_repo):
    result = CliRunner().invoke(
        app, ["judge", "train", "--data", str(synthetic_repo), "--out", str(tmp_path / "j")]
    )

    assert result.exit_code == 2
    assert "Could not load the base model 'Qwen/Qwen2-VL-7B-Instruct'" in result.output
    assert "hf download Qwen/Qwen2-VL-7B-Instruct --local-dir ./Qwen2-VL-7B-Instruct" in result.output
    assert "genjudge judge train ... --base-model ./Qwen2-VL-7B-Instruct" in result.output
    assert "IntJudge/IntJudge" not in result.output


def test_the_shipped_tiny_base_is_a_checkpoint_judge_train_loads(tmp_path, capsys):
    save_tiny_base([str(tmp_path / "tiny-qwen2-vl")])

    network, inputs = load_base(str(tmp_path / "tiny-qwen2-vl"), TrainOptions())
    assert "--base-model" in capsys.readouterr().out
    assert type(network).__name__ == "Qwen2VLForConditionalGeneration"
    assert inputs.tokenizer.convert_tokens_to_ids("<|image_pad|>") == network.config.image_token_id
