"""The tiny random diffusion pipeline, built once per test session (a few seconds on a loaded CPU)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.tiny_diffusion import build_tiny_pipeline

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_pipeline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("diffusers", reason="the generate extra (diffusers) is not installed")
    return build_tiny_pipeline(tmp_path_factory.mktemp("tiny-diffusion"))
