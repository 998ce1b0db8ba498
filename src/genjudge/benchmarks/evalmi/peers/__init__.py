"""Peer metrics for the EvalMi-50K Metrics board: other people's pip-installable scorers, run on the
benchmark's rated images so they sit on the board as reference rows beside submitted metrics.

Each peer is a thin adapter over the peer's own public API (the peer's model does the scoring),
imported lazily so genjudge installs and runs without it. A peer that is not installed, or whose
weights are not on disk, stops with :class:`PeerUnavailable`, whose message says what to install or
download and how to point ``--weights`` at a local copy. :mod:`.submission` turns the scores into the
board's CSV; CLIP score (:mod:`genjudge.judges.clip_score`) goes through the same path.
"""

from __future__ import annotations

from genjudge.benchmarks.evalmi.peers.errors import PeerUnavailable
from genjudge.benchmarks.evalmi.peers.submission import rated_image_paths, write_submission

__all__ = ["PeerUnavailable", "rated_image_paths", "write_submission"]
