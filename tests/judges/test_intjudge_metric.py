"""The `intjudge` evaluate module, loaded from its folder like any local evaluate module."""

from __future__ import annotations

from pathlib import Path

import evaluate
import pytest
from PIL import Image

MODULE = str(Path(__file__).resolve().parents[2] / "metrics" / "intjudge")


def steps(text: str, image=None) -> list[dict]:
    return [{"text": text, "image": image}]


@pytest.fixture(scope="module")
def lexical_module():
    return evaluate.load(MODULE, "reference", embedder="lexical")


def test_reference_backend_judges_text_and_images_through_arrow():
    module = evaluate.load(MODULE, config_name="reference")
    red = Image.new("RGB", (64, 64), (210, 30, 30))
    blue = Image.new("RGB", (64, 64), (20, 30, 220))
    gold = steps("A red square on a white page.", Image.new("RGB", (64, 64), (200, 40, 35)))
    results = module.compute(
        inputs=[steps("Draw a red square."), steps("Draw a red square.")],
        outputs_a=[steps("A red square on a page.", red), steps("A red square on a page.", blue)],
        outputs_b=[steps("A red square on a page.", blue), steps("A red square on a page.", red)],
        references=[gold, gold],
        model_a=["painter", "sketcher"],
        model_b=["sketcher", "painter"],
    )
    assert results["verdicts"] == ["A", "B"]
    assert results["judge"] == "reference-similarity/minilm-l6-v2"
    assert {model: rates["fdt"] for model, rates in results["win_rates"].items()} == {
        "painter": 1.0,
        "sketcher": 0.0,
    }
    assert results["win_rates"]["painter"]["battles"] == 2
    assert all(abs(sum(p.values()) - 1) < 1e-9 for p in results["probabilities"])
    assert results["cached"] == [False, False] and results["consistency_rate"] is None


def test_side_win_rates_swap_and_verdict_cache(lexical_module, tmp_path):
    gold = steps("Boil the pasta for ten minutes, then add tomato sauce.")
    kwargs = {
        "inputs": [steps("How do I cook pasta?")] * 2,
        "outputs_a": [steps("Boil pasta ten minutes, add tomato sauce."), steps("Take the bus.")],
        "outputs_b": [steps("Take the bus."), steps("Boil pasta and add sauce.")],
        "references": [gold, gold],
        "swap": True,
        "verdict_cache": str(tmp_path / "v.sqlite"),
    }
    first = lexical_module.compute(**kwargs)
    assert first["verdicts"] == ["A", "B"]
    assert first["win_rates"]["A"] == {
        "fdt": 0.5,
        "with_tie_0": 0.5,
        "with_tie_05": 0.5,
        "without_tie": 0.5,
        "battles": 2,
    }
    assert first["consistency_rate"] == 1.0
    again = lexical_module.compute(**kwargs)
    assert again["cached"] == [True, True] and again["verdicts"] == first["verdicts"]


def test_reference_backend_without_gold_answers_explains_itself(lexical_module):
    with pytest.raises(ValueError, match="no reference"):
        lexical_module.compute(inputs=[steps("q")], outputs_a=[steps("a")], outputs_b=[steps("b")])


def test_unknown_config_and_mismatched_columns_are_reported(lexical_module):
    with pytest.raises(ValueError, match="unknown intjudge configuration 'gpt'"):
        evaluate.load(MODULE, "gpt")
    with pytest.raises(ValueError, match="pass both model_a and model_b"):
        lexical_module.compute(
            inputs=[steps("q")],
            outputs_a=[steps("a")],
            outputs_b=[steps("b")],
            references=[steps("a")],
            model_a=["m"],
        )


def test_evaluate_keywords_stay_with_evaluate_and_the_rest_reach_the_judge(tmp_path):
    module = evaluate.load(MODULE, "reference", embedder="lexical", tie_margin=0.99, experiment_id="x")
    assert module.judge_options == {"embedder": "lexical", "tie_margin": 0.99}
    assert module.experiment_id == "x"
    results = module.compute(
        inputs=[steps("q")],
        outputs_a=[steps("red apple")],
        outputs_b=[steps("blue car")],
        references=[steps("apple")],
    )
    assert results["verdicts"] == ["Tie(A)"]  # a wide tie margin turns the clear win into a leaning tie
