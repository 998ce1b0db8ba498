"""Write a :class:`~genjudge.training.builder.TrainingSet` as a Hub-ready dataset folder, and read it back.

::

    <out>/README.md                                  card (``card.md``): configs judge (train, test) and dpo
    <out>/holdout.json                               held-out instances and unseen models, with the seed
    <out>/judge/data/{train,test}-00000-of-00001.parquet
    <out>/dpo/data/train-00000-of-00001.parquet

The folder is written all or nothing by :func:`genjudge.hub.dataset_repo.write_dataset_repo`, and
``load_dataset(<out>)`` / ``load_dataset(<out>, "dpo")`` read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from datasets import Dataset, load_dataset

from genjudge.benchmarks.opening.citation import CITATION
from genjudge.hub.dataset_repo import Card, Config, DatasetRepo, Split, write_dataset_repo
from genjudge.safe_io.located_error import FormatError
from genjudge.training.builder import TrainingSet
from genjudge.training.dpo import dpo_rows
from genjudge.training.holdout import Holdout
from genjudge.training.schema import DPO_FEATURES, JUDGE_FEATURES, RAW_JUDGE_FEATURES

HOLDOUT_FILE = "holdout.json"
JUDGE_CONFIG = "judge"
DPO_CONFIG = "dpo"
METADATA = {
    "pretty_name": "OpenING judge-training pairs",
    "license": "unknown",
    "language": ["en"],
    "task_categories": ["image-text-to-text"],
    "tags": [
        "judge",
        "pairwise-evaluation",
        "preference",
        "dpo",
        "interleaved-image-text",
        "opening",
        "genjudge",
    ],
}


@dataclass
class RepoReport:
    """What was written, for the CLI to print."""

    out_dir: Path
    judge_sizes: dict[str, int] = field(default_factory=dict)
    dpo_size: int = 0
    dpo_ties: int = 0


def write_training_repo(
    training_set: TrainingSet, out_dir: str | Path, *, overwrite: bool = False, progress: bool = True
) -> RepoReport:
    """Write the judge pairs (both splits), the DPO pairs, the hold-out and the card to ``out_dir``."""
    report = RepoReport(Path(out_dir))
    dpo, report.dpo_ties = dpo_rows(training_set.train + training_set.test)
    judge = {
        split: Split(
            (comparison.to_row(unseen=training_set.is_unseen(comparison)) for comparison in comparisons),
            len(comparisons),
        )
        for split, comparisons in (("train", training_set.train), ("test", training_set.test))
    }
    card = Card(
        Path(__file__).with_name("card.md"),
        METADATA,
        lambda: {
            "sources": training_set.sources,
            "holdout": training_set.holdout,
            "dropped_unseen": training_set.dropped_unseen,
            "dpo_ties": report.dpo_ties,
            "citation": CITATION,
        },
    )
    dataset = DatasetRepo(
        [
            Config(JUDGE_CONFIG, JUDGE_FEATURES, judge, files="{config}/data/{split}", default=True),
            Config(DPO_CONFIG, DPO_FEATURES, {"train": Split(dpo, len(dpo))}, files="{config}/data/{split}"),
        ],
        card,
        files={HOLDOUT_FILE: lambda: json.dumps(training_set.holdout.to_dict(), indent=2)},
    )
    written = write_dataset_repo(dataset, out_dir, overwrite=overwrite, progress=progress)
    report.judge_sizes = {split: size.rows for split, size in written[JUDGE_CONFIG].items()}
    report.dpo_size = written[DPO_CONFIG]["train"].rows
    return report


def read_holdout(folder: str | Path) -> Holdout:
    path = Path(folder) / HOLDOUT_FILE
    try:
        return Holdout.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise FormatError(
            "not a judge-training folder: it has no holdout.json; build one with `genjudge judge train-data`",
            file=path,
        ) from None
    except (ValueError, KeyError, TypeError) as err:
        raise FormatError(f"unreadable hold-out file ({err})", file=path) from None


def load_split(folder: str | Path, split: str) -> Dataset:
    """One split of the ``judge`` config, its images as stored (``{"bytes", "path"}`` structs).

    Read with ``datasets.load_dataset`` (the way users read the folder), so rows stream from the
    Parquet files instead of sitting in memory, and image bytes are decoded only by the judge's
    image processor.
    """
    folder = Path(folder)
    read_holdout(folder)
    dataset = load_dataset(str(folder), JUDGE_CONFIG, split=split).cast(RAW_JUDGE_FEATURES)
    if len(dataset) == 0:
        raise FormatError(f"the {split} split of the judge config holds no pairs", file=folder)
    return dataset
