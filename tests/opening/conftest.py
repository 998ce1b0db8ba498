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


@pytest.fixture(scope="session", autouse=True)
def offline_and_private_cache(tmp_path_factory: pytest.TempPathFactory):
    """No Hub access, and dataset caches in a temporary folder instead of the user's ~/.cache.

    Patched on the loaded modules too, in case another test module imported them before the
    environment variables above were set.
    """
    import datasets.config
    import huggingface_hub.constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path_factory.mktemp("hf-datasets-cache"))
        patch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
        patch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
        yield


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
