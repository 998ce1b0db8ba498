"""General-Bench as a ``datasets`` builder over the released tree.

``datasets`` 4 and later no longer run loading scripts through ``load_dataset("general_bench.py")``,
so instantiate the class directly::

    from general_bench import GeneralBench      # with dataset_scripts/general_bench on sys.path

    builder = GeneralBench(
        config_name="image_comprehension",
        data_dir="/path/to/General-Bench-Openset",
        sota_path="/path/to/General-Level/references/sota_result.xlsx",   # optional
        cache_dir="/tmp/hf-cache",
    )
    builder.download_and_prepare()
    ds = builder.as_dataset(split="test")

``data_dir`` is the folder holding ``image/``, ``video/``, ``audio/``, ``3D/`` and ``nlp/`` (any
casing). For a Hub-ready repository (Parquet per config + card + eval.yaml) use
``genjudge data build general-bench`` instead; both share the tree reader, the media lookup and the
schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import datasets

from genjudge.benchmarks.general_level.bench import FEATURES, ReferenceIndex, find_tasks, read_reference_sheet
from genjudge.benchmarks.general_level.bench.card import CITATION, HOMEPAGE, OFFICIAL_TASKS, SPLIT
from genjudge.benchmarks.general_level.bench.rows import MediaTally, release_rows

_VERSION = datasets.Version("1.0.0")
_DESCRIPTION = (
    "General-Bench: about 700 comprehension and generation tasks over image, video, audio, 3D and language, "
    "each with the metric and specialist (SoTA) score of the General-Level reference sheet."
)


@dataclass
class GeneralBenchConfig(datasets.BuilderConfig):
    """One modality x paradigm (or ``nlp``); ``sota_path`` joins metric and SoTA when given."""

    sota_path: str | None = None


class GeneralBench(datasets.GeneratorBasedBuilder):
    """Reads ``<modality>/<paradigm>/<Task>/annotation.json`` and the media the records name."""

    VERSION = _VERSION
    BUILDER_CONFIG_CLASS = GeneralBenchConfig
    BUILDER_CONFIGS: ClassVar[list[GeneralBenchConfig]] = [
        GeneralBenchConfig(
            name=config, version=_VERSION, description=f"{config}: {tasks} tasks in the reference sheet"
        )
        for config, tasks in OFFICIAL_TASKS.items()
    ]
    DEFAULT_CONFIG_NAME = "nlp"

    def _info(self) -> datasets.DatasetInfo:
        return datasets.DatasetInfo(
            description=_DESCRIPTION,
            features=FEATURES,
            homepage=HOMEPAGE,
            citation=CITATION,
            license="unknown",
        )

    def _split_generators(self, dl_manager: datasets.DownloadManager) -> list[datasets.SplitGenerator]:
        if not self.config.data_dir:
            raise ValueError(
                "pass data_dir=<folder of the General-Bench release>; download it from the Hub with "
                "hf download General-Level/General-Bench-Openset --repo-type dataset --local-dir DIR"
            )
        return [datasets.SplitGenerator(name=SPLIT, gen_kwargs={"source": self.config.data_dir})]

    def _generate_examples(self, source: str):
        sota = self.config.sota_path
        reference = ReferenceIndex(read_reference_sheet(sota) if sota else [])
        tasks = [task for task in find_tasks(source) if task.config == self.config.name]
        for record in release_rows(tasks, reference, MediaTally()):
            yield f"{record['task_folder']}/{record['id']}", record
