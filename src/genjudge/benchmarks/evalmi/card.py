"""The dataset card (README.md) and ``eval.yaml`` of a built EvalMi-50K repository.

The YAML header does the work: ``configs`` maps each config's splits to its Parquet files and
``dataset_info.features`` makes ``image`` decode to PIL and ``questions``/``answers`` stay lists.
The text says what was irregular in the release that was built, as found while reading it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from datasets import Features
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from genjudge.benchmarks.evalmi.release import PromptMismatch
from genjudge.hub.publish import size_category

CITATION = """@inproceedings{wang2025lmm4lmm,
  title     = {LMM4LMM: Benchmarking and Evaluating Large-multimodal Image Generation with LMMs},
  author    = {Wang, Jiarui and Duan, Huiyu and Zhao, Yu and Wang, Juntong and Zhai, Guangtao and
               Min, Xiongkuo},
  booktitle = {Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)},
  year      = {2025},
  note      = {arXiv:2504.08358}
}"""

SOURCE_REPO = "https://github.com/IntMeGroup/LMM4LMM"
HUB_DATASET = "https://huggingface.co/datasets/IntMeGroup/EvalMi-50K"


@dataclass
class ConfigSummary:
    """One config of the built repo: its splits' sizes and bytes, and its features."""

    name: str
    features: Features
    splits: dict[str, int] = field(default_factory=dict)
    split_bytes: dict[str, int] = field(default_factory=dict)


@dataclass
class CardFacts:
    """What the card reports about the build."""

    configs: list[ConfigSummary]
    generators: list[str]
    prompts: int
    images_missing: int
    shared_cells: list[int]
    prompt_mismatches: list[PromptMismatch]


def card_data(facts: CardFacts) -> DatasetCardData:
    images = next(c for c in facts.configs if c.name == "default")
    data = DatasetCardData(
        pretty_name="EvalMi-50K",
        license="unknown",
        language=["en"],
        task_categories=["text-to-image", "image-text-to-text"],
        tags=["benchmark", "image-quality-assessment", "text-to-image", "mos", "evaluation", "genjudge"],
        size_categories=[size_category(sum(images.splits.values()))],
        configs=[
            {
                "config_name": config.name,
                "data_files": [
                    {"split": split, "path": f"data/{config.name}-{split}-*"} for split in config.splits
                ],
                **({"default": True} if config.name == "default" else {}),
            }
            for config in facts.configs
        ],
    )
    infos = {}
    for config in facts.configs:
        splits = SplitDict()
        for split, count in config.splits.items():
            splits.add(SplitInfo(split, num_bytes=config.split_bytes.get(split, 0), num_examples=count))
        infos[config.name] = DatasetInfo(features=config.features, splits=splits, config_name=config.name)
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return data


def _config_table(facts: CardFacts) -> str:
    rows = ["| Config | Splits | Rows |", "|---|---|---:|"]
    for config in facts.configs:
        sizes = ", ".join(f"{split}: {count:,}" for split, count in config.splits.items())
        rows.append(f"| `{config.name}` | {', '.join(config.splits)} | {sizes} |")
    return "\n".join(rows)


def _irregularities(facts: CardFacts) -> str:
    lines = []
    if facts.shared_cells:
        listed = ", ".join(str(i) for i in facts.shared_cells)
        lines.append(
            f"- In {len(facts.shared_cells)} prompt(s) ({listed}) the official `question.xlsx` holds two "
            'sub-questions in one cell ("...?Answer yes or no.Does ...?Answer yes or no."). They are '
            "split into two questions here; after splitting, every prompt has exactly as many "
            "sub-questions as the MOS sheet has `YN_k` answers for it."
        )
    for mismatch in facts.prompt_mismatches:
        lines.append(
            f'- Prompt {mismatch.index} reads "{mismatch.sheet_prompt}" in `question.xlsx` but '
            f'"{mismatch.tasks_prompt}" in `prompt_tasks.jsonl`. The sheet\'s text is used: it is the '
            "text the generators were given (the official `prompts/Englishall.txt` agrees with it) and "
            "the one annotators rated the images against. Its task tag and details still come from "
            "`prompt_tasks.jsonl`."
        )
    if facts.images_missing:
        lines.append(
            f"- {facts.images_missing:,} rated image(s) were not found in the image folder; their "
            "`image` is null (ratings and questions are kept)."
        )
    lines.append(
        "- Image names keep the release's spelling: three-digit numbers up to `999.png`, four digits "
        "from `1000.png` (the number is the prompt's 1-based position)."
    )
    return "\n".join(lines)


