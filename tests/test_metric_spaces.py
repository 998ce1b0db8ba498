"""Every ``metrics/<module>/`` folder is a complete evaluate Space: card with the Space header and the
usual sections in one heading style, an ``app.py`` that builds its page, requirements installing genjudge."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from genjudge.evaluate_glue.metric_space import card_text, compute_json

METRICS = Path(__file__).resolve().parents[1] / "metrics"
MODULES = sorted(p for p in METRICS.iterdir() if (p / f"{p.name}.py").is_file())
SECTIONS = ("How to Use", "Inputs", "Output Values", "Examples", "Limitations and Bias", "Citation")


@pytest.mark.parametrize("folder", MODULES, ids=lambda p: p.name)
def test_the_card_has_the_space_header_and_the_usual_sections(folder):
    text = (folder / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["sdk"] == "gradio" and header["app_file"] == "app.py"
    assert (folder / "app.py").is_file()
    headings = re.findall(r"^#{1,3} (.+)$", card_text(folder / "README.md"), re.M)
    assert re.fullmatch(r"(Metric|Comparison|Measurement) Card for .+", headings[0])
    assert re.fullmatch(r"(Metric|Comparison|Measurement) Description", headings[1])
    for section in SECTIONS:
        assert section in headings, f"{folder.name}: no '{section}' section (headings: {headings})"


@pytest.mark.parametrize("folder", MODULES, ids=lambda p: p.name)
def test_requirements_install_genjudge_with_gradio(folder):
    lines = [line.strip() for line in (folder / "requirements.txt").read_text().splitlines() if line.strip()]
    (genjudge,) = [line for line in lines if line.startswith("genjudge")]
    assert "space" in genjudge.split("[", 1)[1].split("]", 1)[0].split(",")


def test_the_space_page_runs_the_module_and_reports_bad_json():
    import evaluate

    from genjudge.evaluate_glue.metric_space import build_metric_space

    module = evaluate.load(str(METRICS / "opening_winrate"))
    example = {"model_a": ["x", "y"], "model_b": ["y", "x"], "winner": ["A", "A"]}
    page = build_metric_space(module, METRICS / "opening_winrate" / "README.md", example)
    assert page is not None
    result = json.loads(compute_json(module, json.dumps(example)))
    assert "x" in json.dumps(result)
    assert "not valid JSON" in json.loads(compute_json(module, "{nope"))["error"]
    assert "JSON object" in json.loads(compute_json(module, "[1, 2]"))["error"]
    deep = json.loads(compute_json(module, '{"winner": ' + "[" * 10_000 + "]" * 10_000 + "}"))
    assert "nested more than 64 levels deep in field 'winner" in deep["error"]
    repeated = json.loads(compute_json(module, '{"winner": ["A"], "winner": ["B"]}'))
    assert "the key 'winner' is repeated" in repeated["error"] and "(line 1, column 19)" in repeated["error"]
