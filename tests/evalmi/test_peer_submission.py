"""The path every peer metric shares: which images it must score, and the board CSV it writes."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from genjudge.benchmarks.evalmi import sample_dir
from genjudge.benchmarks.evalmi.peers import rated_image_paths, write_submission
from genjudge.benchmarks.evalmi.release import read_release
from genjudge.cli import app

runner = CliRunner()


def test_rated_image_paths_follow_the_ratings_order():
    release = read_release(sample_dir())
    paths = rated_image_paths(release)
    assert [path.relative_to(release.images_dir).as_posix() for path in paths] == [
        rating.image_name for rating in release.ratings
    ]


def test_a_missing_rated_image_stops_the_peer_before_any_model_loads(tmp_path):
    bench = shutil.copytree(sample_dir(), tmp_path / "bench")
    (bench / "Aurora-XL" / "002.png").unlink()
    out = tmp_path / "x.csv"
    result = runner.invoke(app, ["evalmi", "metric", "clip-score", "--bench", str(bench), "--out", str(out)])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "1 rated image(s) are not in the release folder (Aurora-XL/002.png" in message
    assert not out.exists()


def test_write_submission_writes_one_row_per_rated_image(tmp_path):
    release = read_release(sample_dir())
    out = tmp_path / "peer.csv"
    write_submission(release, [float(i) for i in range(len(release.ratings))], out)
    table = pd.read_csv(out)
    assert table.columns.tolist() == ["image_name", "score"]
    assert table["image_name"].tolist() == [rating.image_name for rating in release.ratings]


def test_a_non_finite_score_is_refused_with_the_image_name(tmp_path):
    release = read_release(sample_dir())
    scores = [1.0] * len(release.ratings)
    scores[3] = math.nan
    out = tmp_path / "peer.csv"
    with pytest.raises(ValueError, match=f"1 non-finite score.*{release.ratings[3].image_name}"):
        write_submission(release, scores, out)
    assert not out.exists()


def test_images_can_live_apart_from_the_release_sheets(tmp_path):
    images = shutil.copytree(
        sample_dir(), tmp_path / "images", ignore=shutil.ignore_patterns("MOS&QA", "prompts")
    )
    (images / "Echo-Gen" / "001.png").unlink()
    result = runner.invoke(
        app, ["evalmi", "metric", "clip-score", "--images", str(images), "--out", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2
    assert "(Echo-Gen/001.png" in " ".join(result.output.split())
