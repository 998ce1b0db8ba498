"""Fixtures several test folders share."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_pipeline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random diffusers text-to-image pipeline on disk, built once per test session."""
    pytest.importorskip("diffusers", reason="the generate extra (diffusers) is not installed")
    from support.tiny_diffusion import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("tiny-diffusion"))
