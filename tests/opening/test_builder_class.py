"""The datasets builder in dataset_scripts/opening works when instantiated directly (datasets >= 4
no longer runs loading scripts), and agrees with the library readers."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from genjudge.benchmarks.opening import FEATURES, read_benchmark, sample_dir

SCRIPT = Path(__file__).resolve().parents[2] / "dataset_scripts" / "opening" / "opening.py"


def test_builder_prepares_and_loads_the_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(SCRIPT.parent))  # as the script's docstring says to use it
    opening = importlib.import_module("opening")
    builder = opening.OpenING(data_dir=str(sample_dir()), cache_dir=str(tmp_path / "cache"))
    builder.download_and_prepare()
    ds = builder.as_dataset()
    assert {split: d.num_rows for split, d in ds.items()} == {"dev": 4, "test": 16}
    assert ds["test"].features == FEATURES
    expected = read_benchmark(sample_dir(), "dev")[0]
    row = ds["dev"][0]
    assert row["total_uid"] == expected.total_uid
    assert [s["text"] for s in row["output"]] == [s.text for s in expected.output_steps]
    assert row["output"][0]["image"].size == (96, 96)
