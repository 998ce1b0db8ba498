"""What a General-Bench metric raises when it cannot run here (format problems raise
:class:`~genjudge.safe_io.located_error.FormatError`, like every reader's)."""

from __future__ import annotations


class MetricUnavailableError(Exception):
    """A metric needs something that is not here (model weights, an optional package).

    The message names what to download or install and how to point genjudge at it.
    """
