"""Metrics on images, masks and boxes: torchmetrics (CPU torch is enough), pycocotools for box AP.

Images come in as ``uint8`` arrays ``H x W x 3``, masks as integer class maps ``H x W``, boxes as
``{"boxes": N x 4 xyxy, "scores": N, "labels": N}``. The model-based metrics (FID, CLIP score)
call torchmetrics' own classes, which fetch their weights on first use; offline and without the
weights they stop with :class:`MetricUnavailableError` saying what to download.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import numpy as np

from genjudge.benchmarks.general_level.bench.errors import MetricUnavailableError
from genjudge.judges.clip_score import DEFAULT_CLIP_MODEL, ClipModelNotFound, clip_scores

FID_WEIGHTS = (
    "the FID Inception-v3 weights weights-inception-2015-12-05-6726825d.pth from "
    "https://github.com/toshas/torch-fidelity/releases/download/v0.2.0/ "
    "into $TORCH_HOME/hub/checkpoints/ (default ~/.cache/torch/hub/checkpoints/)"
)


def _image_tensor(image: np.ndarray):
    import torch

    return torch.from_numpy(np.array(image, copy=True)).permute(2, 0, 1).unsqueeze(0)


def psnr(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Peak signal-to-noise ratio in dB over all pixels of the task (data range 255).

    The squared error is pooled over every image (torchmetrics ``PeakSignalNoiseRatio`` state), so
    one perfectly restored image does not make the task's score infinite; only a task where every
    prediction equals its reference does, and that is refused as a ValueError.
    """
    from torchmetrics.image import PeakSignalNoiseRatio

    metric = PeakSignalNoiseRatio(data_range=255.0)
    for pred, ref in zip(predictions, references, strict=True):
        metric.update(_image_tensor(pred).double(), _image_tensor(ref).double())
    value = float(metric.compute())
    if not np.isfinite(value):
        raise ValueError("every prediction equals its reference pixel for pixel, so PSNR is infinite")
    return value


