"""The small EvalMi-50K-format release embedded in the package, for the demo, the Space and tests."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_dir() -> Path:
    """Folder with ``MOS&QA/``, ``prompts/``, ``data/`` folds and ``<generator>/<NNN>.png`` images.

    Prompts, questions, ratings and pictures are original (made by ``scripts/make_evalmi_sample.py``);
    only the layout follows the official release. ``metric_scores.csv`` beside them is a metric
    submission for it.
    """
    path = Path(str(resources.files("genjudge.benchmarks.evalmi").joinpath("sample_data")))
    if not (path / "MOS&QA").is_dir():
        raise FileNotFoundError(
            f"the embedded EvalMi-50K sample is missing from {path}; reinstall genjudge or run "
            "scripts/make_evalmi_sample.py"
        )
    return path
