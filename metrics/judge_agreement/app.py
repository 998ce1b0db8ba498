"""The Hub Space of the judge_agreement module: its card and a form that runs it."""

from pathlib import Path

import evaluate

from genjudge.metric_space import build_metric_space

HERE = Path(__file__).parent
EXAMPLE = {
    "predictions": ["A", "B", "Tie(A)"],
    "references": ["A", "A", "Tie(A)"],
    "uid": ["0101001", "0101002", "0101003"],
    "model_a": ["gill", "gill", "SEED-X"],
    "model_b": ["SEED-X", "Emu2", "Emu2"],
}

if __name__ == "__main__":
    build_metric_space(evaluate.load(str(HERE)), HERE / "README.md", EXAMPLE).launch()
