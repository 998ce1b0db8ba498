"""The one error a peer metric raises when it cannot run here, with what to do about it."""

from __future__ import annotations


class PeerUnavailable(RuntimeError):
    """The peer is not installed, or its weights are neither given nor downloadable.

    The message names the pip extra to install, or the checkpoint to download (hub id or URL) and
    how to pass a local copy with ``--weights``.
    """


def not_installed(package: str, extra: str) -> PeerUnavailable:
    """The error for a peer package that cannot be imported."""
    return PeerUnavailable(
        f"{package} is not installed: pip install 'genjudge[{extra}]'. It needs torchvision, so install "
        "it beside a torch that has a matching torchvision wheel (e.g. torch==2.14.1 with "
        "torchvision==0.29.1), not beside a CPU-only torch build without one."
    )
