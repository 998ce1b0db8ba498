"""``official=True`` gives exactly the numbers of the official LMM4LMM evaluation functions.

The official ``save_and_evaluate`` functions of ``internvl/train/eval_scores.py`` and
``eval_qa.py`` are taken from a checkout of IntMeGroup/LMM4LMM named by the environment variable
``GENJUDGE_LMM4LMM_REPO`` (nothing of it is stored here) and run on data made here, prepared the
way the official scripts prepare it (MOS through a bfloat16 tensor). Skipped without a checkout.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.stats
import torch

from genjudge.scoring.correlation import correlations, qa_accuracy

CHECKOUT = os.environ.get("GENJUDGE_LMM4LMM_REPO")
pytestmark = pytest.mark.skipif(
    not CHECKOUT, reason="set GENJUDGE_LMM4LMM_REPO to a checkout of IntMeGroup/LMM4LMM"
)


def official_function(script: str, name: str = "save_and_evaluate"):
    """The named top-level function of an official script, compiled alone (the script's own imports
    pull in the whole training stack, which this function does not use)."""
    path = Path(CHECKOUT) / "internvl" / "train" / script
    tree = ast.parse(path.read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    namespace = {
        "pd": pd,
        "spearmanr": scipy.stats.spearmanr,
        "pearsonr": scipy.stats.pearsonr,
        "kendalltau": scipy.stats.kendalltau,
    }
    exec(compile(ast.Module(body=[node], type_ignores=[]), str(path), "exec"), namespace)
    return namespace[name]


def read_metrics(path: Path) -> dict[str, float]:
    pairs = (line.split(": ") for line in path.read_text().splitlines() if ": " in line)
    return {key: float(value) for key, value in pairs}


def test_scores_match_eval_scores_py(tmp_path: Path) -> None:
    rng = np.random.default_rng(2025)
    mos = rng.uniform(15.95, 73.30, 2_000)
    prediction = np.round(np.clip(mos / 20 + rng.normal(0, 0.4, mos.size), 0, None), 3)
    data_list = [
        [f"gen/{i:03d}.png", torch.tensor(float(m), dtype=torch.bfloat16).item(), float(p)]
        for i, (m, p) in enumerate(zip(mos, prediction, strict=True), start=1)
    ]
    official_function("eval_scores.py")(
        data_list, output_file=str(tmp_path / "out.csv"), metrics_file=str(tmp_path / "metrics.txt")
    )
    official = read_metrics(tmp_path / "metrics.txt")
    ours = correlations(prediction, mos, official=True)
    assert ours.srcc == pytest.approx(official["SRCC_score"], abs=1e-15)
    assert ours.plcc == pytest.approx(official["PLCC_score"], abs=1e-15)
    assert ours.krcc == pytest.approx(official["KRCC_score"], abs=1e-15)


def test_qa_accuracy_matches_eval_qa_py(tmp_path: Path) -> None:
    outputs = ["Yes", "No", "yes.", "no", "Yes, it does", "unclear", "", "No"]
    answers = ["Yes", "Yes", "Yes", "No", "No", "No", "Yes", "No"]
    data_list = [[f"gen/{i:03d}.png", a, o] for i, (a, o) in enumerate(zip(answers, outputs, strict=True))]
    official_function("eval_qa.py")(
        data_list, output_file=str(tmp_path / "out.csv"), metrics_file=str(tmp_path / "metrics.txt")
    )
    official = read_metrics(tmp_path / "metrics.txt")["Accuracy"]
    assert qa_accuracy(outputs, answers, official=True).accuracy == pytest.approx(official, abs=1e-15)
