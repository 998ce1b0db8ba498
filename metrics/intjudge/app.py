"""The Hub Space of the intjudge module: its card and a form running the offline reference backend."""

from pathlib import Path

import evaluate

from genjudge.evaluate_glue.metric_space import build_metric_space

HERE = Path(__file__).parent
EXAMPLE = {
    "inputs": [[{"text": "How do I cook pasta?", "image": None}]],
    "outputs_a": [[{"text": "Boil pasta ten minutes and add tomato sauce.", "image": None}]],
    "outputs_b": [[{"text": "Take the bus to the station.", "image": None}]],
    "references": [[{"text": "Boil the pasta for ten minutes, then add tomato sauce.", "image": None}]],
    "model_a": ["chef-model"],
    "model_b": ["bus-model"],
}

if __name__ == "__main__":
    module = evaluate.load(str(HERE), "reference", embedder="lexical")
    build_metric_space(module, HERE / "README.md", EXAMPLE).launch()
