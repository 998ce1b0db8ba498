"""Every dataset folder genjudge builds, on the bundled samples and test fixtures, loads with
``load_dataset`` as the configs, splits, features and row counts it had before the builders shared
one writer (the numbers below are those of the builds before)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from datasets import Features, load_dataset
from training.synthetic import make_task, write_verdicts

from genjudge.benchmarks.evalmi import FOLD_FEATURES, IMAGE_FEATURES, PROMPT_FEATURES
from genjudge.benchmarks.evalmi import build_repo as build_evalmi
from genjudge.benchmarks.evalmi import sample_dir as evalmi_sample
from genjudge.benchmarks.general_level.bench import FEATURES as GENERAL_BENCH_FEATURES
from genjudge.benchmarks.general_level.bench import build_repo as build_general_bench
from genjudge.benchmarks.opening import FEATURES as OPENING_FEATURES
from genjudge.benchmarks.opening import sample_dir as opening_sample
from genjudge.benchmarks.opening.repo import build_repo as build_opening
from genjudge.training import build_training_set, write_training_repo
from genjudge.training.schema import DPO_FEATURES, JUDGE_FEATURES

GENERAL_BENCH = Path(__file__).parents[1] / "general_bench" / "fixtures"


def opening(out: Path) -> None:
    build_opening(opening_sample(), out, progress=False)


def evalmi(out: Path) -> None:
    build_evalmi(evalmi_sample(), out, progress=False)


def general_bench(out: Path) -> None:
    build_general_bench(
        GENERAL_BENCH / "General-Bench-Openset", out, GENERAL_BENCH / "sota_result.xlsx", progress=False
    )


def training(out: Path) -> None:
    instances, outputs, records = make_task(60)
    verdicts = write_verdicts(out.parent / "verdicts.json", records)
    training_set = build_training_set(
        instances, outputs, [verdicts], gold_rag=False, test_fraction=0.25, unseen_models=["Noise-2"]
    )
    write_training_repo(training_set, out, progress=False)


FOLDS = {"train": 40, "test": 20}
BUILDS: dict[str, tuple[Callable[[Path], None], dict[str, tuple[Features, dict[str, int]]]]] = {
    "opening": (opening, {"default": (OPENING_FEATURES, {"dev": 4, "test": 16})}),
    "evalmi": (
        evalmi,
        {
            "default": (IMAGE_FEATURES, {"test": 60}),
            "prompts": (PROMPT_FEATURES, {"test": 12}),
            "mos1_fold_1": (FOLD_FEATURES, FOLDS),
            "mos2_fold_1": (FOLD_FEATURES, FOLDS),
            "qa_fold_1": (FOLD_FEATURES, FOLDS),
        },
    ),
    "general_bench": (
        general_bench,
        {
            config: (GENERAL_BENCH_FEATURES, {"test": rows})
            for config, rows in {
                "nlp": 5,
                "image_comprehension": 4,
                "image_generation": 2,
                "video_comprehension": 3,
                "audio_comprehension": 2,
                "audio_generation": 1,
                "3d_comprehension": 2,
                "3d_generation": 1,
            }.items()
        },
    ),
    "training": (
        training,
        {"judge": (JUDGE_FEATURES, {"train": 45, "test": 30}), "dpo": (DPO_FEATURES, {"train": 75})},
    ),
}


@pytest.mark.parametrize("name", BUILDS)
def test_a_built_folder_loads_with_the_configs_splits_features_and_rows_it_had(name, tmp_path):
    build, expected = BUILDS[name]
    out = tmp_path / name
    build(out)
    loaded = {}
    for config in expected:
        splits = load_dataset(str(out), config)
        loaded[config] = {split: dataset.num_rows for split, dataset in splits.items()}
        for split, dataset in splits.items():
            assert dataset.features == expected[config][0], f"{config}/{split}"
    assert loaded == {config: rows for config, (_, rows) in expected.items()}
    if name == "general_bench":  # no default config: every modality x paradigm is named
        with pytest.raises(ValueError, match="Config name is missing"):
            load_dataset(str(out))
    else:  # the first config is the default
        assert sorted(load_dataset(str(out))) == sorted(next(iter(expected.values()))[1])
