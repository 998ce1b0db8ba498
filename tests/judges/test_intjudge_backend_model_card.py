"""The IntJudge model card parses as a Hub model card with its evaluation result."""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import ModelCard

CARD = Path(__file__).resolve().parents[2] / "model_cards" / "intjudge" / "README.md"
EVAL_RESULTS = CARD.parent / ".eval_results" / "opening.yaml"


def test_the_model_card_metadata_is_what_the_hub_reads():
    card = ModelCard.load(CARD)
    data = card.data
    assert data.license == "unknown"
    assert data.base_model == "Qwen/Qwen2-VL-7B-Instruct"
    assert data.pipeline_tag == "image-text-to-text"
    assert data.library_name == "transformers"
    assert data.datasets == ["genjudge/opening"]
    assert data.model_name == "IntJudge"


def test_the_model_card_reports_the_official_human_agreement():
    (result,) = ModelCard.load(CARD).data.eval_results
    assert result.task_type == "image-text-to-text"
    assert result.dataset_type == "genjudge/opening"
    assert result.dataset_split == "test"
    assert result.metric_type == "accuracy"
    assert result.metric_name == "Agreement with human verdicts (FDT)"
    assert result.metric_value == 82.42
    assert result.source_url == "https://github.com/LanceZPF/OpenING"


def test_the_model_card_body_compares_with_gpt4o_and_shows_genjudge_usage():
    text = ModelCard.load(CARD).text
    assert "| **IntJudge** | **82.42 %** |" in text
    assert "| GPT-4o (official GPT judge prompt) | 71.08 % |" in text
    assert 'load_judge("intjudge", model="./judges/IntJudge")' in text
    assert "hf download IntJudge/IntJudge --local-dir ./judges/IntJudge" in text


def test_the_score_is_also_an_eval_results_file_of_the_benchmark():
    """How the Hub links a model's score to a benchmark's leaderboard: ``.eval_results/*.yaml``
    entries naming the benchmark dataset and one of its eval.yaml tasks, on its scale (fractions)."""
    import yaml

    from genjudge.benchmarks.opening.card import eval_file

    (entry,) = yaml.safe_load(EVAL_RESULTS.read_text(encoding="utf-8"))
    tasks = {task["id"] for task in yaml.safe_load(eval_file(["test"]).render())["tasks"]}
    assert entry["dataset"]["id"] == ModelCard.load(CARD).data.datasets[0]
    assert entry["dataset"]["task_id"] in tasks
    assert entry["value"] == 0.8242  # the model-index's 82.42 %, as a fraction
    assert entry["source"]["url"] == "https://github.com/LanceZPF/OpenING"