def ms_ssim(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Multi-scale SSIM per image pair (data range 255), averaged; raw, in [-1, 1]."""
    from torchmetrics.functional.image import multiscale_structural_similarity_index_measure

    values = [
        float(
            multiscale_structural_similarity_index_measure(
                _image_tensor(p).double(), _image_tensor(r).double(), data_range=255.0
            )
        )
        for p, r in zip(predictions, references, strict=True)
    ]
    return float(np.mean(values))


def _segmentation(metric_class, predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    import torch

    num_classes = (
        int(max(max(int(p.max()), int(r.max())) for p, r in zip(predictions, references, strict=True))) + 1
    )
    metric = metric_class(num_classes=max(num_classes, 2), input_format="index")
    for pred, ref in zip(predictions, references, strict=True):
        metric.update(
            torch.from_numpy(pred.astype(np.int64))[None], torch.from_numpy(ref.astype(np.int64))[None]
        )
    return 100.0 * float(metric.compute())


def mean_iou(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Mean intersection over union of class maps (torchmetrics ``MeanIoU``), in percent."""
    from torchmetrics.segmentation import MeanIoU

    return _segmentation(MeanIoU, predictions, references)


def dice(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Dice score of class maps (torchmetrics ``DiceScore``), in percent."""
    from torchmetrics.segmentation import DiceScore

    return _segmentation(DiceScore, predictions, references)


def detection_map(
    predictions: list[dict[str, Any]], references: list[dict[str, Any]], *, iou: float | None
) -> float:
    """COCO box AP (pycocotools ``COCOeval``, area "all", 100 detections per image), in percent.

    ``iou`` fixes one IoU threshold (AP50 = 0.5); None averages COCO's 0.5:0.95. torchmetrics'
    ``MeanAveragePrecision`` wraps this same evaluator but needs torchvision to import, so the
    evaluator is called directly.
    """
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    def xywh(box: list[float]) -> list[float]:
        x1, y1, x2, y2 = box
        return [x1, y1, x2 - x1, y2 - y1]

    truth, detections, categories = [], [], set()
    for image_id, (pred, ref) in enumerate(zip(predictions, references, strict=True)):
        for box, label in zip(ref["boxes"], ref["labels"], strict=True):
            w, h = xywh(box)[2:]
            truth.append(
                {
                    "id": len(truth) + 1,
                    "image_id": image_id,
                    "category_id": label,
                    "bbox": xywh(box),
                    "area": w * h,
                    "iscrowd": 0,
                }
            )
            categories.add(label)
        for box, label, score in zip(pred["boxes"], pred["labels"], pred["scores"], strict=True):
            detections.append({"image_id": image_id, "category_id": label, "bbox": xywh(box), "score": score})
            categories.add(label)
    if not detections:
        return 0.0
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools narrates every step on stdout
        ground = COCO()
        ground.dataset = {
            "images": [{"id": i} for i in range(len(references))],
            "annotations": truth,
            "categories": [{"id": c} for c in sorted(categories)],
        }
        ground.createIndex()
        evaluator = COCOeval(ground, ground.loadRes(detections), iouType="bbox")
        if iou is not None:
            evaluator.params.iouThrs = np.array([iou])
        evaluator.evaluate()
        evaluator.accumulate()
    precision = evaluator.eval["precision"][:, :, :, 0, -1]  # IoU x recall x class, area all, 100 dets
    valid = precision[precision > -1]
    return 100.0 * float(valid.mean()) if valid.size else 0.0


SUCCESS_THRESHOLDS = np.linspace(0.0, 1.0, 21)
"""The one-pass evaluation's overlap thresholds 0, 0.05, ..., 1 (OTB, LaSOT, GOT-10k)."""


def tracking_auc(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Area under the success plot of single-object tracking, in percent.

    Boxes are ``[x, y, w, h]`` per frame (as the official tracking predictor writes them); the
    per-frame IoU comes from pycocotools (``mask.iou`` on boxes), success at threshold t is the
    share of frames (over all videos) with IoU > t, and the AUC is its mean over the 21 thresholds.
    """
    from pycocotools import mask as coco_mask

    overlaps = []
    for pred, ref in zip(predictions, references, strict=True):
        ious = coco_mask.iou(
            pred.astype(np.float64).tolist(), ref.astype(np.float64).tolist(), [0] * len(ref)
        )
        overlaps.append(np.diag(np.asarray(ious).reshape(len(pred), len(ref))))
    frames = np.concatenate(overlaps)
    return 100.0 * float(np.mean([(frames > t).mean() for t in SUCCESS_THRESHOLDS]))


def fid(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Fréchet Inception Distance between generated and reference images (torchmetrics, 2048 features)."""
    try:
        from torchmetrics.image.fid import FrechetInceptionDistance

        metric = FrechetInceptionDistance(feature=2048)
    except (ModuleNotFoundError, ImportError) as exc:
        raise MetricUnavailableError(
            f"FID needs torch-fidelity (pip install torch-fidelity, which needs a working torchvision) "
            f"and {FID_WEIGHTS}; torchmetrics said: {exc}"
        ) from None
    except (OSError, RuntimeError) as exc:  # the weight download failed (offline)
        raise MetricUnavailableError(
            f"FID could not load its Inception weights; download {FID_WEIGHTS} ({exc})"
        ) from None
    for pred, ref in zip(predictions, references, strict=True):
        metric.update(_image_tensor(ref), real=True)
        metric.update(_image_tensor(pred), real=False)
    return float(metric.compute())


def clip_score(images: list[np.ndarray], prompts: list[str], model: str = DEFAULT_CLIP_MODEL) -> float:
    """CLIP score of generated images against their prompts (torchmetrics ``CLIPScore``), 0-100:
    the mean of :func:`genjudge.judges.clip_score.clip_scores`, from a Hub id or a local folder."""
    try:
        return float(clip_scores(images, prompts, model).mean())
    except (ModuleNotFoundError, ImportError) as exc:
        raise MetricUnavailableError(
            f"CLIP score needs transformers (pip install 'genjudge[judge]'); torchmetrics said: {exc}"
        ) from None
    except ClipModelNotFound as exc:
        raise MetricUnavailableError(f"CLIP score {exc}; pass the folder with --clip-model") from None
