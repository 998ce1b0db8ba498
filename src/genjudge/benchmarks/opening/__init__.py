"""OpenING (Zhou et al., CVPR 2025): open-ended interleaved image-text generation.

Public interface shared with the other parts of genjudge:

- :func:`read_benchmark` -- one split of the official release as :class:`~genjudge.core.records.Instance`
- :func:`read_model_outputs` -- one ``gen_outputs/<Model>_output/`` folder as
  :class:`~genjudge.core.records.ModelOutput`
- :func:`sample_dir` -- the embedded sample release
- :data:`FEATURES` -- the ``datasets`` schema of a built dataset
"""

from genjudge.core.lazy import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "read_model_outputs": "genjudge.benchmarks.opening.outputs",
        "SPLITS": "genjudge.benchmarks.opening.release",
        "MissingImagesError": "genjudge.benchmarks.opening.release",
        "available_splits": "genjudge.benchmarks.opening.release",
        "iter_records": "genjudge.benchmarks.opening.release",
        "read_benchmark": "genjudge.benchmarks.opening.release",
        "sample_dir": "genjudge.benchmarks.opening.sample",
        "FEATURES": "genjudge.benchmarks.opening.schema",
        "instance_to_row": "genjudge.benchmarks.opening.schema",
        "Subtask": "genjudge.benchmarks.opening.taxonomy",
        "meta_topics": "genjudge.benchmarks.opening.taxonomy",
        "subtasks": "genjudge.benchmarks.opening.taxonomy",
    },
)

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
