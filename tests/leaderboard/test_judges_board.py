"""OpenING's Judges board through the generic leaderboard: a judge's verdict file in, its agreement
with the human verdicts out — the same numbers ``genjudge arena report`` prints for the same files —
and bad files refused with their record, nothing stored."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genjudge.benchmarks import default_benchmark_names, load_spec
from genjudge.benchmarks.opening.judges_board import load_human_verdicts, sample_arena_dir
from genjudge.benchmarks.opening.judges_board.board import SPEC, JudgesBoard
from genjudge.cli import app
from genjudge.hub.errors import HubError
from genjudge.judges.reference import ReferenceSimilarityJudge
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.store import FINISHED, LeaderboardStore
from genjudge.leaderboard.worker import Worker
from genjudge.safe_io.uploads import SubmissionError

HUMAN = sample_arena_dir() / "judge_modelAB_results.json"
LENGTH_JUDGE = sample_arena_dir() / "length-judge_modelAB_results.json"


@pytest.fixture(scope="module")
def human():
    return load_human_verdicts()


@pytest.fixture
def board(human):
    return JudgesBoard(
        human,
        unseen=human.default_unseen(),
        bootstrap=200,
        reference_judge=ReferenceSimilarityJudge(embedder="lexical"),
    )


def evaluate(tmp_path: Path, board: JudgesBoard, uploads: dict[str, Path]) -> LeaderboardStore:
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    for model, path in uploads.items():
        store.submit(path, board, model_name=model)
    Worker(store, {board.board_id: board}).run_until_empty()
    assert {r["status"] for r in store.requests()} == {FINISHED}
    return store


def write(path: Path, records) -> Path:
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def flipped(records: list[dict]) -> list[dict]:
    """The same pairs with every verdict turned to the other side: a judge that disagrees."""
    other = {"A": "B", "B": "A", "Tie(A)": "Tie(B)", "Tie(B)": "Tie(A)"}
    return [{**r, "winner": other[r["winner"]]} for r in records]


def test_judges_are_ranked_by_fdt_agreement_next_to_the_reference_judge(tmp_path, board):
    contrarian = write(tmp_path / "contrarian.json", flipped(json.loads(HUMAN.read_text())))
    store = evaluate(tmp_path, board, {"Length-Heuristic": LENGTH_JUDGE, "Contrarian": contrarian})
    view = BoardView(store, board.board_id, board.spec)
    assert list(view.scopes) == ["Agreement", "Seen / unseen", "Position swap"]
    table = view.table()
    assert table["Model"].tolist() == [
        "Reference judge (reference-similarity/lexical-tfidf)",
        "Length-Heuristic",
        "Contrarian",
    ]
    assert table["Row"].tolist() == ["reference: computed here", "submitted", "submitted"]
    rows = store.read_board(board.board_id).set_index("model")
    assert rows.loc["Contrarian", "fdt"] == 0.0  # every verdict on the wrong side
    length = rows.loc["Length-Heuristic"]
    assert length["fdt_lower"] < length["fdt"] < length["fdt_upper"]
    assert (length["pairs"], length["swap_pairs"], length["unvoted"]) == (96, 96, 0)
    # The heuristic calls a near-even pair a tie leaning to the answer shown first, so some pairs
    # change side when the answers trade places.
    assert 0.5 < length["swap_consistency"] < 1.0
    assert math.isnan(rows.loc["Contrarian", "swap_consistency"])  # one order only
    assert view.table(scope="Position swap").set_index("Model").loc["Contrarian"].isna().any()
    [request] = [r for r in store.requests() if r["model"] == "Contrarian"]
    results = store.result(request["submission_id"])
    assert results["results"][board.board_id]["swap_consistency"] is None  # null, never NaN


def test_the_row_equals_arena_report_on_the_same_files(tmp_path, board):
    store = evaluate(tmp_path, board, {"Length-Heuristic": LENGTH_JUDGE})
    row = store.read_board(board.board_id).set_index("model").loc["Length-Heuristic"]
    out = tmp_path / "report"
    command = ["arena", "report", str(LENGTH_JUDGE), "--human", str(HUMAN), "--unseen", "Drift-Gen"]
    result = CliRunner().invoke(app, [*command, "--bootstrap", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())["agreement"]["agreement"]
    for variant in ("fdt", "with_tie", "without_tie"):
        assert row[variant] == report["all"][variant]
    assert row["pairs"] == report["all"]["pairs"]
    assert row["pairs_without_tie"] == report["all"]["pairs_without_tie"]
    assert (row["seen_fdt"], row["unseen_fdt"]) == (report["seen"]["fdt"], report["unseen"]["fdt"])
    assert (row["seen_pairs"], row["unseen_pairs"]) == (report["seen"]["pairs"], report["unseen"]["pairs"])
    assert row["harmonic_fdt"] == report["harmonic_mean"]["fdt"]


def _records() -> list[dict]:
    return json.loads(HUMAN.read_text())


BAD_FILES = {
    "not a list": ({"data_id": "0101001"}, "expected a JSON list"),
    "unknown label": (
        [{**_records()[0], "winner": "C"}, *_records()[1:]],
        "record 0 (data_id=0101001) field 'winner' is 'C'",
    ),
    "instance nobody voted on": (
        [*_records(), {**_records()[0], "data_id": "9999999"}],
        "record 96 (data_id=9999999, model_A=",
    ),
    "model outside the human set": (
        [*_records(), {**_records()[0], "model_B": {"id": "9", "name": "Mystery-Model"}}],
        "model 'Mystery-Model' is in no human-voted pair",
    ),
    "pair judged twice in one order": (
        [*_records(), _records()[5]],
        "judges the same pair in the same order as record 5",
    ),
    "no pair in the order people saw it": (
        [{**r, "model_A": r["model_B"], "model_B": r["model_A"]} for r in _records()],
        "none of the 96 records is a human-voted pair in the order people saw it",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_verdict_file_is_refused_with_its_record_and_nothing_is_stored(tmp_path, board, case):
    records, message = BAD_FILES[case]
    path = write(tmp_path / "verdicts.json", records)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    with pytest.raises(SubmissionError, match=re.escape(message)) as error:
        store.submit(path, board, model_name="Bad")
    assert "file 'verdicts.json'" in str(error.value) and str(tmp_path) not in str(error.value)
    assert store.requests() == []


def test_only_one_json_file_is_accepted(tmp_path, board):
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    with pytest.raises(SubmissionError, match=r"OpenING judges takes one \.json file"):
        store.submit(sample_arena_dir(), board, model_name="Bad")
    assert store.requests() == []


def test_the_board_is_a_default_plugin_that_opens_offline_on_the_sample():
    assert "opening-judges" in default_benchmark_names()
    assert load_spec("opening-judges") is SPEC
    board = SPEC.open({"reference_judge": "none", "bootstrap": "10"})
    assert board.human.is_sample and board.unseen == ("Drift-Gen",)
    assert "96 pairs over 16 instances and 4 models" in board.describe()


def test_human_verdicts_come_from_a_folder_or_the_hub(tmp_path, monkeypatch):
    arena = tmp_path / "OpenING" / "Interleaved_Arena"
    arena.mkdir(parents=True)
    (arena / "judge_modelAB_results.json").write_bytes(HUMAN.read_bytes())
    (arena / "gpt-judge_modelAB_results.json").write_bytes(LENGTH_JUDGE.read_bytes())
    human = load_human_verdicts(str(tmp_path / "OpenING"))  # a checkout of the repo
    assert not human.is_sample and list(human.judge_files) == ["GPT-4o (official verdicts)"]
    board = JudgesBoard(human, bootstrap=0)
    [reference] = board.reference_rows(tmp_path)
    assert reference["model"] == "GPT-4o (official verdicts)" and reference["swap_pairs"] == 96
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubError, match=r"someone/votes.*pass its local path"):
        load_human_verdicts("someone/votes")


@pytest.mark.skipif(
    not os.environ.get("GENJUDGE_OPENING_REPO"),
    reason="set GENJUDGE_OPENING_REPO to a checkout of LanceZPF/OpenING (its Interleaved_Arena/ folder)",
)
def test_uploading_the_official_judge_files_gives_the_papers_agreement(tmp_path):
    arena = Path(os.environ["GENJUDGE_OPENING_REPO"]) / "Interleaved_Arena"
    board = SPEC.open({"human": str(arena.parent), "bootstrap": "100"})
    store = evaluate(
        tmp_path,
        board,
        {
            "IntJudge-upload": arena / "intjudge_rag-judge_modelAB_results.json",
            "GPT-4o-upload": arena / "gpt-judge_modelAB_results.json",
        },
    )
    rows = store.read_board(board.board_id).set_index("model")
    assert f"{rows.loc['IntJudge-upload', 'fdt']:.2%}" == "82.42%"
    assert rows.loc["IntJudge-upload", "pairs"] == 4301
    gpt = rows.loc["GPT-4o-upload"]
    assert [f"{gpt[v]:.2%}" for v in ("fdt", "with_tie", "without_tie")] == ["71.08%", "51.93%", "74.58%"]
    # The reference rows are the same files, so they carry the same numbers.
    assert rows.loc["IntJudge (official verdicts)", "fdt"] == rows.loc["IntJudge-upload", "fdt"]
    assert rows.loc["GPT-4o (official verdicts)", "fdt"] == gpt["fdt"]


def test_the_shipped_sample_is_what_its_script_writes(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "scripts"))
    from make_opening_judges_sample import write_sample

    for path in write_sample(tmp_path):
        assert path.read_bytes() == (sample_arena_dir() / path.name).read_bytes()
