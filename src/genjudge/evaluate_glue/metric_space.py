"""The page of an ``evaluate`` module's Hub Space, built with gradio directly.

``evaluate.utils.launch_gradio_widget`` does not work with current gradio, so every
``metrics/<module>/app.py`` calls :func:`build_metric_space` instead: the module's card (its
README without the YAML header) above a form that takes the ``compute`` arguments as JSON, runs
the module and shows its result as JSON. The example in the form is the module's own, so a
visitor can press Compute and see it work.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr

from genjudge.safe_io import bounded_json as safe_json


def card_text(readme: Path) -> str:
    """The card's Markdown body: the README without its YAML header."""
    text = readme.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            text = text[end + 4 :]
    return text.lstrip("\n")


def compute_json(module: Any, arguments: str) -> str:
    """Run ``module.compute`` on JSON arguments; a readable error instead of a traceback."""
    try:
        kwargs = safe_json.loads(arguments or "{}")
    except safe_json.JSONInputError as exc:
        return json.dumps({"error": f"the arguments are not valid JSON: {exc}"})
    if not isinstance(kwargs, dict):
        return json.dumps({"error": "the arguments must be a JSON object of compute() keyword arguments"})
    try:
        result = module.compute(**kwargs)
    except (TypeError, ValueError, KeyError) as exc:
        return json.dumps({"error": f"{type(exc).__name__}: {exc}"})
    return json.dumps(result, indent=2, default=str)


def build_metric_space(module: Any, readme: Path, example: dict[str, Any]) -> gr.Blocks:
    """The Space page for ``module`` (an ``evaluate`` module), with ``example`` as the form's start."""
    with gr.Blocks(title=readme.parent.name) as page:
        gr.Markdown(card_text(readme))
        gr.Markdown("## Try it\nThe keyword arguments of `compute()`, as a JSON object:")
        arguments = gr.Code(json.dumps(example, indent=2), language="json", label="compute() arguments")
        run = gr.Button("Compute", variant="primary")
        result = gr.Code(language="json", label="Result")
        run.click(lambda text: compute_json(module, text), arguments, result, api_name="compute")
    return page
