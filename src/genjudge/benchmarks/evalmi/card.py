"""What the EvalMi-50K dataset repository says about itself: its configs, card metadata and text
(``card.md``), ``eval.yaml``, and the template card kept in ``dataset_scripts/evalmi_50k``.

The card's text says what was irregular in the release that was built, as found while reading it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from genjudge.benchmarks.evalmi.release import PromptMismatch
from genjudge.benchmarks.evalmi.schema import FOLD_FEATURES, IMAGE_FEATURES, PROMPT_FEATURES
from genjudge.hub.dataset_repo import Card, Config, DatasetRepo, EvalFile, EvalTask, Split, SplitSize

CITATION = """@inproceedings{wang2025lmm4lmm,
  title     = {LMM4LMM: Benchmarking and Evaluating Large-multimodal Image Generation with LMMs},
  author    = {Wang, Jiarui and Duan, Huiyu and Zhao, Yu and Wang, Juntong and Zhai, Guangtao and
               Min, Xiongkuo},
  booktitle = {Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)},
  year      = {2025},
  note      = {arXiv:2504.08358}
}"""

SOURCE_REPO = "https://github.com/IntMeGroup/LMM4LMM"
METADATA = {
    "pretty_name": "EvalMi-50K",
    "license": "unknown",
    "language": ["en"],
    "task_categories": ["text-to-image", "image-text-to-text"],
    "tags": ["benchmark", "image-quality-assessment", "text-to-image", "mos", "evaluation", "genjudge"],
}

EVAL = EvalFile(
    name="EvalMi-50K",
    description=(
        "Text-to-image generation rated by humans: 2,100 prompts, 24 generators, per-image MOS for "
        "perception and text-image correspondence and yes/no answers. Metrics are ranked by SRCC/PLCC "
        "with the MOS; models by their (judged) perception, correspondence and QA accuracy."
    ),
    tasks=[EvalTask(task, "default", "test") for task in ("perception", "correspondence", "qa")],
)


def dataset_repo(
    images: Split,
    prompts: Split,
    folds: Mapping[str, Mapping[str, Split]],
    facts: Callable[[], Mapping[str, Any]],
) -> DatasetRepo:
    """The ``default`` (one row per image), ``prompts`` and fold configs, each split in
    ``data/<config>-<split>-*.parquet``. ``facts`` gives what the card reports about the release:
    ``generators``, ``prompts`` (their number), ``images_missing``, ``shared_cells`` and
    ``prompt_mismatches``."""
    configs = [
        Config("default", IMAGE_FEATURES, {"test": images}, default=True),
        Config("prompts", PROMPT_FEATURES, {"test": prompts}),
        *(Config(name, FOLD_FEATURES, splits) for name, splits in folds.items()),
    ]
    card = Card(
        Path(__file__).with_name("card.md"),
        METADATA,
        lambda: {**facts(), "citation": CITATION, "source_repo": SOURCE_REPO},
    )
    return DatasetRepo(configs, card, EVAL)


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
    mismatch = PromptMismatch(
        index=1371,
        sheet_prompt="there are sun in the sky. The weather is cloudy.",
        tasks_prompt="there are no sun in the sky. The weather is cloudy.",
    )
    facts = {
        "generators": sorted(OFFICIAL_GENERATORS, key=str.lower),
        "prompts": 2_100,
        "images_missing": 0,
        "shared_cells": list(range(1069, 1086)),
        "prompt_mismatches": [mismatch],
    }
    dataset = dataset_repo(Split(()), Split(()), {}, lambda: facts)
    sizes = {"default": {"test": SplitSize(50_400)}, "prompts": {"test": SplitSize(2_100)}}
    return dataset.card_files(sizes)
