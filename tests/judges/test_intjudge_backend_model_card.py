"""The IntJudge model card parses as a Hub model card with its evaluation result."""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import ModelCard

CARD = Path(__file__).resolve().parents[2] / "model_cards" / "intjudge.md"


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
