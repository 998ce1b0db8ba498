"""General-Level (path2generalist/General-Level): reading the SoTA sheet and a model's result sheet.

Scoring itself is pure and lives in :mod:`genjudge.scoring.general_level`; this package only turns
files (xlsx in the official layout, CSV, JSON) into its containers, refusing bad input with one
error class that names file, sheet, row and column.
"""

from genjudge.core.lazy import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "read_reference": "genjudge.benchmarks.general_level.reference",
        "read_results": "genjudge.benchmarks.general_level.results",
        "GeneralLevelFormatError": "genjudge.scoring.general_level",
    },
)

__all__ = ["GeneralLevelFormatError", "read_reference", "read_results"]
