"""EvalMi-50K's text-to-image models board: a zip of generations scored by (tiny, random) LMM4LMM
judges and ranked among the human-rated generators; served only when named, since it needs weights."""

from __future__ import annotations

import zipfile

import pytest

from genjudge.benchmarks import default_benchmark_names, load_spec
from genjudge.benchmarks.evalmi import sample_dir
from genjudge.leaderboard.board import BoardView
from genjudge.leaderboard.store import FINISHED, LeaderboardStore
from genjudge.leaderboard.worker import Worker
from genjudge.safe_io.uploads import SubmissionError


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from support.random_internvl import save_random_checkpoint

    return save_random_checkpoint(tmp_path_factory.mktemp("judge") / "tiny-lmm4lmm")


def zipped(folder, archive, skip=()):
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.iterdir()):
            if path.name not in skip:
                zf.write(path, f"MyModel/{path.name}")
    return archive


def test_generations_are_scored_and_ranked_among_the_human_rated_generators(tmp_path, checkpoint):
    board = load_spec("evalmi-models").open(
        {"perception_model": str(checkpoint), "correspondence_model": str(checkpoint), "device": "cpu"}
    )
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    archive = zipped(sample_dir() / "Aurora-XL", tmp_path / "gen.zip")
    assert store.submit(archive, board, model_name="MyModel").created
    Worker(store, {board.board_id: board}).run_until_empty()
    assert store.requests()[0]["status"] == FINISHED, store.requests()[0]["reason"]
    table = BoardView(store, board.board_id, board.spec).table()
    humans = table[table["Scored by"] == "people (MOS)"]
    assert len(humans) == board.ratings["generator"].nunique()
    mine = table[table["Model"] == "MyModel"].iloc[0]
    assert mine["Scored by"] == "LMM4LMM" and mine["Images"] == len(board.prompts)
    assert table["Perception"].tolist() == sorted(table["Perception"], reverse=True)
    result = store.result(store.requests()[0]["submission_id"])["results"][board.board_id]
    assert result["perception"] == pytest.approx(mine["Perception"], abs=0.01)


def test_a_zip_missing_prompts_is_refused_and_nothing_is_written(tmp_path):
    board = load_spec("evalmi-models").open({})
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    archive = zipped(sample_dir() / "Aurora-XL", tmp_path / "gen.zip", skip={"002.png"})
    with pytest.raises(SubmissionError, match=r"002\.png") as error:
        store.submit(archive, board, model_name="MyModel")
    assert "genjudge-generations" not in str(error.value)  # no server temp path
    assert store.requests() == []


def test_the_board_needs_weights_so_it_is_served_only_when_named():
    assert "evalmi-models" not in default_benchmark_names()
    assert {"opening", "general-level", "evalmi-metrics"} <= set(default_benchmark_names())
