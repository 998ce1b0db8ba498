"""Shared fixtures: a writable copy of the embedded sample release and a dataset built from it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from genjudge.benchmarks.opening import sample_dir
from genjudge.benchmarks.opening.repo import build_repo


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A copy of the sample release that a test may break on purpose."""
    target = tmp_path / "release"
    shutil.copytree(sample_dir(), target)
    return target


@pytest.fixture(scope="session")
def built_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample release built once into a dataset repository folder."""
    out = tmp_path_factory.mktemp("built") / "opening-dataset"
    build_repo(sample_dir(), out, progress=False)
    return out
