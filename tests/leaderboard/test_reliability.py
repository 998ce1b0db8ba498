"""Reliability: concurrent uploads lose or duplicate nothing; a worker killed with SIGKILL mid-judging
resumes and ends with exactly the board an uninterrupted run produces."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from leaderboard_helpers import make_zip, opening_board

from genjudge.judges.cache import VerdictCache
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import FINISHED, LeaderboardStore
from genjudge.leaderboard.ui import build_app

gradio_client = pytest.importorskip("gradio_client")
HERE = Path(__file__).parent
SRC = HERE.parents[1] / "src"


@pytest.mark.slow
def test_fifty_concurrent_submissions_make_fifty_rows(tmp_path, instances):
    from leaderboard_helpers import free_port

    board = opening_board(instances)
    service = LeaderboardService(LeaderboardStore(tmp_path / "lb", boards=[board]), {"opening": board})
    app = build_app(service, refresh_seconds=60)
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
        uploads = []
        for i in range(45):
            folder = tmp_path / f"z{i}"
            folder.mkdir()
            uploads.append((make_zip(folder, f"model-{i:02d}", quality=i % 7 + 1), f"model-{i:02d}"))
        # Five re-uploads of the same files (no-ops) and one more name clash (refused).
        uploads += [(uploads[i][0], f"again-{i}") for i in range(5)]

        def send(job):
            archive, name = job
            return client.predict(
                gradio_client.handle_file(str(archive)), name, "", "", api_name="/submit_opening"
            )

        with ThreadPoolExecutor(max_workers=8) as pool:
            messages = list(pool.map(send, uploads))
    finally:
        app.close()
    assert sum(m.startswith("✅ Queued") for m in messages) == 45
    assert sum("already submitted" in m for m in messages) == 5
    requests = service.store.requests()
    assert len(requests) == 45
    assert sorted(r["model"] for r in requests) == sorted(f"model-{i:02d}" for i in range(45))
    assert sorted(r["seq"] for r in requests) == list(range(45))
    assert len(list((tmp_path / "lb" / "outputs").glob("*.parquet"))) == 45


WORKER_SCRIPT = """
import sys
sys.path[:0] = [{src!r}, {tests!r}]
from leaderboard_helpers import WordCountJudge, make_instances, worker_for
from genjudge.leaderboard.store import LeaderboardStore
store = LeaderboardStore(sys.argv[1])
judge = WordCountJudge(delay=float(sys.argv[2]))
worker_for(store, make_instances(), judge, batch_size=2).run_until_empty()
"""


def run_worker(store: Path, delay: float) -> subprocess.Popen:
    script = WORKER_SCRIPT.format(src=str(SRC), tests=str(HERE))
    return subprocess.Popen([sys.executable, "-c", script, str(store), str(delay)])


def queue_models(store_dir: Path, tmp: Path, instances) -> LeaderboardStore:
    store = LeaderboardStore(store_dir)
    for quality, model in enumerate(["A", "B", "C", "D"], start=1):
        folder = tmp / model
        archive = folder / f"{model}.zip"
        if not archive.exists():  # both stores get the very same files, hence the same ids
            folder.mkdir(parents=True)
            make_zip(folder, model, quality)
        store.submit(archive, opening_board(instances), model_name=model)
    return store


def cached(store: LeaderboardStore) -> int:
    """Verdicts committed to the board's cache so far (0 before the first batch)."""
    path = store.root / "cache" / "opening-verdicts.sqlite"
    if not path.exists():
        return 0
    with VerdictCache(path) as cache:
        return len(cache)


def snapshot(store: LeaderboardStore) -> tuple[pd.DataFrame, list, list]:
    board = store.read_board("opening").drop(columns=["submitted_at"])
    verdicts = sorted(json.dumps(row, sort_keys=True) for row in store.all_exports("verdicts", "opening"))
    results = [store.result(r["submission_id"])["results"] for r in store.requests()]
    return board, verdicts, results


@pytest.mark.slow
def test_kill_9_mid_judging_then_restart_gives_the_uninterrupted_result(tmp_path, instances):
    reference = queue_models(tmp_path / "ref", tmp_path / "zips", instances)
    assert run_worker(reference.root, 0.0).wait(60) == 0

    store = queue_models(tmp_path / "lb", tmp_path / "zips", instances)
    worker = run_worker(store.root, 0.15)
    # Wait until D's job (the last, with 3 opponents) has some but not all of its verdicts in the
    # cache (A, B and C's jobs put 0 + 4 + 8 there), then kill -9.
    last = store.requests()[-1]["submission_id"]
    before = 3 * len(instances)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and cached(store) < before + 2:
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    partial = cached(store) - before
    assert 2 <= partial < 2 * len(instances)
    assert store.request(last)["status"] == "RUNNING"
    assert store.result(last) is None  # nothing half-published

    assert run_worker(store.root, 0.0).wait(60) == 0
    assert {r["status"] for r in store.requests()} == {FINISHED}
    board, verdicts, results = snapshot(store)
    ref_board, ref_verdicts, ref_results = snapshot(reference)
    pd.testing.assert_frame_equal(board, ref_board)
    assert verdicts == ref_verdicts
    for got, want in zip(results, ref_results, strict=True):
        assert {k: v for k, v in got["opening"].items() if k != "judged"} == {
            k: v for k, v in want["opening"].items() if k != "judged"
        }
