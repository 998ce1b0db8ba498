"""Thread settings every perf script pins before numpy or torch load their BLAS.

A ratio between two arms counts only if both ran with the same threads, and BLAS reads these
variables once, at load: so a script calls :func:`pin_threads` (or :func:`pin_from_argv`) before its
first numpy/torch import, and prints :func:`thread_settings` next to its figures.
"""

from __future__ import annotations

import argparse
import os

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def pin_threads(threads: int) -> None:
    """Set every BLAS/OpenMP thread variable to ``threads``."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)


def pin_from_argv(default: int) -> int:
    """Pin the threads a ``--threads N`` on the command line asks for (else ``default``); return them.

    Read before the script's own parser runs, which happens after the heavy imports.
    """
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--threads", type=int, default=None)
    threads = early.parse_known_args()[0].threads or default
    pin_threads(threads)
    return threads


def thread_settings() -> str:
    """The pinned variables as ``NAME=value, ...`` for a script's report."""
    return ", ".join(f"{name}={os.environ.get(name)}" for name in THREAD_VARIABLES)
