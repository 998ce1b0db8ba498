"""The small OpenING-format release embedded in the package, used by the demo and the tests."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_dir() -> Path:
    """Folder with ``OpenING-benchmark/`` (dev and test split) and ``gen_outputs/`` (four models).

    The texts and images are original (written and drawn by ``scripts/make_opening_sample.py``);
    only the layout and the task ids/names follow the official release.
    """
    path = Path(str(resources.files("genjudge.benchmarks.opening").joinpath("sample_data")))
    if not (path / "OpenING-benchmark").is_dir():
        raise FileNotFoundError(
            f"the embedded OpenING sample is missing from {path}; reinstall genjudge or run "
            "scripts/make_opening_sample.py"
        )
    return path


def sample_output_dirs() -> list[Path]:
    """The bundled sample models' output folders (``gen_outputs/<Model>_output``)."""
    return sorted(folder for folder in (sample_dir() / "gen_outputs").iterdir() if folder.is_dir())
