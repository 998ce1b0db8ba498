"""The model card (README.md) a training run writes next to the trained judge.

Its YAML header is a Hub model card (``huggingface_hub.ModelCardData``) whose ``model-index``
holds the held-out agreement with human verdicts measured after training: FDT, with tie and without
tie, for all held-out pairs and for seen and unseen models apart. The body repeats them next to the
agreement of the untrained base, and says how to judge with the result.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from huggingface_hub import EvalResult, ModelCardData

from genjudge.scoring.agreement import AGREEMENT_VARIANTS, Agreement
from genjudge.training.holdout import Holdout

VARIANT_NAMES = {"fdt": "FDT", "with_tie": "with tie", "without_tie": "without tie"}
GROUPS = ("all", "seen", "unseen")


def _percent(value: float) -> float:
    return round(100 * float(value), 2)


def eval_results(after: Agreement, dataset: str) -> list[EvalResult]:
    """One result per group and agreement variant, in percent."""
    results = []
    for group in GROUPS:
        if group not in after.table.index:
            continue
        for variant in AGREEMENT_VARIANTS:
            value = after.table.loc[group, variant]
            if pd.isna(value):  # an empty group
                continue
            results.append(
                EvalResult(
                    task_type="image-text-to-text",
                    task_name="Pairwise judging of interleaved image-text generation",
                    dataset_type=dataset,
                    dataset_name=f"held-out human verdicts ({group})",
                    dataset_split="test",
                    metric_type="accuracy",
                    metric_name=f"Agreement with human verdicts ({VARIANT_NAMES[variant]}, {group})",
                    metric_value=_percent(value),
                )
            )
    return results


def _table(before: Agreement | None, after: Agreement) -> str:
    lines = [
        "| held-out pairs | pairs | FDT | with tie | without tie | FDT before training |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for group in after.table.index:
        row = after.table.loc[group]
        cells = [f"{_percent(row[v]):.2f} %" if pd.notna(row[v]) else "–" for v in AGREEMENT_VARIANTS]
        prior = "–"
        if before is not None and group in before.table.index and pd.notna(before.table.loc[group, "fdt"]):
            prior = f"{_percent(before.table.loc[group, 'fdt']):.2f} %"
        lines.append(f"| {group} | {int(row['pairs'])} | {' | '.join(cells)} | {prior} |")
    return "\n".join(lines)


def render_model_card(
    *,
    name: str,
    base_model: str,
    dataset: str,
    after: Agreement,
    before: Agreement | None,
    holdout: Holdout,
    train_pairs: Mapping[str, int],
    judge_options: Mapping[str, object],
    adapter: bool,
    steps: int,
) -> str:
    """The complete README.md of a trained judge folder."""
    data = ModelCardData(
        model_name=name,
        base_model=base_model,
        base_model_relation="adapter" if adapter else "finetune",
        library_name="peft" if adapter else "transformers",
        pipeline_tag="image-text-to-text",
        license="unknown",
        tags=["judge", "pairwise-evaluation", "interleaved-image-text", "opening", "genjudge", "lora"],
        datasets=[dataset],
        eval_results=eval_results(after, dataset),
    )
    options = "".join(f" --option {key}={value}" for key, value in judge_options.items())
    python_options = "".join(f", {key}={value!r}" for key, value in judge_options.items())
    unseen = ", ".join(f"`{m}`" for m in holdout.unseen_models) or "none"
    sources = ", ".join(f"{source}: {count:,}" for source, count in sorted(train_pairs.items()))
    weights = (
        "a LoRA adapter (the base weights are loaded from the base model and the adapter merged in)"
        if adapter
        else "merged weights"
    )
    return f"""---
{data.to_yaml()}
---

# {name}

A pairwise judge for open-ended interleaved image-text generation (OpenING), fine-tuned from
`{base_model}` with LoRA by `genjudge judge train` for {steps} optimiser steps. Given a request and two
answers it replies `A is better`, `B is better`, `Tie(A is better)` or `Tie(B is better)`, in the prompt
layout of the IntJudge backend. This folder holds {weights}, the tokenizer and the image processor.

## Training data

`{dataset}` (built by `genjudge judge train-data`): {sources} training pairs, each also shown with
the answers swapped. Held out: {len(holdout.test_instances):,} instances (none of their pairs is trained
on) and the unseen model(s) {unseen} (no answer of theirs is trained on).

## Held-out agreement with human verdicts

Measured after training on the held-out instances' human verdicts, with genjudge's agreement code
(`genjudge.scoring.agreement`, the definition of OpenING's `calculate_agreement.py`). *seen* pairs
involve only models the judge was trained on, *unseen* pairs at least one unseen model.

{_table(before, after)}

## How to use it

```bash
genjudge judge pairs --benchmark ./OpenING --outputs gen_outputs/ModelX_output \\
    --outputs gen_outputs/ModelY_output --judge intjudge --option model=<this folder>{options}
```

```python
from genjudge.judges import load_judge

judge = load_judge("intjudge", model="<this folder>"{python_options})
```

## Limitations

- Agreement is measured on the held-out part of the verdicts given to the training run; on other
  requests, models or voters it may differ.
- The RAG pairs assume that an answer made with the gold answer in view is better; a voter may disagree.
"""
