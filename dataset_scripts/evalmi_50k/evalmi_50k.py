"""EvalMi-50K as a ``datasets`` builder over the official release layout.

``datasets`` 4 and later no longer run loading scripts through ``load_dataset("evalmi_50k.py")``,
so instantiate the class directly::

    from evalmi_50k import EvalMi50K     # with dataset_scripts/evalmi_50k on sys.path

    builder = EvalMi50K(config_name="default", data_dir="/path/to/release", cache_dir="/tmp/hf-cache")
    builder.download_and_prepare()
    ds = builder.as_dataset()            # DatasetDict({"test": one row per image})

Configs: ``default`` (one row per image), ``prompts`` (one row per prompt), ``mos1_fold_1``,
``mos2_fold_1``, ``qa_fold_1`` (the official folds, when ``data/`` holds them). ``data_dir`` is the
folder holding ``MOS&QA/``, ``prompts/``, ``<generator>/<NNN>.png`` and ``data/``; without it the
sample release embedded in genjudge is used. For a Hub-ready repository (Parquet shards, card,
eval.yaml) use ``genjudge data build evalmi-50k``; both share the reader and the schema.
"""

from __future__ import annotations

from typing import ClassVar

import datasets

from genjudge.benchmarks.evalmi import read_release, sample_dir
from genjudge.benchmarks.evalmi.card import CITATION, SOURCE_REPO
from genjudge.benchmarks.evalmi.release import FOLD_TASKS
from genjudge.benchmarks.evalmi.repo import image_rows
from genjudge.benchmarks.evalmi.schema import (
    FOLD_FEATURES,
    IMAGE_FEATURES,
    PROMPT_FEATURES,
    fold_to_row,
    prompt_to_row,
)

_DESCRIPTION = (
    "EvalMi-50K: 2,100 prompts, images from 24 text-to-image generators, and per image the human "
    "MOS for perception and text-image correspondence plus yes/no answers to questions on the prompt."
)

FOLD_CONFIGS = tuple(f"{task}_fold_1" for task in FOLD_TASKS)
_VERSION = datasets.Version("1.0.0")


class EvalMi50K(datasets.GeneratorBasedBuilder):
    """Reads the two .xlsx sheets, prompt_tasks.jsonl, the images and the fold files."""

    VERSION = _VERSION
    BUILDER_CONFIGS: ClassVar[list[datasets.BuilderConfig]] = [
        datasets.BuilderConfig(name="default", version=_VERSION, description="One row per image."),
        datasets.BuilderConfig(name="prompts", version=_VERSION, description="One row per prompt."),
        *(
            datasets.BuilderConfig(name=name, version=_VERSION, description="An official fold.")
            for name in FOLD_CONFIGS
        ),
    ]
    DEFAULT_CONFIG_NAME = "default"

    def _info(self) -> datasets.DatasetInfo:
        features = {"default": IMAGE_FEATURES, "prompts": PROMPT_FEATURES}.get(
            self.config.name, FOLD_FEATURES
        )
        return datasets.DatasetInfo(
            description=_DESCRIPTION,
            features=features,
            homepage=SOURCE_REPO,
            citation=CITATION,
            license="unknown",
        )

    def _split_generators(self, dl_manager: datasets.DownloadManager) -> list[datasets.SplitGenerator]:
        release = read_release(self.config.data_dir or sample_dir())
        if self.config.name in FOLD_CONFIGS:
            if self.config.name not in release.folds:
                raise FileNotFoundError(
                    f"no fold files for {self.config.name} under {release.source / 'data'}; download them "
                    "from the Hub dataset IntMeGroup/EvalMi-50K (data/) into that folder"
                )
            return [
                datasets.SplitGenerator(name=split, gen_kwargs={"release": release, "split": split})
                for split in release.folds[self.config.name]
            ]
        return [datasets.SplitGenerator(name="test", gen_kwargs={"release": release, "split": "test"})]

    def _generate_examples(self, release, split: str):
        if self.config.name == "prompts":
            for prompt in release.prompts:
                yield prompt.index, prompt_to_row(prompt)
        elif self.config.name == "default":
            for row in image_rows(release):
                yield row["image_name"], row
        else:
            for key, record in enumerate(release.folds[self.config.name][split]):
                yield key, fold_to_row(record)
