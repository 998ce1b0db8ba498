"""OpenING as a ``datasets`` builder over the official release layout.

``datasets`` 4 and later no longer run loading scripts through ``load_dataset("opening.py")``, so
instantiate the class directly::

    from opening import OpenING          # with dataset_scripts/opening on sys.path

    builder = OpenING(data_dir="/path/to/OpenING", cache_dir="/tmp/hf-cache")
    builder.download_and_prepare()
    ds = builder.as_dataset()            # DatasetDict with the splits present (dev, test)

``data_dir`` is the folder containing ``OpenING-benchmark/`` (or that folder itself); without it the
sample release embedded in genjudge is used. For a Hub-ready repository (Parquet shards + card +
eval.yaml) use ``genjudge data build opening`` instead; both share the parsing and the schema.
"""

from __future__ import annotations

from typing import ClassVar

import datasets

from genjudge.benchmarks.opening import FEATURES, available_splits, instance_to_row, iter_records, sample_dir
from genjudge.benchmarks.opening.card import HOMEPAGE
from genjudge.benchmarks.opening.citation import CITATION

_DESCRIPTION = (
    "OpenING: open-ended interleaved image-text generation. Each instance has ordered input steps and a "
    "human gold answer, each step a text with an optional image; 56 subtasks in 23 meta-topics."
)


class OpenING(datasets.GeneratorBasedBuilder):
    """Reads ``OpenING-benchmark/{dev,test}_data.jsonl`` and the images they reference."""

    VERSION = datasets.Version("1.0.0")
    BUILDER_CONFIGS: ClassVar[list[datasets.BuilderConfig]] = [
        datasets.BuilderConfig(name="default", version=VERSION, description=_DESCRIPTION)
    ]
    DEFAULT_CONFIG_NAME = "default"

    def _info(self) -> datasets.DatasetInfo:
        return datasets.DatasetInfo(
            description=_DESCRIPTION,
            features=FEATURES,
            homepage=HOMEPAGE,
            citation=CITATION,
            license="unknown",
        )

    def _split_generators(self, dl_manager: datasets.DownloadManager) -> list[datasets.SplitGenerator]:
        source = self.config.data_dir or str(sample_dir())
        return [
            datasets.SplitGenerator(name=split, gen_kwargs={"source": source, "split": split})
            for split in available_splits(source)
        ]

    def _generate_examples(self, source: str, split: str):
        for record in iter_records(source, split):
            yield record.instance.total_uid, instance_to_row(record.instance, record.paths)
