"""The dataset card (README.md) and ``eval.yaml`` of a built OpenING dataset repository.

The card's YAML header is what makes the folder work: ``configs`` tells ``load_dataset`` which
Parquet files form which split, and ``dataset_info.features`` tells it that ``image`` columns are
images (so they decode to PIL) and that steps are ordered lists of text/image pairs.
"""

from __future__ import annotations

import yaml
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from genjudge.benchmarks.opening.citation import CITATION
from genjudge.benchmarks.opening.schema import FEATURES
from genjudge.benchmarks.opening.taxonomy import meta_topics, subtasks
from genjudge.hub.publish import size_category

HOMEPAGE = "https://opening-benchmark.github.io/"
SOURCE_REPO = "https://github.com/LanceZPF/OpenING"

OFFICIAL_SPLITS = {"dev": 3240, "test": sum(s.test_instances for s in subtasks())}
"""Split sizes of the full release (5,400 instances per the paper; the public repository ships only
the 2,160-instance test file), used for the template card in ``dataset_scripts/opening``."""


def card_data(split_sizes: dict[str, int], split_bytes: dict[str, int] | None = None) -> DatasetCardData:
    """The YAML header: configs per split, features, license and task metadata."""
    data = DatasetCardData(
        pretty_name="OpenING",
        license="unknown",
        language=["en"],
        task_categories=["any-to-any", "image-text-to-text", "text-to-image"],
        tags=["benchmark", "interleaved-image-text", "multimodal", "evaluation", "genjudge"],
        size_categories=[size_category(sum(split_sizes.values()))],
        configs=[
            {
                "config_name": "default",
                "data_files": [{"split": split, "path": f"data/{split}-*"} for split in split_sizes],
            }
        ],
    )
    split_dict = SplitDict()
    for split, count in split_sizes.items():
        split_dict.add(SplitInfo(split, num_bytes=(split_bytes or {}).get(split, 0), num_examples=count))
    DatasetInfosDict({"default": DatasetInfo(features=FEATURES, splits=split_dict)}).to_dataset_card_data(
        data
    )
    return data


def taxonomy_table() -> str:
    """Markdown table of the 23 meta-topics and their 56 subtasks (names as in the data)."""
    topics = meta_topics()
    rows = [
        "| Meta-topic | Subtask | `total_uid` prefix | Test instances |",
        "|---|---|---|---:|",
    ]
    for s in subtasks():
        topic = f"{s.meta_task_id}. {topics[s.meta_task_id]}"
        rows.append(
            f"| {topic} | {s.subtask_id}. {s.subtask_name} | "
            f"`{int(s.meta_task_id):02d}{int(s.subtask_id):02d}` | {s.test_instances} |"
        )
    return "\n".join(rows)


def render_card(split_sizes: dict[str, int], split_bytes: dict[str, int] | None = None) -> str:
    """The complete README.md of a dataset repository holding the given splits."""
    header = card_data(split_sizes, split_bytes).to_yaml()
    sizes = ", ".join(f"{split}: {count:,} instances" for split, count in split_sizes.items())
    return f"""---
{header}
---

# OpenING (interleaved image-text generation benchmark)

OpenING asks a model to continue or answer a prompt with an *interleaved* sequence of text and images
(a story with pictures, a recipe with step photos, an edited photo with an explanation, ...). Each
instance holds the input steps and a human-written gold answer. Models are compared pairwise by
human annotators or by a judge model (IntJudge), and ranked by win rate.

This repository holds the benchmark in Parquet form ({sizes}), built with
[genjudge](https://github.com/genjudge/genjudge) (`genjudge data build opening`) from the official
release layout of [LanceZPF/OpenING]({SOURCE_REPO}). Project page: {HOMEPAGE}.

## Loading

```python
from datasets import load_dataset

ds = load_dataset("path/or/repo-id")  # DatasetDict with the splits above
row = ds["test"][0]
for step in row["input"]:  # ordered steps; each text keeps its own image
    print(step["text"], step["image"])  # image: PIL.Image or None
```

## Fields

| Field | Type | Meaning |
|---|---|---|
| `total_uid` | string | instance id: meta-topic id (2 digits) + subtask id (2 digits) + data id (3 digits) |
| `meta_task_id`, `meta_task_name` | string | the meta-topic (23 in total) |
| `subtask_id`, `subtask_name` | string | the subtask within the meta-topic (56 in total) |
| `data_id` | string | running number within the subtask |
| `input` | list of `{{text, image}}` | the prompt, step by step; `image` is null for text-only steps |
| `output` | list of `{{text, image}}` | the human gold answer, step by step |

Texts keep the markers of the original data: `<BEGIN>` marks where the task content starts and
`<image>` marks where a step's image belongs. Image bytes are stored exactly as released (no
re-encoding); the `path` of each image is its location in the original release.

## Tasks: 23 meta-topics, 56 subtasks

Names are given as spelled in the official data (including its typos, so they match the ids);
counts are those of the public test file.

{taxonomy_table()}

## Evaluation

There is no single correct answer. The official protocol samples pairs of models per instance and
asks a judge which output is better (`A`, `B`, or a tie that leans to one side), then ranks models
by win rate; genjudge adds Bradley-Terry ratings with bootstrap intervals. Outputs with an empty
image or empty text count as losses.

## License and provenance

The OpenING authors do not state a license for the data; they say samples were collected in line
with the licensing rules of their sources and will be removed on request. Treat it as research-only
data and check the upstream repository before any other use.

## Citation

```bibtex
{CITATION}
```
"""


def render_eval_yaml(splits: list[str]) -> str:
    """``eval.yaml`` registering the dataset as a Hub benchmark.

    Follows the Hub's benchmark format (``name``, ``description``, ``evaluation_framework``,
    ``tasks`` with ``id``/``config``/``split``). The framework is ``genjudge``, the code that computes
    the scores; the Hub validates the name against its list of registered frameworks, so the
    benchmark page shows a validation notice until genjudge is registered there.
    """
    split = "test" if "test" in splits else splits[0]
    doc = {
        "name": "OpenING",
        "description": (
            "Open-ended interleaved image-text generation: 56 subtasks in 23 meta-topics. Models are "
            "compared pairwise by a judge (human, IntJudge or GPT-4o). Scores are fractions in [0, 1]: "
            "win_rate is each model's share of its pairwise battles won, ties forced to the side they "
            "lean to (FDT); judge_agreement is a judge's FDT agreement with human verdicts."
        ),
        "evaluation_framework": "genjudge",
        "tasks": [
            {"id": "win_rate", "config": "default", "split": split},
            {"id": "judge_agreement", "config": "default", "split": split},
        ],
    }
    return yaml.safe_dump(doc, sort_keys=False, width=100)


def template_files() -> dict[str, str]:
    """Card and eval.yaml for the public release, as kept in ``dataset_scripts/opening/``."""
    return {"README.md": render_card(OFFICIAL_SPLITS), "eval.yaml": render_eval_yaml(list(OFFICIAL_SPLITS))}
