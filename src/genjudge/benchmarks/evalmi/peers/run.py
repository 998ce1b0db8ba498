"""Run a peer by name on a release: the one entry point the CLI (and any other front end) calls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genjudge.benchmarks.evalmi.peers.pyiqa_metric import DEFAULT_PYIQA_METRIC
from genjudge.benchmarks.evalmi.peers.submission import rated_image_paths
from genjudge.benchmarks.evalmi.release import Release

PEERS = ("clip-score", "pyiqa")
"""The peer metrics ``genjudge evalmi metric`` runs."""


@dataclass(frozen=True)
class PeerOptions:
    """How to run a peer. ``weights``: a CLIP folder or Hub id for clip-score, the metric's
    checkpoint file for pyiqa; ``None`` takes the peer's default (downloaded when not cached)."""

    weights: str | None = None
    pyiqa_metric: str = DEFAULT_PYIQA_METRIC
    device: str = "cpu"
    batch_size: int = 8
    progress: bool = True


def peer_scores(peer: str, release: Release, options: PeerOptions) -> tuple[np.ndarray, str]:
    """One score per rated image of ``release`` (ratings order), and which model gave them.

    Raises :class:`~genjudge.benchmarks.evalmi.peers.errors.PeerUnavailable` (or the CLIP loader's
    ``ClipModelNotFound``) when the peer or its weights are missing, ``FormatError`` when a
    rated image is missing or unreadable.
    """
    if peer not in PEERS:
        raise ValueError(f"unknown peer metric {peer!r}; known: {', '.join(PEERS)}")
    paths = rated_image_paths(release)
    if peer == "clip-score":
        from genjudge.judges.clip_score import DEFAULT_CLIP_MODEL, clip_scores

        prompts = {prompt.index: prompt.prompt for prompt in release.prompts}
        model = options.weights or DEFAULT_CLIP_MODEL
        images = [path.read_bytes() for path in paths]
        texts = [prompts[rating.prompt_index] for rating in release.ratings]
        scores = clip_scores(images, texts, model, batch_size=options.batch_size, progress=options.progress)
        return scores, model
    from genjudge.benchmarks.evalmi.peers.pyiqa_metric import load_pyiqa_metric, pyiqa_scores

    metric = load_pyiqa_metric(options.pyiqa_metric, options.weights, options.device)
    scores = pyiqa_scores(paths, metric, batch_size=options.batch_size, progress=options.progress)
    return scores, f"{options.pyiqa_metric}, {options.weights or 'pyiqa default weights'}"
