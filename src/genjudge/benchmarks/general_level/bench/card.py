"""What the General-Bench dataset repository says about itself: card metadata and text
(``card.md``), ``eval.yaml``, and the template card kept in ``dataset_scripts/general_bench``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from genjudge.benchmarks.general_level.bench.answers import ANSWER_FIELDS
from genjudge.benchmarks.general_level.bench.metric_table import markdown_table
from genjudge.benchmarks.general_level.bench.schema import FEATURES
from genjudge.hub.dataset_repo import Card, Config, DatasetRepo, EvalFile, EvalTask, Split

SPLIT = "test"
HOMEPAGE = "https://generalist.top/"
CITATION = """@article{fei2025pathmultimodalgeneralist,
  title   = {On Path to Multimodal Generalist: General-Level and General-Bench},
  author  = {Fei, Hao and Zhou, Yuan and Li, Juncheng and Li, Xiangtai and Xu, Qingshan and Li, Bobo and
             Wu, Shengqiong and Wang, Yaoting and Zhou, Junbao and Meng, Jiahao and others},
  journal = {arXiv preprint arXiv:2505.04620},
  note    = {ICML 2025},
  year    = {2025}
}"""

METADATA = {
    "pretty_name": "General-Bench",
    "license": "unknown",
    "language": ["en"],
    "task_categories": ["any-to-any"],
    "tags": ["benchmark", "multimodal", "general-level", "evaluation", "genjudge"],
}


def eval_file(configs: list[str]) -> EvalFile:
    """``eval.yaml``: every config is a task, scored per task against the specialists."""
    return EvalFile(
        name="General-Bench",
        description=(
            "General-Level / General-Bench: about 700 comprehension and generation tasks over image, video, "
            "audio, 3D and language. Each task is scored with its own metric against the best specialist; "
            "the General-Level scale turns the per-task scores into Levels 2-5."
        ),
        tasks=[EvalTask(config, config, SPLIT) for config in configs],
    )


def dataset_repo(configs: Mapping[str, Split], config_tasks: Mapping[str, int]) -> DatasetRepo:
    """One config per modality x paradigm (plus ``nlp``), each a single ``test`` split in
    ``data/<config>-*.parquet``. ``config_tasks`` (tasks per config) is read when the card is written."""
    card = Card(
        Path(__file__).with_name("card.md"),
        METADATA,
        lambda: {
            "config_tasks": dict(config_tasks),
            "answer_fields": ANSWER_FIELDS,
            "metric_table": markdown_table(),
            "citation": CITATION,
        },
    )
    return DatasetRepo(
        [Config(name, FEATURES, {SPLIT: split}, files="data/{config}") for name, split in configs.items()],
        card,
        eval_file(list(configs)),
    )


OFFICIAL_TASKS = {
    "nlp": 115,
    "image_comprehension": 271,
    "image_generation": 45,
    "video_comprehension": 126,
    "video_generation": 46,
    "audio_comprehension": 24,
    "audio_generation": 20,
    "3d_comprehension": 30,
    "3d_generation": 22,
}
"""Tasks per config in the official reference sheet (699 in all), for the template card."""


def template_files() -> dict[str, str]:
    """Card and eval.yaml for the public release, as kept in ``dataset_scripts/general_bench/``; the
    record counts are left out (they are known once the release is built)."""
    return dataset_repo({config: Split(()) for config in OFFICIAL_TASKS}, OFFICIAL_TASKS).card_files({})
