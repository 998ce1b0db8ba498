"""General-Level (path2generalist/General-Level): reading the SoTA sheet and a model's result sheet.

Scoring itself is pure and lives in :mod:`genjudge.scoring.general_level`; this package only turns
files (xlsx in the official layout, CSV, JSON) into its containers, refusing bad input with one
error class that names file, sheet, row and column.
"""

from genjudge.benchmarks.general_level.reference import read_reference
from genjudge.benchmarks.general_level.results import read_results
from genjudge.scoring.general_level import GeneralLevelFormatError

__all__ = ["GeneralLevelFormatError", "read_reference", "read_results"]
