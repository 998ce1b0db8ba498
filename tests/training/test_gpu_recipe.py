"""The GPU training recipe (``perf/train_judge_gpu.py``) runs its whole path on a CPU with a tiny model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "perf" / "train_judge_gpu.py"


def test_the_recipe_reports_steps_per_second_on_a_tiny_config():
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, str(SCRIPT), "--arch", "tiny", "--device", "cpu", "--steps", "2"]
    command += ["--warmup-steps", "1", "--pairs", "4", "--image-side", "56", "--threads", "1"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout[done.stdout.index("{\n") :])
    assert report["timed_steps"] == 2 and report["steps_per_second"] > 0
    assert report["trainable_parameters"] > 0 and report["torch_threads"] == 1
