"""A whole training run: read a built set, measure the base, train, measure again, write the model card.

This is what ``genjudge judge train`` does; the pieces are :mod:`~genjudge.training.repo` (the
data), :mod:`~genjudge.training.trainer` (TRL + LoRA), :mod:`~genjudge.training.evaluation`
(held-out agreement) and :mod:`~genjudge.training.model_card`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from datasets import Dataset

from genjudge.judges.intjudge import IntJudge
from genjudge.judges.qwen_vl_inputs import QwenVLInputs
from genjudge.scoring.agreement import Agreement
from genjudge.training.evaluation import heldout_agreement
from genjudge.training.model_card import render_model_card
from genjudge.training.repo import load_split, read_holdout
from genjudge.training.trainer import (
    RECORD_FILE,
    SYSTEM_PROMPT_FILE,
    TrainOptions,
    TrainResult,
    load_base,
    train_judge,
)


@dataclass
class RunReport:
    """The trained judge and its held-out agreement before and after training."""

    result: TrainResult
    before: Agreement | None
    after: Agreement
    card: Path


def judge_options(options: TrainOptions) -> dict[str, Any]:
    """The ``--judge intjudge`` options the trained judge needs to see prompts as in training, for
    the model card (the system prompt is the copy kept in the judge folder)."""
    settings: dict[str, Any] = {}
    if options.system_prompt_path is not None:
        settings["system_prompt_path"] = f"<this folder>/{SYSTEM_PROMPT_FILE}"
    elif options.system_prompt != "intjudge":
        settings["system_prompt"] = options.system_prompt
    if options.include_reference:
        settings["include_reference"] = True
    return settings


def _agreement(
    network: torch.nn.Module,
    inputs: QwenVLInputs,
    revision: str,
    rows: Dataset,
    unseen: Sequence[str],
    options: TrainOptions,
    batch_size: int,
) -> Agreement:
    judge = IntJudge.from_components(
        network,
        inputs,
        revision=revision,
        system_prompt=options.system_prompt,
        system_prompt_path=options.system_prompt_path,
        include_reference=options.include_reference,
    )
    return heldout_agreement(judge, rows, unseen, batch_size=batch_size, progress=options.progress)


def train_from_folder(
    data_dir: str | Path,
    base_model: str,
    output_dir: str | Path,
    options: TrainOptions,
    *,
    resume: bool = False,
    measure_before: bool = True,
    eval_batch_size: int = 8,
    dataset_id: str | None = None,
    network: torch.nn.Module | None = None,
    inputs: QwenVLInputs | None = None,
    callbacks: Sequence[Any] = (),
) -> RunReport:
    """Train on ``data_dir``'s ``train`` split and report agreement on its ``test`` split.

    ``network``/``inputs`` give an already loaded base (tests, benchmarks) instead of loading
    ``base_model``.
    """
    data_dir, output_dir = Path(data_dir), Path(output_dir)
    holdout = read_holdout(data_dir)
    train_rows = load_split(data_dir, "train")
    test_rows = load_split(data_dir, "test")
    if network is None or inputs is None:
        network, inputs = load_base(base_model, options)
    unseen = holdout.unseen_models
    before = None
    if measure_before:
        before = _agreement(network, inputs, "base", test_rows, unseen, options, eval_batch_size)
    result = train_judge(
        train_rows,
        base_model,
        output_dir,
        options,
        resume=resume,
        network=network,
        inputs=inputs,
        callbacks=callbacks,
    )
    after = _agreement(
        result.network,
        result.inputs,
        f"trained-{result.global_step}",
        test_rows,
        unseen,
        options,
        eval_batch_size,
    )
    card = output_dir / "README.md"
    card.write_text(
        render_model_card(
            name=output_dir.name,
            base_model=base_model,
            dataset=dataset_id or data_dir.name,
            after=after,
            before=before,
            holdout=holdout,
            train_pairs=Counter(train_rows["source"]),
            judge_options=judge_options(options),
            adapter=not options.merge,
            steps=result.global_step,
        ),
        encoding="utf-8",
    )
    record_path = output_dir / RECORD_FILE
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["agreement_after"] = after.to_dict()
    record["agreement_before"] = before.to_dict() if before is not None else None
    record_path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return RunReport(result, before, after, card)