def render_card(facts: CardFacts) -> str:
    """The complete README.md of a built repository."""
    header = card_data(facts).to_yaml()
    generators = ", ".join(f"`{name}`" for name in facts.generators)
    return f"""---
{header}
---

# EvalMi-50K (text-to-image generation rated by humans)

EvalMi-50K is the benchmark of LMM4LMM (ICCV 2025): {facts.prompts:,} prompts in many task
categories (`tag`), images from {len(facts.generators)} text-to-image generators, and for every image two
mean opinion scores from human annotators, perception (MOS1) and text-image correspondence (MOS2),
plus human yes/no answers to questions about the prompt. It serves two purposes: ranking
text-to-image models (by human scores or by a judge such as LMM4LMM) and ranking image-quality or
alignment *metrics* by how well they agree with the humans (SRCC / PLCC / KRCC).

Built with [genjudge](https://github.com/genjudge/genjudge) (`genjudge data build evalmi-50k`) from
the official layout: the sheets and prompt file of
[IntMeGroup/LMM4LMM]({SOURCE_REPO}) and the images and folds of
[IntMeGroup/EvalMi-50K]({HUB_DATASET}).

## Configs

{_config_table(facts)}

- `default`: one row per image, image bytes as released.
- `prompts`: one row per prompt, for generating new images to be scored.
- `mos1_fold_1`, `mos2_fold_1`, `qa_fold_1` (when the fold files were present): the official
  train/test records, one row per record as in the fold files (`qa` has one row per question).
  They carry `image_name` rather than pixels, so the images are stored once; join with `default`
  on `image_name`.

## Loading

```python
from datasets import load_dataset

images = load_dataset("path/or/repo-id", split="test")  # default config
row = images[0]
row["image"], row["mos_perception"], row["mos_correspondence"]
list(zip(row["questions"], row["answers"]))  # overall question first, then the sub-questions
prompts = load_dataset("path/or/repo-id", "prompts", split="test")
```

## Fields (`default`)

| Field | Type | Meaning |
|---|---|---|
| `image_name` | string | `<generator>/<n>.png` as in the release (`n`: the prompt number) |
| `image` | image | the PNG as released (null if missing from the build's source) |
| `generator` | string | the model that generated it |
| `prompt_index` | int | 1-based prompt number (row of `question.xlsx`, line of `prompt_tasks.jsonl`) |
| `prompt` | string | the prompt text |
| `tag` | string | task category (`single_class`, `counting`, `OCR`, ...; combined with ` + `) |
| `include`, `exclude` | string (JSON) | what the prompt asks for / rules out (`class`, `count`, ...) |
| `time`, `light`, `direction` | string | details of the time-and-light prompts (null elsewhere) |
| `mos_perception` | float | MOS1, perceptual quality (about 16-73) |
| `mos_correspondence` | float | MOS2, text-image correspondence (about 22-70) |
| `questions` | list of string | the overall yes/no question, then the sub-questions |
| `answers` | list of bool | the human answers, aligned with `questions` (`Y/N`, then `YN_1`...`YN_4`) |

Generators: {generators}.

## How the release was read

{_irregularities(facts)}

## Evaluation

- Metrics: correlate per-image scores with `mos_perception` / `mos_correspondence`
  (`genjudge evalmi report`, or the `mos_correlation` evaluate module). The official LMM4LMM code
  reports raw `scipy.stats` SRCC/PLCC/KRCC with the MOS cast to bfloat16; genjudge offers that as
  `official=True` next to full precision, the logistic-fitted PLCC and bootstrap intervals.
- Models: score generated images for the `prompts` config and compare with the {len(facts.generators)}
  human-rated generators (mean MOS per generator).

## License and provenance

The authors do not state a license for the data. Treat it as research-only and check the upstream
repositories before any other use.

## Citation

```bibtex
{CITATION}
```
"""


def render_eval_yaml() -> str:
    """``eval.yaml`` registering the dataset as a Hub benchmark (format as in the OpenING repo)."""
    doc = {
        "name": "EvalMi-50K",
        "description": (
            "Text-to-image generation rated by humans: 2,100 prompts, 24 generators, per-image MOS for "
            "perception and text-image correspondence and yes/no answers. Metrics are ranked by SRCC/PLCC "
            "with the MOS; models by their (judged) perception, correspondence and QA accuracy."
        ),
        "tasks": [
            {"id": "perception", "config": "default", "split": "test"},
            {"id": "correspondence", "config": "default", "split": "test"},
            {"id": "qa", "config": "default", "split": "test"},
        ],
    }
    return yaml.safe_dump(doc, sort_keys=False, width=100)


OFFICIAL_GENERATORS = (
    "DALLE3",
    "ELLA",
    "EMU3",
    "Infinity",
    "Janus",
    "Kandinsky-3",
    "Kolors",
    "LLMGA",
    "LWM",
    "LaVi-Bridge",
    "LlamaGen_256",
    "NOVA",
    "PixArt-sigma",
    "Show-o",
    "ali_flux_schnell",
    "hart",
    "i-Code-V3",
    "omnigen",
    "playground",
    "sd3_5_large",
    "sd_v2-1",
    "sdxl_base_1",
    "seed-xi",
    "vila-u",
)
"""The 24 generators as the MOS sheet spells them (which differs from the README's list)."""


def template_files() -> dict[str, str]:
    """Card and eval.yaml for the full public release, as kept in ``dataset_scripts/evalmi_50k/``.

    The fold configs are left out: their sizes are only known once the Hub's fold files are read.
    """
    from genjudge.benchmarks.evalmi.schema import IMAGE_FEATURES, PROMPT_FEATURES

    facts = CardFacts(
        configs=[
            ConfigSummary("default", IMAGE_FEATURES, {"test": 50_400}),
            ConfigSummary("prompts", PROMPT_FEATURES, {"test": 2_100}),
        ],
        generators=sorted(OFFICIAL_GENERATORS, key=str.lower),
        prompts=2_100,
        images_missing=0,
        shared_cells=list(range(1069, 1086)),
        prompt_mismatches=[
            PromptMismatch(
                index=1371,
                sheet_prompt="there are sun in the sky. The weather is cloudy.",
                tasks_prompt="there are no sun in the sky. The weather is cloudy.",
            )
        ],
    )
    return {"README.md": render_card(facts), "eval.yaml": render_eval_yaml()}
