"""The embedded General-Level sample (``genjudge/benchmarks/general_level/sample_data``), made by
``scripts/make_general_level_sample.py``: a tiny invented SoTA sheet and three fictional models in
the three accepted results formats, for the offline demo, the Space and examples."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_folder() -> Path:
    """The folder holding ``reference.xlsx`` and the sample models' result files."""
    return Path(str(resources.files("genjudge.benchmarks.general_level").joinpath("sample_data")))


def sample_reference_path() -> Path:
    """The sample SoTA sheet (official layout, 41 invented tasks over all nine sheets)."""
    return sample_folder() / "reference.xlsx"


def sample_results_paths() -> list[Path]:
    """The sample models' result files: Aurora-Omni.xlsx, Harbor-Base.csv, Quill-Reader.json."""
    folder = sample_folder()
    return [folder / "Aurora-Omni.xlsx", folder / "Harbor-Base.csv", folder / "Quill-Reader.json"]
