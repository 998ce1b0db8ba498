"""`genjudge evalmi metric pyiqa`: pyiqa's own no-reference models score the EvalMi images into a CSV
the Metrics board ranks. The end-to-end tests use pyiqa's CNNIQA at its real size with random weights,
saved in pyiqa's checkpoint layout and loaded through `--weights`; they need pyiqa (the `pyiqa`
extra, beside a torch with a matching torchvision) and skip without it."""

from __future__ import annotations

import importlib.util
import math
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from genjudge.benchmarks.evalmi import load_ratings, sample_dir
from genjudge.benchmarks.evalmi.board import MetricsBoard
from genjudge.cli import app
from genjudge.leaderboard.store import FINISHED, LeaderboardStore
from genjudge.leaderboard.worker import Worker

runner = CliRunner()
needs_pyiqa = pytest.mark.skipif(
    importlib.util.find_spec("pyiqa") is None,
    reason="pyiqa not installed (pip install 'genjudge[pyiqa]' beside a torch with a matching torchvision)",
)


def _output(result) -> str:
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def random_cnniqa(tmp_path_factory):
    """A CNNIQA checkpoint with random weights, in the layout pyiqa loads (`{"params": state_dict}`)."""
    import pyiqa
    import torch

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("weights") / "cnniqa_random.pth"
    network = pyiqa.create_metric("cnniqa", pretrained=None, device="cpu").net
    torch.save({"params": network.state_dict()}, path)
    return path


@needs_pyiqa
def test_pyiqa_writes_a_metric_submission_that_the_board_ranks(tmp_path, random_cnniqa):
    out = tmp_path / "cnniqa.csv"
    args = ["evalmi", "metric", "pyiqa", "--pyiqa-metric", "cnniqa", "--weights", str(random_cnniqa)]
    result = runner.invoke(app, [*args, "--batch-size", "16", "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out)
    ratings = load_ratings(sample_dir())
    assert scores.columns.tolist() == ["image_name", "score"]
    assert scores["image_name"].tolist() == ratings["image_name"].tolist()
    assert scores["score"].map(math.isfinite).all() and scores["score"].nunique() > 1

    board = MetricsBoard(ratings, bootstrap=50)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    store.submit(out, board, model_name="CNNIQA-random")
    Worker(store, {board.board_id: board}).run_until_empty()
    assert store.requests()[0]["status"] == FINISHED


@needs_pyiqa
def test_batched_scores_equal_pyiqa_called_on_each_image(random_cnniqa):
    import pyiqa

    from genjudge.benchmarks.evalmi.peers.pyiqa_metric import load_pyiqa_metric, pyiqa_scores

    paths = sorted((sample_dir() / "Aurora-XL").glob("*.png"))[:5]
    model = load_pyiqa_metric("cnniqa", random_cnniqa)
    reference = pyiqa.create_metric("cnniqa", pretrained_model_path=str(random_cnniqa), device="cpu")
    single = [reference(str(path)).item() for path in paths]
    assert pyiqa_scores(paths, model, batch_size=4, progress=False) == pytest.approx(single, rel=1e-5)


@needs_pyiqa
def test_without_the_weights_it_names_the_checkpoint_and_the_weights_option(tmp_path):
    out = tmp_path / "x.csv"
    missing = tmp_path / "no-musiq.pth"
    result = runner.invoke(app, ["evalmi", "metric", "pyiqa", "--weights", str(missing), "--out", str(out)])
    assert result.exit_code == 2
    text = _output(result)
    assert "hf download chaofengc/IQA-PyTorch-Weights musiq_koniq_ckpt-e95806b9.pth" in text
    assert "--weights ./weights/musiq_koniq_ckpt-e95806b9.pth" in text
    assert not out.exists()


@needs_pyiqa
def test_a_file_that_is_not_the_metric_checkpoint_is_refused_by_name(tmp_path):
    wrong = tmp_path / "wrong.pth"
    wrong.write_bytes(b"not a checkpoint")
    args = ["evalmi", "metric", "pyiqa", "--pyiqa-metric", "cnniqa", "--weights", str(wrong)]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert f"{wrong} is not a checkpoint of pyiqa's 'cnniqa'" in _output(result)


@needs_pyiqa
def test_a_full_reference_metric_is_refused(tmp_path):
    args = ["evalmi", "metric", "pyiqa", "--pyiqa-metric", "lpips", "--out", str(tmp_path / "x.csv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "full-reference metric" in _output(result)


def test_without_pyiqa_installed_it_says_which_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyiqa", None)  # what `import pyiqa` meets where it is not installed
    out = tmp_path / "x.csv"
    result = runner.invoke(app, ["evalmi", "metric", "pyiqa", "--out", str(out)])
    assert result.exit_code == 2
    assert "pip install 'genjudge[pyiqa]'" in _output(result)
    assert not out.exists()
