"""The one error General-Level input problems raise, from the readers and from the scorer alike."""

from __future__ import annotations


class GeneralLevelFormatError(ValueError):
    """A SoTA sheet or a model's result sheet that cannot be scored as it is.

    The message names the file, the sheet, the row and the column (or the record) at fault, so a
    person can fix the sheet without reading a traceback.
    """
