"""The General-Bench commands end to end, mounted on a local app (see conftest.cli)."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
from openpyxl import load_workbook

from genjudge.hub.errors import HubError

FIXTURES = Path(__file__).parent / "fixtures"
RELEASE = FIXTURES / "General-Bench-Openset"
PREDICTIONS = FIXTURES / "predictions"
SOTA = FIXTURES / "sota_result.xlsx"


def test_build_writes_a_loadable_repository(cli, tmp_path):
    out = tmp_path / "repo"
    result = cli("build", "--source", RELEASE, "--out", out, "--sota", SOTA)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "19 media files" in result.output
    assert len(datasets.load_dataset(str(out), "nlp", split="test")) == 5
    again = cli("build", "--source", RELEASE, "--out", out, "--sota", SOTA)
    assert again.exit_code == 2 and "--overwrite" in again.output


def test_build_reports_a_broken_release_without_a_traceback(cli, release_copy, tmp_path):
    (release_copy / "nlp" / "Time Series" / "annotation.json").write_text("{not json", encoding="utf-8")
    result = cli("build", "--source", release_copy, "--out", tmp_path / "repo")
    assert result.exit_code == 2
    assert "General-Bench format error" in result.output and "malformed JSON at line 1" in result.output
    assert "Traceback" not in result.output


def test_evaluate_writes_a_result_sheet_and_prints_scores_and_coverage(cli, tmp_path):
    out = tmp_path / "tiny_result.xlsx"
    result = cli(
        "evaluate",
        "--bench",
        RELEASE,
        "--predictions",
        PREDICTIONS,
        "--sota",
        SOTA,
        "--out",
        out,
        "--model-name",
        "tiny",
        "--json-out",
        tmp_path / "tiny.json",
    )
    assert result.exit_code == 0, result.output
    assert "Fruit Disease Recognition" in result.output and "66.67" in result.output
    assert "10 scored" in result.output
    assert "15 of 16 tasks have an implemented metric" in result.output
    sheet = load_workbook(out)["Audio-Comprehension"]
    assert [c.value for c in sheet[1]] == ["No", "Task Name", "Task Short Name", "Metrics", "tiny"]
    assert sheet["E2"].value == 50.0
    results = json.loads((tmp_path / "tiny.json").read_text(encoding="utf-8"))
    assert results["model"] == "tiny" and len(results["results"]) == 16
    assert {"sheet": "NLP", "task": "Text to SQL", "metric": "ACC", "score": None} in results["results"]


def test_evaluate_stops_with_what_to_download_for_clip_score(cli, predictions_copy, tmp_path):
    task = predictions_copy / "3d" / "Generation" / "Text to 3D Living and Arts Mesh Generation"
    task.mkdir(parents=True)
    blue = RELEASE / "Image" / "comprehension" / "Fruit Disease Recognition" / "images" / "3.png"
    (task / "render.png").write_bytes(blue.read_bytes())
    (task / "prediction.json").write_text(json.dumps([{"id": "m1", "prediction": "render.png"}]))
    result = cli(
        "evaluate",
        "--bench",
        RELEASE,
        "--predictions",
        predictions_copy,
        "--sota",
        SOTA,
        "--out",
        tmp_path / "r.xlsx",
        "--clip-model",
        tmp_path / "no-clip",
    )
    assert result.exit_code == 3
    message = " ".join(result.output.split())  # rich wraps long lines
    assert "Metric unavailable" in message and "hf download openai/clip-vit-large-patch14" in message
    assert not (tmp_path / "r.xlsx").exists()


def test_coverage_prints_counts_by_metric_name(cli):
    result = cli("coverage", "--sota", SOTA)
    assert result.exit_code == 0, result.output
    assert "Metric coverage: 15 of 16 tasks" in result.output
    assert "not implemented: DINOScore 1" in result.output


def test_answer_field_names_the_reference_where_the_output_is_ambiguous(cli, release_copy, tmp_path):
    file = release_copy / "nlp" / "Commonsense Reasoning" / "annotation.json"
    doc = json.loads(file.read_text(encoding="utf-8"))
    for record in doc["data"]:
        record["output"] = {"gold": record["output"]["answer"], "rationale": "because"}
    file.write_text(json.dumps(doc), encoding="utf-8")
    args = ["evaluate", "--bench", release_copy, "--predictions", PREDICTIONS, "--sota", SOTA]
    failed = cli(*args, "--out", tmp_path / "a.xlsx")
    assert failed.exit_code == 2
    assert "output has fields ['gold', 'rationale'], none of them an answer field" in " ".join(
        failed.output.split()
    )
    fixed = cli(*args, "--out", tmp_path / "b.xlsx", "--answer-field", "Commonsense Reasoning=gold")
    assert fixed.exit_code == 0, fixed.output
    assert load_workbook(tmp_path / "b.xlsx")["NLP"]["E2"].value == 50.0


def test_push_to_hub_uploads_after_building(cli, tmp_path, monkeypatch):
    pushed = []
    monkeypatch.setattr(
        "genjudge.hub.publish.push_to_hub",
        lambda folder, repo_id, token=None: pushed.append((folder, repo_id)) or "https://hub/commit",
    )
    out = tmp_path / "repo"
    result = cli("build", "--source", RELEASE, "--out", out, "--push-to-hub", "me/general-bench")
    assert result.exit_code == 0, result.output
    assert pushed == [(out, "me/general-bench")]


def test_a_failed_upload_is_explained_and_keeps_the_folder(cli, tmp_path, monkeypatch):
    def offline(folder, repo_id, token=None):
        raise HubError("could not upload to me/general-bench: offline mode is enabled")

    monkeypatch.setattr("genjudge.hub.publish.push_to_hub", offline)
    out = tmp_path / "repo"
    result = cli("build", "--source", RELEASE, "--out", out, "--push-to-hub", "me/general-bench")
    assert result.exit_code == 3
    assert "Upload to me/general-bench failed" in " ".join(result.output.split())
    assert (out / "README.md").is_file()


def test_the_written_sheet_is_scored_by_the_level_scorer_and_the_board(cli, tmp_path):
    """Predictions → `general-level evaluate` → result sheet → Levels 2–5, and onto the leaderboard."""
    from genjudge.benchmarks.general_level import read_reference, read_results
    from genjudge.benchmarks.general_level.board import GeneralLevelBoard
    from genjudge.leaderboard.store import FINISHED, LeaderboardStore
    from genjudge.leaderboard.worker import Worker
    from genjudge.scoring.general_level import score_general_level

    out = tmp_path / "tiny_result.xlsx"
    args = ["evaluate", "--bench", RELEASE, "--predictions", PREDICTIONS, "--sota", SOTA, "--out", out]
    assert cli(*args, "--model-name", "tiny").exit_code == 0
    reference = read_reference(SOTA)
    score = score_general_level(read_results(out, reference), reference, bootstrap=0)
    assert score.supported == 10 and score.levels["level_2"].score > 0

    board = GeneralLevelBoard(reference, bootstrap=50)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    store.submit(out, board, model_name="tiny")
    Worker(store, {board.board_id: board}).run_until_empty()
    assert store.requests()[0]["status"] == FINISHED
    row = store.read_board(board.board_id).iloc[0]
    assert row["level_2"] == score.levels["level_2"].score
