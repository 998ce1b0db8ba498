"""Write a :class:`~genjudge.training.builder.TrainingSet` as a Hub-ready dataset folder, and read it back.

::

    <out>/README.md                                  card: configs judge (train, test) and dpo, features
    <out>/holdout.json                               held-out instances and unseen models, with the seed
    <out>/judge/data/{train,test}-00000-of-00001.parquet
    <out>/dpo/data/train-00000-of-00001.parquet

The folder is written all or nothing (:func:`genjudge.hub.publish.atomic_directory`), and
``load_dataset(<out>)`` / ``load_dataset(<out>, "dpo")`` read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from datasets import Dataset, load_dataset
from tqdm.auto import tqdm

from genjudge.hub.publish import ParquetShardWriter, atomic_directory
from genjudge.safe_io.located_error import FormatError
from genjudge.training.builder import TrainingSet
from genjudge.training.card import DPO_CONFIG, JUDGE_CONFIG, render_card
from genjudge.training.dpo import dpo_rows
from genjudge.training.holdout import Holdout
from genjudge.training.schema import DPO_FEATURES, JUDGE_FEATURES, RAW_JUDGE_FEATURES

HOLDOUT_FILE = "holdout.json"


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
    splits = {"train": training_set.train, "test": training_set.test}
    with atomic_directory(out_dir, overwrite=overwrite) as tmp:
        for split, comparisons in splits.items():
            writer = ParquetShardWriter(tmp / JUDGE_CONFIG, split, JUDGE_FEATURES.arrow_schema)
            for comparison in tqdm(comparisons, desc=f"judge {split}", unit="pair", disable=not progress):
                writer.write(
                    comparison.to_row(unseen=training_set.is_unseen(comparison)), comparison.payload_bytes()
                )
            writer.close()
            report.judge_sizes[split] = writer.num_rows
        rows, report.dpo_ties = dpo_rows(training_set.train + training_set.test)
        writer = ParquetShardWriter(tmp / DPO_CONFIG, "train", DPO_FEATURES.arrow_schema)
        for row in tqdm(rows, desc="dpo train", unit="pair", disable=not progress):
            writer.write(row, 1024)
        writer.close()
        report.dpo_size = writer.num_rows
        (tmp / HOLDOUT_FILE).write_text(
            json.dumps(training_set.holdout.to_dict(), indent=2), encoding="utf-8"
        )
        card = render_card(
            report.judge_sizes,
            report.dpo_size,
            training_set.holdout,
            training_set.sources,
            dropped_unseen=training_set.dropped_unseen,
            dpo_ties=report.dpo_ties,
        )
        (tmp / "README.md").write_text(card, encoding="utf-8")
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
