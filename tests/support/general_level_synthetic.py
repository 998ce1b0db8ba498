"""Small, made-up General-Level sheets for tests, the offline demo and benchmarks.

:func:`synthetic_reference` is a SoTA sheet in the official layout with a few tasks per sheet,
using the real sheet's metric names — the quirky ones too (``CD (Chamfer Distance)``,
``RTE ( Relative Translation Error)``, ``L1 distance``, WER in percent, MOS, MS-SSIM, the NLP
``RMSE`` row). :func:`synthetic_values` draws a model's raw scores around any reference's SoTA
values: each task unsupported, tied with the specialist, better, or worse, in the metric's own
direction. The numbers are invented; they exist to exercise every scoring rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genjudge.scoring.general_level import Reference
from genjudge.scoring.general_level.metrics import MOS, MS_SSIM, PSNR, lower_is_better

_TASKS = {
    "Image-Comprehension": [
        ("Human Action Recognition", "Acc", 82.3),
        ("Referring Segmentation", "mIoU", 61.0),
        ("Crowd Counting", "MAE", 5.95),
        ("Image Captioning", "Rouge-L f", 38.5),
        ("Image Matting", "SAD", 18.1),
        ("Object Detection", "AP50", 55.3),
    ],
    "Image-Generation": [
        ("Edge-to-Image Generation", "FID", 18.7),
        ("Image Deraining", "PSNR", 34.56),
        ("Image Compression", "MS-SSIM", 0.542),
        ("Text-to-Image Generation", "CLIP score", 30.1),
        ("Depth-to-Image Generation", "RMSE", 4.2),
    ],
    "Video-Comprehension": [
        ("Agriculture Video Question Answering", "BLEU-1", 27.7),
        ("Video Depth Estimation", "absRel", 0.123),
        ("Optical Flow Estimation", "EPE", 23.0),
        ("Video Anomaly Detection", "AUC", 80.1),
    ],
    "Video-Generation": [
        ("Text-to-Video Generation", "FVD", 71.27),
        ("Static Video Generation", "L1 distance", 99.72),
        ("Video Super-Resolution", "PSNR", 27.53),
        ("Multi-Object Video Generation", "Successful rate", 60.2),
    ],
    "Audio-Comprehension": [
        ("Accent Classification", "ACC", 75.2),
        ("Audio Captioning", "BLUE_1", 20.1),
        ("Speech Emotion Recognition", "F1", 88.0),
    ],
    "Audio-Generation": [
        ("TextToSpeech", "WER", 5.6),
        ("DailyTalkGeneration", "MOS", 3.82),
        ("EmotionalSpeechSynthesis", "MCD", 4.12),
        ("VideoToAudio", "FAD", 11.52),
        ("AudioEdit", "CLAP", 31.5),
        ("SpeechTranslation （zh-to-en）", "WER", 7.1),
        ("PopMusicGeneration", "PCC", 59.01),
    ],
    "3D-Comprehension": [
        ("3D Accessory Classification", "Acc", 91.18),
        ("3D Odometry", "RTE ( Relative Translation Error)", 0.55),
        ("3D Normal Estimation", "RMSE", 9.96),
        ("3D Part Segmentation", "Instance mIoU", 80.1),
    ],
    "3D-Generation": [
        ("3D Point Cloud Completion", "CD (Chamfer Distance)", 0.217),
        ("Text-to-3D Generation", "CLIP score", 28.5),
        ("Image-to-3D Generation", "FID", 40.1),
    ],
    "NLP": [
        ("Commonsense Reasoning", "ACC", 83.33),
        ("Document-Level Causal Reasoning", "BLEU-1", 21.47),
        ("Named Entity Recognition", "Micro-F1", 60.0),
        ("Time Series", "RMSE", 2.31),
        ("Text Summarisation", "ROUGE-1", 40.0),
    ],
}

PROFILES = {
    "generalist": {"missing": 0.1, "tie": 0.15, "better": 0.35},
    "specialist-beater": {"missing": 0.05, "tie": 0.05, "better": 0.7},
    "weak": {"missing": 0.3, "tie": 0.05, "better": 0.1},
}
"""Chances that a task is unsupported, tied, or better than the specialist (else worse)."""


def synthetic_reference() -> Reference:
    """A 41-task SoTA sheet with all nine official sheets."""
    records = [
        {"sheet": sheet, "task": task, "short_name": task[:24], "metric": metric, "sota": sota, "row": row}
        for sheet, tasks in _TASKS.items()
        for row, (task, metric, sota) in enumerate(tasks, start=2)
    ]
    return Reference(pd.DataFrame.from_records(records), source="synthetic reference")


def synthetic_values(
    reference: Reference,
    rng: np.random.Generator,
    *,
    profile: str = "generalist",
    absent_sheets: tuple[str, ...] = (),
) -> np.ndarray:
    """Raw scores for every reference task (NaN = unsupported), drawn per task from ``profile``;
    tasks of ``absent_sheets`` are all unsupported. Values are rounded to 4 decimals, as a sheet
    would hold them, and stay inside each metric's range."""
    chances = PROFILES[profile]
    sota = reference.sota
    draw = rng.random(len(sota))
    missing = draw < chances["missing"]
    tie = (draw >= chances["missing"]) & (draw < chances["missing"] + chances["tie"])
    better = (draw >= chances["missing"] + chances["tie"]) & (draw < sum(chances.values()))
    step = rng.uniform(0.05, 0.3, len(sota))
    downward = lower_is_better(reference.kinds)
    up = sota * (1 + step)
    down = sota * (1 - step)
    improved = np.where(downward, down, up)
    worsened = np.where(downward, up, down)
    values = np.where(tie, sota, np.where(better, improved, worsened))
    kinds = reference.kinds
    ceiling = np.select(
        [kinds == MS_SSIM, kinds == MOS, kinds == PSNR], [1.0, 5.0, 60.0], np.where(downward, np.inf, 100.0)
    )
    floor = np.where(kinds == MOS, 1.0, 0.0)
    values = np.round(np.clip(values, floor, ceiling), 4)
    values[missing] = np.nan
    for sheet in absent_sheets:
        values[reference.sheet_slices[sheet]] = np.nan
    return values
