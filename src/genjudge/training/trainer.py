"""Fine-tune a Qwen2-VL judge on a built training set with TRL's ``SFTTrainer`` and a PEFT LoRA adapter.

The base checkpoint is loaded the way ``--judge intjudge`` loads it (:class:`IntJudge`; a missing
one fails with a message naming the base model to download and ``--base-model``), the rows are turned into
the backend's own prompts by :class:`~genjudge.training.examples.VerdictCollator`, and only the
verdict tokens carry loss. Every training pair is also shown with its answers swapped (and the
verdict flipped), so the judge cannot profit from a position preference.

Layout of ``output_dir`` (which is then itself a judge folder for ``--judge intjudge``)::

    adapter_config.json, adapter_model.safetensors   the LoRA adapter (base recorded by path or id)
      or config.json, model*.safetensors              merged weights, with ``merge=True``
    tokenizer*, preprocessor_config.json, chat_template.jinja
    system_prompt.txt                                  the system prompt, when read from a file
    genjudge_training.json                             options, loss history, held-out agreement
    checkpoints/checkpoint-<step>/                     Trainer checkpoints, for resuming
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from datasets import Dataset

from genjudge.judges.intjudge import IntJudge
from genjudge.judges.prompts import BUILTIN_PAIRWISE_PROMPTS, SystemPrompt, pairwise_system_prompt
from genjudge.judges.protocol import JudgeModelNotFound
from genjudge.judges.qwen_vl_inputs import QwenVLInputs
from genjudge.training.base_model import base_not_found_message
from genjudge.training.examples import VerdictCollator
from genjudge.training.schema import RAW_JUDGE_FEATURES, swapped

LORA_TARGETS = r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)"
"""LoRA goes on the language model's attention and MLP projections; the vision tower stays frozen."""

CHECKPOINTS = "checkpoints"
RECORD_FILE = "genjudge_training.json"
SYSTEM_PROMPT_FILE = "system_prompt.txt"


@dataclass
class TrainOptions:
    """What a training run does; every field is recorded in ``genjudge_training.json``.

    ``max_steps`` > 0 overrides ``epochs``. ``include_reference`` shows the gold answer to the
    judge (then judge with ``include_reference=true``). ``system_prompt`` names the built-in system
    message: ``"intjudge"``, the official sentence IntJudge was fine-tuned with (the default, and
    what ``--judge intjudge`` sends by default), or ``"genjudge"`` (then judge with
    ``system_prompt=genjudge``); ``system_prompt_path`` replaces either with a file's text (then
    judge with the same ``system_prompt_path``).
    """

    epochs: float = 1.0
    max_steps: int = -1
    learning_rate: float = 1e-4
    batch_size: int = 1
    gradient_accumulation: int = 8
    lora_rank: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    save_steps: int = 100
    save_total_limit: int = 2
    seed: int = 0
    bf16: bool = False
    gradient_checkpointing: bool = False
    swap_augment: bool = True
    include_reference: bool = False
    system_prompt: str = "intjudge"
    system_prompt_path: str | None = None
    max_pixels: int | None = None
    merge: bool = False
    logging_steps: int = 10
    progress: bool = True

    def __post_init__(self) -> None:
        if self.system_prompt not in BUILTIN_PAIRWISE_PROMPTS:
            names = ", ".join(repr(name) for name in BUILTIN_PAIRWISE_PROMPTS)
            raise ValueError(f"unknown built-in system prompt {self.system_prompt!r}; choose one of {names}")


@dataclass
class TrainResult:
    """The trained judge folder and what the trainer logged."""

    output_dir: Path
    global_step: int
    network: torch.nn.Module
    inputs: QwenVLInputs
    losses: list[float] = field(default_factory=list)
    resumed_from: str | None = None


def training_dataset(rows: Dataset | Sequence[dict[str, Any]], *, swap_augment: bool) -> Dataset:
    """The rows the trainer sees: each pair, and with ``swap_augment`` also its swapped copy.

    ``rows`` is a split from :func:`~genjudge.training.repo.load_split` or rows of the same shape.
    """
    from datasets import concatenate_datasets

    dataset = rows
    if not isinstance(dataset, Dataset):
        dataset = Dataset.from_list(list(rows), features=RAW_JUDGE_FEATURES)
    if not swap_augment:
        return dataset
    return concatenate_datasets([dataset, dataset.map(swapped, features=RAW_JUDGE_FEATURES)])


def load_base(
    model: str, options: TrainOptions, *, device: str | None = None
) -> tuple[torch.nn.Module, QwenVLInputs]:
    """The base network and input builder, loaded as ``--judge intjudge --option model=...`` loads them.

    Raises :class:`JudgeModelNotFound` naming the base model to download (not IntJudge's weights).
    """
    try:
        judge = IntJudge(
            model=model,
            revision="training-base",
            device=device,
            dtype=torch.bfloat16 if options.bf16 else torch.float32,
            max_pixels=options.max_pixels,
        )
        return judge.model, judge.inputs
    except JudgeModelNotFound as err:
        raise JudgeModelNotFound(base_not_found_message(model, err)) from err.__cause__


