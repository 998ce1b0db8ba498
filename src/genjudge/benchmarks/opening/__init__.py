"""OpenING (Zhou et al., CVPR 2025): open-ended interleaved image-text generation.

Public interface shared with the other parts of genjudge:

- :func:`read_benchmark` -- one split of the official release as :class:`~genjudge.core.records.Instance`
- :func:`read_model_outputs` -- one ``gen_outputs/<Model>_output/`` folder as
  :class:`~genjudge.core.records.ModelOutput`
- :func:`sample_dir` -- the embedded sample release
- :data:`FEATURES` -- the ``datasets`` schema of a built dataset
"""

from genjudge.benchmarks.opening.outputs import read_model_outputs
from genjudge.benchmarks.opening.release import (
    SPLITS,
    MissingImagesError,
    available_splits,
    iter_records,
    read_benchmark,
)
from genjudge.benchmarks.opening.sample import sample_dir
from genjudge.benchmarks.opening.schema import FEATURES, instance_to_row
from genjudge.benchmarks.opening.taxonomy import Subtask, meta_topics, subtasks

__all__ = [
    "FEATURES",
    "SPLITS",
    "MissingImagesError",
    "Subtask",
    "available_splits",
    "instance_to_row",
    "iter_records",
    "meta_topics",
    "read_benchmark",
    "read_model_outputs",
    "sample_dir",
    "subtasks",
]
