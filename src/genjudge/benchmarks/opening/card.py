"""What the OpenING dataset repository says about itself: card metadata and text (``card.md``),
``eval.yaml``, and the template card kept in ``dataset_scripts/opening``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from genjudge.benchmarks.opening.citation import CITATION
from genjudge.benchmarks.opening.schema import FEATURES
from genjudge.benchmarks.opening.taxonomy import meta_topics, subtasks
from genjudge.hub.dataset_repo import Card, Config, DatasetRepo, EvalFile, EvalTask, Split, SplitSize

HOMEPAGE = "https://opening-benchmark.github.io/"

OFFICIAL_SPLITS = {"dev": 3240, "test": sum(s.test_instances for s in subtasks())}
"""Split sizes of the full release (5,400 instances per the paper; the public repository ships only
the 2,160-instance test file), used for the template card in ``dataset_scripts/opening``."""

CARD = Card(
    template=Path(__file__).with_name("card.md"),
    metadata={
        "pretty_name": "OpenING",
        "license": "unknown",
        "language": ["en"],
        "task_categories": ["any-to-any", "image-text-to-text", "text-to-image"],
        "tags": ["benchmark", "interleaved-image-text", "multimodal", "evaluation", "genjudge"],
    },
    variables=lambda: {
        "homepage": HOMEPAGE,
        "citation": CITATION,
        "subtasks": subtasks(),
        "meta_topics": meta_topics(),
    },
)


def eval_file(splits: list[str]) -> EvalFile:
    """``eval.yaml``: win rate and judge agreement, on the test split when there is one."""
    split = "test" if "test" in splits else splits[0]
    return EvalFile(
        name="OpenING",
        description=(
            "Open-ended interleaved image-text generation: 56 subtasks in 23 meta-topics. Models are "
            "compared pairwise by a judge (human, IntJudge or GPT-4o). Scores are fractions in [0, 1]: "
            "win_rate is each model's share of its pairwise battles won, ties forced to the side they "
            "lean to (FDT); judge_agreement is a judge's FDT agreement with human verdicts."
        ),
        tasks=[EvalTask("win_rate", "default", split), EvalTask("judge_agreement", "default", split)],
    )


def dataset_repo(splits: Mapping[str, Split]) -> DatasetRepo:
    """One ``default`` config whose splits are ``data/<split>-*.parquet``."""
    config = Config("default", FEATURES, splits, files="data/{split}")
    return DatasetRepo([config], CARD, eval_file(list(splits)))


def template_files() -> dict[str, str]:
    """Card and eval.yaml for the public release, as kept in ``dataset_scripts/opening/``."""
    dataset = dataset_repo({split: Split(()) for split in OFFICIAL_SPLITS})
    return dataset.card_files({"default": {split: SplitSize(n) for split, n in OFFICIAL_SPLITS.items()}})