def last_checkpoint(output_dir: str | Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    folder = Path(output_dir) / CHECKPOINTS
    return get_last_checkpoint(str(folder)) if folder.is_dir() else None


def _sft_config(output_dir: Path, options: TrainOptions) -> Any:
    from trl import SFTConfig

    return SFTConfig(
        output_dir=str(output_dir / CHECKPOINTS),
        num_train_epochs=options.epochs,
        max_steps=options.max_steps,
        learning_rate=options.learning_rate,
        per_device_train_batch_size=options.batch_size,
        gradient_accumulation_steps=options.gradient_accumulation,
        lr_scheduler_type="constant",
        warmup_steps=0,
        save_strategy="steps",
        save_steps=options.save_steps,
        save_total_limit=options.save_total_limit,
        logging_steps=options.logging_steps,
        seed=options.seed,
        data_seed=options.seed,
        bf16=options.bf16,
        activation_checkpointing=options.gradient_checkpointing,
        max_length=None,
        remove_unused_columns=False,
        dataset_kwargs={"skip_prepare_dataset": True},
        report_to="none",
        disable_tqdm=not options.progress,
        dataloader_num_workers=0,
        use_cpu=not torch.cuda.is_available(),
    )


def _lora_config(options: TrainOptions) -> Any:
    from peft import LoraConfig

    return LoraConfig(
        r=options.lora_rank,
        lora_alpha=options.lora_alpha,
        lora_dropout=options.lora_dropout,
        target_modules=LORA_TARGETS,
        task_type="CAUSAL_LM",
    )


def training_system_prompt(options: TrainOptions) -> SystemPrompt:
    """The system message the training prompts carry, which the trained judge must be given too."""
    return pairwise_system_prompt(options.system_prompt_path, builtin=options.system_prompt)


def make_trainer(
    network: torch.nn.Module,
    inputs: QwenVLInputs,
    rows: Dataset | Sequence[dict[str, Any]],
    output_dir: str | Path,
    options: TrainOptions,
    *,
    callbacks: Sequence[Any] = (),
) -> Any:
    """The ``SFTTrainer`` for ``rows`` (already-built training rows), with a fresh LoRA adapter."""
    from trl import SFTTrainer

    collator = VerdictCollator(
        inputs,
        training_system_prompt(options),
        include_reference=options.include_reference,
    )
    return SFTTrainer(
        model=network,
        args=_sft_config(Path(output_dir), options),
        train_dataset=training_dataset(rows, swap_augment=options.swap_augment),
        data_collator=collator,
        processing_class=inputs.tokenizer,
        peft_config=_lora_config(options),
        callbacks=list(callbacks),
    )


def save_judge(
    trainer: Any, inputs: QwenVLInputs, output_dir: Path, base_model: str, options: TrainOptions
) -> None:
    """Write the adapter (or merged weights) with everything ``IntJudge(model=output_dir)`` reads."""
    model = trainer.model
    if options.merge:
        model.merge_and_unload().save_pretrained(output_dir)
    else:
        local = Path(base_model).expanduser()
        model.peft_config["default"].base_model_name_or_path = (
            str(local.resolve()) if local.is_dir() else base_model
        )
        model.save_pretrained(output_dir)
    inputs.tokenizer.save_pretrained(output_dir)
    inputs.image_processor.save_pretrained(output_dir)
    if inputs.chat_template:
        (output_dir / "chat_template.jinja").write_text(inputs.chat_template, encoding="utf-8")
    if options.system_prompt_path is not None:
        text = training_system_prompt(options).text
        (output_dir / SYSTEM_PROMPT_FILE).write_text(text, encoding="utf-8")


def train_judge(
    rows: Dataset | Sequence[dict[str, Any]],
    base_model: str,
    output_dir: str | Path,
    options: TrainOptions,
    *,
    resume: bool = False,
    network: torch.nn.Module | None = None,
    inputs: QwenVLInputs | None = None,
    callbacks: Sequence[Any] = (),
) -> TrainResult:
    """Train a LoRA judge on ``rows`` (the ``train`` split of a built set) and save it to ``output_dir``.

    ``resume`` continues from the newest checkpoint under ``output_dir/checkpoints`` (a fresh start
    when there is none); without it, existing checkpoints are refused rather than mixed with a new
    run. ``network``/``inputs`` skip loading ``base_model`` (tests, benchmarks); ``base_model`` is
    still what the adapter records as its base. The returned ``network`` is the base with the
    trained adapter in place, ready to judge.
    """
    output_dir = Path(output_dir)
    previous = last_checkpoint(output_dir)
    if previous and not resume:
        raise FileExistsError(
            f"{output_dir} already holds training checkpoints ({Path(previous).name}); pass resume "
            "(--resume) to continue that run, or choose another output folder"
        )
    if network is None or inputs is None:
        network, inputs = load_base(base_model, options)
    trainer = make_trainer(network, inputs, rows, output_dir, options, callbacks=callbacks)
    state = trainer.train(resume_from_checkpoint=previous if resume else None)
    save_judge(trainer, inputs, output_dir, base_model, options)
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    record = {
        "base_model": base_model,
        "options": asdict(options),
        "global_step": state.global_step,
        "resumed_from": previous if resume else None,
        "losses": losses,
    }
    (output_dir / RECORD_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")
    return TrainResult(output_dir, state.global_step, network, inputs, losses, previous if resume else None)
