"""Command-line options shared by the commands that read an OpenING release and its model outputs.

``judge pairs`` and ``judge train-data`` take the same release folder, output folders and split; one
declaration keeps their help text and choices from drifting apart.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from genjudge.benchmarks.opening import SPLITS

OpeningSplit = enum.Enum("OpeningSplit", {split: split for split in SPLITS}, type=str)
OpeningSplit.__doc__ = "The splits of the OpenING release, as a choice for --split."
DEFAULT_SPLIT = OpeningSplit("test")

BenchmarkOpt = Annotated[
    Path,
    typer.Option(help="OpenING release folder (holding `OpenING-benchmark/`, or that folder itself)."),
]
OutputsOpt = Annotated[
    list[Path],
    typer.Option(
        "--outputs", metavar="FOLDER", help="A `gen_outputs/<Model>_output/` folder; repeat per model."
    ),
]
