"""`genjudge judge score`: the official 7-criterion scores of every output on the embedded OpenING
sample, from a local chat-completions server, cached and resumable, summarised per model as
summarize_GPT_scores.py does."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from judges.test_api_judge import ChatServer, error, user_text
from judges.test_gpt_official_requests import tool_call
from PIL import Image
from typer.testing import CliRunner

from genjudge.benchmarks.opening import sample_dir
from genjudge.cli import app
from genjudge.judges.prompts import SCORE_CRITERIA
from genjudge.judges.score_summary import SUMMARY_COLUMNS, summarize_scores

MODELS = ["Aurora-Interleave", "Quill-TextOnly"]


@pytest.fixture
def server():
    chat = ChatServer()
    chat.thread.start()
    yield chat
    chat.httpd.shutdown()
    chat.httpd.server_close()


def score_by_length(request: dict, n: int):
    """Longer answers score higher: 10 for answers over 400 characters of text, else 4."""
    answer = user_text(request).split("\nOUTPUT:", 1)[1]
    value = 10 if len(answer) > 400 else 4
    return tool_call({name: {"Score": value, "Justification": "length"} for name in SCORE_CRITERIA})


def args(server, tmp_path, *extra: str) -> list[str]:
    sample = sample_dir()
    command = ["judge", "score", "--benchmark", str(sample), "--endpoint", server.base_url]
    for model in MODELS:
        command += ["--outputs", str(sample / "gen_outputs" / f"{model}_output")]
    return [
        *command,
        "--option",
        "api_key_env=GENJUDGE_TEST_NO_KEY",
        "--out",
        str(tmp_path / "s.json"),
        *extra,
    ]


def test_scores_every_output_writes_the_official_records_and_a_ranked_summary(server, tmp_path):
    server.respond = score_by_length
    cache = tmp_path / "scores.sqlite"
    extra = (
        "--cache",
        str(cache),
        "--summary",
        str(tmp_path / "summary.csv"),
        "--plot",
        str(tmp_path / "t.png"),
    )
    result = CliRunner().invoke(app, args(server, tmp_path, *extra), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    records = json.loads((tmp_path / "s.json").read_text())
    assert {record["model"]["name"] for record in records} == set(MODELS)
    assert set(records[0]["score"]) == set(SCORE_CRITERIA)
    assert all("tools" in request for request, _ in server.requests), "the official function is forced"
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert list(summary["Rank"]) == [1, 2]
    assert summary["Overall"].is_monotonic_decreasing
    with Image.open(tmp_path / "t.png") as image:
        assert image.format == "PNG"
    assert f"{len(records)} outputs scored, 0 reused" in result.output

    again = CliRunner().invoke(app, args(server, tmp_path, "--cache", str(cache)))
    assert again.exit_code == 0, again.output
    assert f"0 outputs scored, {len(records)} reused" in again.output
    assert json.loads((tmp_path / "s.json").read_text()) == records


def test_a_failed_output_is_reported_and_a_rerun_scores_only_it(server, tmp_path):
    cache = str(tmp_path / "scores.sqlite")
    server.respond = lambda request, n: (
        tool_call({"Correctness": {"Score": 99, "Justification": "?"}})
        if n == 1
        else score_by_length(request, n)
    )
    first = CliRunner().invoke(app, args(server, tmp_path, "--cache", cache, "--batch-size", "1"))
    assert first.exit_code == 1
    assert "1 of" in first.output and "Re-run with the same cache" in first.output
    assert not (tmp_path / "s.json").exists()
    second = CliRunner().invoke(app, args(server, tmp_path, "--cache", cache))
    assert second.exit_code == 0, second.output
    assert "1 outputs scored" in second.output


def test_a_refused_request_stops_with_a_message(server, tmp_path):
    server.respond = lambda request, n: error(401, "bad key")
    result = CliRunner().invoke(app, args(server, tmp_path))
    assert result.exit_code == 1
    assert "HTTP 401" in result.output


def test_the_summary_rounds_as_the_official_script():
    low = {name: 6 for name in SCORE_CRITERIA} | {"Correctness": 7}
    rows = [
        ("a", low),
        ("a", {name: 6 for name in SCORE_CRITERIA}),
        ("b", {name: 9 for name in SCORE_CRITERIA}),
    ]
    summary = summarize_scores(rows)
    assert list(summary["Model_Name"]) == ["b", "a"]
    assert summary.loc[1, "Correctness"] == 6.5
    assert summary.loc[1, "Overall"] == round((6.5 + 6 * 6) / 7, 2) == 6.07
    with pytest.raises(ValueError, match="no scores"):
        summarize_scores([])
