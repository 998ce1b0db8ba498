"""The Hub Space of the opening_winrate module: its card and a form that runs it."""

from pathlib import Path

import evaluate

from genjudge.metric_space import build_metric_space

HERE = Path(__file__).parent
EXAMPLE = {
    "model_a": ["gill", "SEED-X", "gill", "Emu2"],
    "model_b": ["SEED-X", "Emu2", "Emu2", "gill"],
    "winner": ["B", "A", "Tie(A)", "B"],
    "bootstrap_rounds": 200,
}

if __name__ == "__main__":
    build_metric_space(evaluate.load(str(HERE)), HERE / "README.md", EXAMPLE).launch()
