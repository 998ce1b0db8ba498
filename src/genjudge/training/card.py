"""The dataset card (README.md) of a built judge-training repository.

The YAML header makes the folder loadable: ``configs`` lists the ``judge`` config (``train`` and
``test`` splits, the default) and the ``dpo`` config; ``dataset_info`` declares each config's
features so the ``image`` columns decode to PIL images.
"""

from __future__ import annotations

from collections import Counter

from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from genjudge.benchmarks.opening.citation import CITATION
from genjudge.training.holdout import Holdout
from genjudge.training.schema import DPO_FEATURES, JUDGE_FEATURES

JUDGE_CONFIG = "judge"
DPO_CONFIG = "dpo"


def data_files(config: str, split: str) -> str:
    return f"{config}/data/{split}-*"


def _splits(sizes: dict[str, int]) -> SplitDict:
    splits = SplitDict()
    for split, count in sizes.items():
        splits.add(SplitInfo(split, num_examples=count))
    return splits


def card_data(judge_sizes: dict[str, int], dpo_size: int) -> DatasetCardData:
    data = DatasetCardData(
        pretty_name="OpenING judge-training pairs",
        license="unknown",
        language=["en"],
        task_categories=["image-text-to-text"],
        tags=[
            "judge",
            "pairwise-evaluation",
            "preference",
            "dpo",
            "interleaved-image-text",
            "opening",
            "genjudge",
        ],
        configs=[
            {
                "config_name": JUDGE_CONFIG,
                "default": True,
                "data_files": [{"split": s, "path": data_files(JUDGE_CONFIG, s)} for s in judge_sizes],
            },
            {
                "config_name": DPO_CONFIG,
                "data_files": [{"split": "train", "path": data_files(DPO_CONFIG, "train")}],
            },
        ],
    )
    DatasetInfosDict(
        {
            JUDGE_CONFIG: DatasetInfo(features=JUDGE_FEATURES, splits=_splits(judge_sizes)),
            DPO_CONFIG: DatasetInfo(features=DPO_FEATURES, splits=_splits({"train": dpo_size})),
        }
    ).to_dataset_card_data(data)
    return data


def _sources(counts: dict[str, Counter[str]]) -> str:
    lines = ["| split | source | pairs |", "|---|---|---:|"]
    for split, counter in counts.items():
        lines += [f"| {split} | {source} | {n:,} |" for source, n in sorted(counter.items())]
    return "\n".join(lines)


def render_card(
    judge_sizes: dict[str, int],
    dpo_size: int,
    holdout: Holdout,
    sources: dict[str, Counter[str]],
    *,
    dropped_unseen: int,
    dpo_ties: int,
) -> str:
    """The complete README.md."""
    unseen = ", ".join(f"`{m}`" for m in holdout.unseen_models) or "none"
    return f"""---
{card_data(judge_sizes, dpo_size).to_yaml()}
---

# OpenING judge-training pairs

Pairs of interleaved image-text answers to OpenING requests with a verdict on which is better,
built by `genjudge judge train-data` for training IntJudge-style judges, and the same pairs as
DPO preferences for training generators.

```python
from datasets import load_dataset

judge = load_dataset("path/to/this/folder")          # config "judge": train and test splits
dpo = load_dataset("path/to/this/folder", "dpo")     # prompt / chosen / rejected
```

## Contents

{_sources(sources)}

- **human**: a person's verdict, from an Interleaved Arena results file
  (`judge_modelAB_results.json` shape: the official human verdicts, or exported votes). Answers of
  the official baseline `Human` are taken to be the instance's human-written gold answer unless an
  output folder for it was given.
- **rag-gold**: reference-augmented pairs: the instance's gold answer (model `gold-reference`)
  preferred over a seen model's plain answer, on training instances.
- **rag-output**: reference-augmented pairs as in the OpenING paper: a model's answer generated with
  the gold answer in its prompt (model `<name>+RAG`) preferred over the same model's plain answer.

RAG pairs are never ties; which side the preferred answer is shown on is drawn at random (seeded).

## Hold-out (seen / unseen)

- **Held-out instances:** {len(holdout.test_instances):,} human-judged instances; every human verdict on
  them is in `test`, none is in `train`, and no RAG pair uses them.
- **Unseen models:** {unseen}. No training pair shows their answers; in `test` the column `unseen` marks
  pairs that involve one, so agreement can be reported for seen and unseen models apart, as the
  OpenING paper does. {dropped_unseen:,} human verdicts on training instances that involve an unseen model
  are left out. The lists are in `holdout.json` (seed {holdout.seed}).

## Columns (`judge`)

`uid` (OpenING `total_uid`), `model_a`, `model_b` (A is shown first), `winner` (`A`, `B`, `Tie(A)`,
`Tie(B)`), `target` (the verdict string the judge is trained to answer, e.g. `A is better`), `source`,
`origin` (verdict file and record, or the RAG rule), `unseen`, and the interleaved steps `input`,
`output_a`, `output_b`, `reference` (the gold answer), each a list of `{{text, image}}`.

## DPO pairs (`dpo`)

Every decisive comparison (winner `A` or `B`) of both splits: `prompt` (the request's steps), `chosen`
and `rejected` (the two answers' steps), with their models and the verdict's `source`. {dpo_ties:,} ties
are left out.

## Citation

```bibtex
{CITATION.strip()}
```
"""
