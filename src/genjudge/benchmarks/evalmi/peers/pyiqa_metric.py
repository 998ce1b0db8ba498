"""pyiqa (IQA-PyTorch) no-reference quality metrics on the EvalMi-50K images, through pyiqa's own
``create_metric``: MUSIQ, TOPIQ, CNNIQA, DBCNN and the other NR models score image quality, which
the board compares with both MOS dimensions.

pyiqa downloads each metric's checkpoint on first use (from the Hub repo
:data:`PYIQA_WEIGHTS_REPO`); offline, ``weights`` names a local copy, which pyiqa loads as its own
``pretrained_model_path``. Images of one size go through the model together, so a batch is one
forward pass. A metric where lower means better (NIQE, BRISQUE…) is negated, since the board
ranks higher scores as better.
"""

from __future__ import annotations

import importlib
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.error import URLError

import numpy as np
from tqdm.auto import tqdm

from genjudge.benchmarks.evalmi.peers.errors import PeerUnavailable, not_installed

DEFAULT_PYIQA_METRIC = "musiq"
"""MUSIQ trained on KonIQ-10k: a multi-scale transformer, a widely used no-reference IQA baseline."""

PYIQA_WEIGHTS_REPO = "chaofengc/IQA-PyTorch-Weights"
"""Where pyiqa fetches its checkpoints from."""


def _pyiqa() -> Any:
    try:
        import pyiqa
    except ImportError:
        raise not_installed("pyiqa", "pyiqa") from None
    return pyiqa


def checkpoint_url(metric: str) -> str | None:
    """The checkpoint pyiqa downloads for ``metric``, when its architecture module lists it.

    pyiqa imports an architecture's module when it first builds it; most are named after the
    architecture (``MUSIQ`` in ``musiq_arch``), and for the others this gives ``None``.
    """
    from pyiqa.default_model_configs import DEFAULT_CONFIGS
    from pyiqa.utils.registry import ARCH_REGISTRY

    options = DEFAULT_CONFIGS[metric]["metric_opts"]
    if options["type"] not in ARCH_REGISTRY:
        try:
            importlib.import_module(f"pyiqa.archs.{options['type'].lower()}_arch")
        except ImportError:
            return None
    if options["type"] not in ARCH_REGISTRY:
        return None
    urls = getattr(sys.modules[ARCH_REGISTRY.get(options["type"]).__module__], "default_model_urls", {})
    return next((urls[value] for value in options.values() if isinstance(value, str) and value in urls), None)


def _weights_help(metric: str) -> str:
    url = checkpoint_url(metric)
    if url is None:
        return (
            f"download the checkpoint of pyiqa's {metric!r} from the Hub repo {PYIQA_WEIGHTS_REPO} "
            "where the Hub is reachable and pass the file with --weights"
        )
    file = url.rsplit("/", 1)[-1]
    return (
        f"download {url} where the network is reachable (e.g. `hf download {PYIQA_WEIGHTS_REPO} {file} "
        f"--local-dir ./weights`) and pass it with --weights ./weights/{file}"
    )


def load_pyiqa_metric(
    metric: str = DEFAULT_PYIQA_METRIC, weights: str | Path | None = None, device: str = "cpu"
) -> Any:
    """pyiqa's inference model for a no-reference ``metric``, from ``weights`` when given.

    Without ``weights`` pyiqa downloads its default checkpoint (or takes it from its cache); when
    that fails, :class:`PeerUnavailable` says which file to download and how to pass it.
    """
    pyiqa = _pyiqa()
    if metric not in pyiqa.list_models():
        raise ValueError(f"pyiqa has no metric {metric!r} (see `pyiqa.list_models()`)")
    if metric not in pyiqa.list_models(metric_mode="NR"):
        raise ValueError(
            f"pyiqa's {metric!r} is a full-reference metric; EvalMi-50K images have no reference image"
        )
    if weights is not None and not Path(weights).is_file():
        raise PeerUnavailable(f"no weights file {weights}: {_weights_help(metric)}")
    options = {} if weights is None else {"pretrained_model_path": str(weights)}
    try:
        return pyiqa.create_metric(metric, device=device, **options)
    except URLError as exc:
        raise PeerUnavailable(
            f"pyiqa could not download the weights of {metric!r} ({exc.reason}): {_weights_help(metric)}"
        ) from None
    except (RuntimeError, KeyError, OSError, pickle.UnpicklingError) as exc:
        if weights is None:
            raise
        raise PeerUnavailable(
            f"{weights} is not a checkpoint of pyiqa's {metric!r} ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}): {_weights_help(metric)}"
        ) from None


def _size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def _batches(paths: Sequence[Path], batch_size: int) -> list[list[int]]:
    """Indices of ``paths`` in batches of one image size each (a batch is one stacked tensor)."""
    by_size: dict[tuple[int, int], list[int]] = {}
    for index, path in enumerate(paths):
        by_size.setdefault(_size(path), []).append(index)
    return [
        group[start : start + batch_size]
        for group in by_size.values()
        for start in range(0, len(group), batch_size)
    ]


def pyiqa_scores(
    paths: Sequence[Path], model: Any, *, batch_size: int = 8, progress: bool = True
) -> np.ndarray:
    """One score per image file from a model made by :func:`load_pyiqa_metric`, higher = better."""
    import torch
    from pyiqa.utils.img_util import imread2tensor

    scores = np.empty(len(paths))
    with tqdm(total=len(paths), desc=f"pyiqa {model.metric_name}", unit="image", disable=not progress) as bar:
        for batch in _batches(paths, batch_size):
            images = torch.stack([imread2tensor(str(paths[i]), rgb=True) for i in batch])
            with torch.no_grad():
                scores[batch] = model(images).reshape(len(batch)).double().cpu().numpy()
            bar.update(len(batch))
    return -scores if model.lower_better else scores
